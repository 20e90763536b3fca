package schemadiff

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizeName(t *testing.T) {
	for _, name := range []string{"createContact", "CreateContact", "create_contact", "CREATECONTACT", "CreateContactWithResponse", "CreateContactWithBody"} {
		require.Equal(t, "createcontact", normalizeName(name), name)
	}
	ids := map[string]bool{"createcontact": true}
	for _, name := range []string{"CreateContact", "NewCreateContactRequest", "ParseCreateContactResponse", "CreateContactJSONRequestBody", "CreateContactParams", "CreateContactWithBodyWithResponse"} {
		require.True(t, forOperation(name, ids), name)
	}
	for _, name := range []string{"CreateContactNote", "Contact", "NewCreateConversationRequest"} {
		require.False(t, forOperation(name, ids), name)
	}
}

func TestGoViewSaysNothing(t *testing.T) {
	old := typeCheck(t, "example.com/a", oldAPI)
	p := GoPackages{"example.com/a": old, "example.com/b": typeCheck(t, "example.com/b", oldAPI)}
	g, err := p.CompareGo("example.com/a", "example.com/b")
	require.NoError(t, err)
	require.Empty(t, g.Changes)
	require.Zero(t, g.Incompatible)
	var out bytes.Buffer
	require.NoError(t, (&Report{Base: "a", Revision: "b", Go: g}).WriteText(&out))
	require.Contains(t, out.String(), "Go view: nothing to change")
	require.Contains(t, out.String(), "Wire view: nothing changes")
}
