package versions_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// TestVersionPackagesStayLight checks that importing a version package does
// not pull the generator or the spec parser into a user's build.
func TestVersionPackagesStayLight(t *testing.T) {
	forbidden := []string{
		"github.com/getkin/kin-openapi",
		"github.com/oapi-codegen/oapi-codegen",
		"github.com/oasdiff/",
		"gopkg.in/yaml",
		"github.com/intercomgo/intercom/gen",
	}
	for _, v := range versions.All {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "github.com/intercomgo/intercom/versions/"+v.Package).CombinedOutput()
		require.NoError(t, err, string(out))
		deps := strings.Fields(string(out))
		assert.Contains(t, deps, "github.com/oapi-codegen/runtime")
		for _, d := range deps {
			for _, f := range forbidden {
				assert.False(t, strings.HasPrefix(d, f), "%s depends on %s", v.Package, d)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	require.NotEmpty(t, versions.All)
	last := versions.All[len(versions.All)-1]
	byName, ok := versions.Lookup(last.Name)
	require.True(t, ok)
	byPkg, ok := versions.Lookup(last.Package)
	require.True(t, ok)
	assert.Equal(t, byName.Name, byPkg.Name)
	assert.NotEmpty(t, byName.Spec)
	_, ok = versions.Lookup("0.0")
	assert.False(t, ok)
	assert.Len(t, versions.Names(), len(versions.All))
}
