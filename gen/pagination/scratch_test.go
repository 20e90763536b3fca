package pagination

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/intercomgo/intercom/gen/manifest"
	"github.com/intercomgo/intercom/gen/pipeline"
)

func TestScratch(t *testing.T) {
	root := "../.."
	m, err := manifest.Load(filepath.Join(root, "openapi", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.Versions {
		spec, err := manifest.ReadSpec(root, &e)
		if err != nil {
			t.Fatal(err)
		}
		ov, _ := manifest.ReadOverlay(root, e.Version)
		v := pipeline.Version{Name: e.Version, SHA256: e.SHA256}
		r, err := pipeline.Generate(v, spec, ov)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("/tmp/pgout", v.Package())
		os.MkdirAll(dir, 0o755)
		for _, f := range []string{CodeFile, TestFile, TableFile} {
			os.WriteFile(filepath.Join(dir, f), r.Files[f], 0o644)
		}
	}
}
