package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/manifest"
	"github.com/intercomgo/intercom/gen/pipeline"
)

// TestVerifyReportsTheCompilersMessage: generated code that does not
// compile is caught before anything is written, and the error is the
// compiler's, not a later step's guess.
func TestVerifyReportsTheCompilersMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := copyRepo(t)
	m, err := manifest.Load(filepath.Join(dir, "openapi", "manifest.json"))
	require.NoError(t, err)
	m.Versions = append(m.Versions, manifest.Entry{Version: "9.9"})
	broken := &pipeline.Result{Files: map[string][]byte{
		"doc.go":            []byte("package v9_9\n\nvar When = time.Now\n"),
		"spec/spec.gen.go":  []byte("package spec\n\nconst UpstreamSHA256 = \"\"\n\nvar JSON []byte\n"),
		"spec/openapi.json": []byte("{}"),
	}}
	before := tree(t, dir)
	err = (&tool{root: dir}).verify(m, map[string]*pipeline.Result{"9.9": broken})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go build")
	assert.Contains(t, err.Error(), "undefined: time")
	assert.NotContains(t, err.Error(), "inside a checkout")
	assert.Equal(t, before, tree(t, dir), "nothing written")

	broken.Files["doc.go"] = []byte("package v9_9\n\nimport \"fmt\"\n\n// Say prints.\nfunc Say() { fmt.Printf(\"%d\", \"x\") }\n")
	err = (&tool{root: dir}).verify(m, map[string]*pipeline.Result{"9.9": broken})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go vet")
	assert.Contains(t, err.Error(), "Printf format %d")
}
