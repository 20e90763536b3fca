package specload

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/manifest"
)

// aliasBomb is a 1 MiB document in which 300 aliases repeat a 1 MiB
// string: 300 MiB once expanded.
func aliasBomb() []byte {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-big: &big \"")
	b.WriteString(strings.Repeat("a", 1<<20))
	b.WriteString("\"\npaths:\n  /x:\n    get:\n      x-copies: [")
	for i := range 300 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*big")
	}
	b.WriteString("]\n")
	return []byte(b.String())
}

func TestAliasBombIsRefused(t *testing.T) {
	err := Check(aliasBomb())
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "aliases expanded")
}

func TestOversizedFileIsRefused(t *testing.T) {
	err := Check(make([]byte, MaxBytes+1))
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestDeepNestingIsRefused(t *testing.T) {
	doc := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	assert.ErrorContains(t, Check([]byte(doc)), "levels deep")
}

func TestModestAliasesAreFine(t *testing.T) {
	doc := "a: &x {b: 1, c: [1, 2]}\nd: *x\ne: [*x, *x]\n"
	require.NoError(t, Check([]byte(doc)))
}

// TestEveryVersionSpecLoads checks the bounds against the real
// descriptions of every version in the manifest.
func TestEveryVersionSpecLoads(t *testing.T) {
	root := filepath.Join("..", "..")
	m, err := manifest.Load(filepath.Join(root, "openapi", "manifest.json"))
	require.NoError(t, err)
	for i := range m.Versions {
		e := &m.Versions[i]
		data, err := manifest.ReadSpec(root, e)
		if err != nil {
			if _, statErr := os.Stat(manifest.SpecPath(root, e.Version)); os.IsNotExist(statErr) {
				t.Skipf("%v (run make fetch)", err)
			}
			require.NoError(t, err)
		}
		assert.NoError(t, Check(data), fmt.Sprintf("version %s", e.Version))
	}
}

// TestJSONIsCheckedByScan pins the JSON fast path: valid JSON within the
// bounds passes, deep JSON is refused with the same message as YAML, and a
// flow-style YAML document that looks like JSON but holds aliases still
// goes through the alias check.
func TestJSONIsCheckedByScan(t *testing.T) {
	ok, err := checkJSON([]byte(` {"openapi": "3.0.3", "x": ["a\"[[[", {"b": null}]}`))
	assert.True(t, ok)
	require.NoError(t, err)

	deep := `{"a":` + strings.Repeat(`[`, 2000) + strings.Repeat(`]`, 2000) + `}`
	ok, err = checkJSON([]byte(deep))
	assert.True(t, ok)
	assert.ErrorContains(t, err, "levels deep")
	assert.ErrorContains(t, Check([]byte(deep)), "levels deep")

	var b strings.Builder
	b.WriteString(`{"big": &big "` + strings.Repeat("a", 1<<20) + `", "copies": [`)
	for i := range 300 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*big")
	}
	b.WriteString("]}")
	ok, _ = checkJSON([]byte(b.String()))
	assert.False(t, ok, "flow-style YAML with aliases is not JSON")
	require.ErrorIs(t, Check([]byte(b.String())), ErrTooLarge)
}
