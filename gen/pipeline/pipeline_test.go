package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/intercomgo/intercom/gen/manifest"
	"github.com/intercomgo/intercom/gen/normalize"
)

const root = "../.."

func loadManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load(filepath.Join(root, "openapi", "manifest.json"))
	require.NoError(t, err)
	return m
}

// upstream reads a fetched spec; the tests need `make fetch` first, and say so.
func upstream(t *testing.T, e *manifest.Entry) []byte {
	t.Helper()
	data, err := manifest.ReadSpec(root, e)
	require.NoError(t, err)
	return data
}

// countOperations counts the operations of a raw upstream file without any
// of the generator's code.
func countOperations(t *testing.T, data []byte) int {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(data, &doc))
	n := 0
	for _, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				n++
			}
		}
	}
	return n
}

func TestEveryVersionGeneratesEveryOperation(t *testing.T) {
	applied := map[string]bool{}
	t.Cleanup(func() {
		// Every known wire fact applies to at least one version, or it is
		// stale (its target renamed or gone) and must be updated.
		cs, err := normalize.Corrections()
		require.NoError(t, err)
		for _, c := range cs {
			assert.True(t, applied[c.Target()], "corrections.yaml: %s applies to no version", c.Target())
		}
	})
	for _, e := range loadManifest(t).Versions {
		t.Run(e.Version, func(t *testing.T) {
			data := upstream(t, &e)
			res, err := Generate(Version{Name: e.Version, SHA256: e.SHA256}, data, nil)
			require.NoError(t, err)
			methods, err := Methods(res)
			require.NoError(t, err)
			want := countOperations(t, data)
			assert.Equal(t, e.Operations, want, "the manifest's count matches the upstream file")
			assert.Len(t, methods, want, "one typed method per operation")
			t.Logf("%s: %d/%d operations, %d repairs", e.Version, len(methods), want, len(res.Report.Findings))
			for _, f := range res.Report.Findings {
				if f.Rule == normalize.KnownWireFacts.Name {
					target, _, _ := strings.Cut(f.Detail, ": ")
					applied[target] = true
				}
			}
		})
	}
}

func TestGenerationIsDeterministic(t *testing.T) {
	m := loadManifest(t)
	e := m.Versions[len(m.Versions)-1]
	data := upstream(t, &e)
	v := Version{Name: e.Version, SHA256: e.SHA256}
	first, err := Generate(v, data, nil)
	require.NoError(t, err)
	second, err := Generate(v, data, nil)
	require.NoError(t, err)
	require.Equal(t, len(first.Files), len(second.Files))
	for name, content := range first.Files {
		assert.Equal(t, string(content), string(second.Files[name]), "%s differs between two runs", name)
	}
	assert.Equal(t, first.Report.String(), second.Report.String())
}

func TestOverlayAppliesAndNeedsReasons(t *testing.T) {
	spec := []byte(`
openapi: 3.0.1
info: {title: t, version: '1'}
paths:
  /x:
    get:
      operationId: getX
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}}}
`)
	overlay := []byte(`
overlay: 1.0.0
info: {title: fixes, version: 1.0.0}
actions:
- target: $.paths['/x'].get.responses['200'].content['application/json'].schema.properties.id
  description: The API sends ids as strings although the spec says integer.
  update: {type: string}
`)
	res, err := Generate(Version{Name: "9.9", SHA256: "x"}, spec, overlay)
	require.NoError(t, err)
	assert.Contains(t, string(res.Files["api.gen.go"]), "Id *string")

	noReason := []byte(`
overlay: 1.0.0
info: {title: fixes, version: 1.0.0}
actions:
- target: $.paths['/x'].get
  update: {summary: s}
`)
	_, err = Generate(Version{Name: "9.9", SHA256: "x"}, spec, noReason)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "say why")

	stale := []byte(`
overlay: 1.0.0
info: {title: fixes, version: 1.0.0}
actions:
- target: $.paths['/gone'].get
  description: fixed upstream since
  update: {summary: s}
`)
	_, err = Generate(Version{Name: "9.9", SHA256: "x"}, spec, stale)
	require.Error(t, err, "an overlay action that matches nothing must fail")
}

func TestBadInputIsAClearError(t *testing.T) {
	_, err := Generate(Version{Name: "9.9"}, []byte("just: [a, list"), nil)
	require.ErrorContains(t, err, "not YAML or JSON")
	_, err = Generate(Version{Name: "9.9"}, []byte("title: not openapi"), nil)
	require.ErrorContains(t, err, "not an OpenAPI 3 document")
}

func TestWriteDirSwapsWholeDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pkg")
	require.NoError(t, WriteDir(dir, map[string][]byte{"a.go": []byte("a"), "sub/b.go": []byte("b")}))
	require.NoError(t, WriteDir(dir, map[string][]byte{"a.go": []byte("A")}))
	got, err := os.ReadFile(filepath.Join(dir, "a.go"))
	require.NoError(t, err)
	assert.Equal(t, "A", string(got))
	_, err = os.Stat(filepath.Join(dir, "sub", "b.go"))
	assert.True(t, os.IsNotExist(err), "files no longer generated are removed")
	diffs, err := DiffDir(dir, map[string][]byte{"a.go": []byte("changed"), "c.go": nil})
	require.NoError(t, err)
	assert.Equal(t, []string{"missing: " + filepath.Join(dir, "c.go"), "stale: " + filepath.Join(dir, "a.go")}, diffs)
}
