package oauth_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).CombinedOutput()
	require.NoError(t, err, string(out))
	return strings.Fields(string(out))
}

// TestOAuthStaysOptional checks that x/oauth2, and the webhook and oauth
// packages, reach only the programs that import them: not the root
// package, not a version package.
func TestOAuthStaysOptional(t *testing.T) {
	forbidden := []string{
		"golang.org/x/oauth2",
		"github.com/intercomgo/intercom/oauth",
		"github.com/intercomgo/intercom/webhook",
		"github.com/intercomgo/intercom/intercomtest",
	}
	pkgs := []string{"github.com/intercomgo/intercom"}
	for _, v := range versions.All {
		pkgs = append(pkgs, "github.com/intercomgo/intercom/versions/"+v.Package)
	}
	for _, p := range pkgs {
		ds := deps(t, p)
		require.Contains(t, ds, p)
		for _, d := range ds {
			for _, f := range forbidden {
				assert.False(t, d == f || strings.HasPrefix(d, f+"/"), "%s depends on %s", p, d)
			}
		}
	}
}

// TestWebhookNeedsOnlyTheStandardLibrary checks that receiving webhooks
// adds no module to a program.
func TestWebhookNeedsOnlyTheStandardLibrary(t *testing.T) {
	for _, d := range deps(t, "github.com/intercomgo/intercom/webhook") {
		if d == "github.com/intercomgo/intercom/webhook" {
			continue
		}
		first, _, _ := strings.Cut(d, "/")
		assert.False(t, strings.Contains(first, "."), "the webhook package depends on %s", d)
	}
}

// TestOAuthDependsOnItsLibrary is the positive control of the checks
// above: the oauth package does pull x/oauth2.
func TestOAuthDependsOnItsLibrary(t *testing.T) {
	assert.Contains(t, deps(t, "github.com/intercomgo/intercom/oauth"), "golang.org/x/oauth2")
}
