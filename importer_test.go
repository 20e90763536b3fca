package intercom_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"

	"github.com/intercomgo/intercom/versions"
)

// importerModules are the only modules an importer of the root package and
// the version packages may need: the module itself and what the generated
// clients import.
var importerModules = map[string]bool{
	"github.com/intercomgo/intercom":     true,
	"github.com/oapi-codegen/runtime":    true,
	"github.com/apapsch/go-jsonmerge/v2": true,
	"github.com/google/uuid":             true,
}

// TestImporterGoModStaysSmall builds a scratch module that imports the root
// package and every version package, runs go mod tidy in it, and checks
// that no generator, spec or test module (kin-openapi, oapi-codegen,
// testify, yaml, oasdiff) lands in its go.mod, and that its go line is
// the module's own.
func TestImporterGoModStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy")
	}
	root, err := filepath.Abs(".")
	require.NoError(t, err)
	own, err := modfile.Parse("go.mod", must(os.ReadFile(filepath.Join(root, "go.mod"))), nil)
	require.NoError(t, err)
	require.NotNil(t, own.Go)
	assert.Regexp(t, `^1\.[0-9]+(\.0)?$`, own.Go.Version, "the go line names a minor release, not a patch release")

	dir := t.TempDir()
	var imports, uses strings.Builder
	imports.WriteString("\t\"github.com/intercomgo/intercom\"\n")
	for _, v := range versions.All {
		fmt.Fprintf(&imports, "\t%q\n", "github.com/intercomgo/intercom/versions/"+v.Package)
		fmt.Fprintf(&uses, "\t_, _ = %s.NewClient(intercom.WithToken(\"t\"))\n", v.Package)
	}
	main := "package main\n\nimport (\n" + imports.String() + ")\n\nfunc main() {\n" + uses.String() + "}\n"
	gomod := fmt.Sprintf("module example.com/importer\n\ngo %s\n\nrequire github.com/intercomgo/intercom v0.0.0\n\nreplace github.com/intercomgo/intercom => %s\n", own.Go.Version, root)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))

	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	// GOPROXY and the module cache come from the environment (CI reaches
	// the Go module proxy); GOFLAGS is set so that a -mod=vendor or
	// -mod=readonly in the caller's environment cannot stop tidy.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go mod tidy in the scratch importer:\n%s", out)

	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	tidy, err := modfile.Parse("go.mod", data, nil)
	require.NoError(t, err)
	assert.Equal(t, own.Go.Version, tidy.Go.Version, "importing the module does not raise the importer's go line")
	var extra []string
	for _, r := range tidy.Require {
		if !importerModules[r.Mod.Path] {
			extra = append(extra, r.Mod.String())
		}
	}
	assert.Empty(t, extra, "modules an importer should not need, in its go.mod after go mod tidy:\n%s", data)
	assert.NotEmpty(t, tidy.Require)

	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	build.Env = cmd.Env
	out, err = build.CombinedOutput()
	require.NoError(t, err, "the scratch importer builds:\n%s", out)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
