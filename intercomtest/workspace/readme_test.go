package workspace_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions/v2_12"
)

// TestReadmeExample is the README's example of a stateful test, kept here
// so that it stays true.
func TestReadmeExample(t *testing.T) {
	ws := workspace.MustNew(t, workspace.WithSeed(&workspace.Seed{
		Contacts: []map[string]any{{"email": "ada@example.com", "name": "Ada"}},
	}))
	srv := ws.NewServer(t, "2.12")
	client, err := v2_12.NewClient(intercom.WithToken("test"), intercom.WithBaseURL(srv.URL()))
	require.NoError(t, err)

	var names []string
	for c, err := range client.ListContactsAll(t.Context()) {
		require.NoError(t, err)
		names = append(names, *c.Name)
	}
	require.Equal(t, []string{"Ada"}, names)
	srv.AssertNoViolations(t)
}
