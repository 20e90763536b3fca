package intercomtest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// TestReadmeExample is the README's example of testing code against the
// fake, kept here so that it stays true.
func TestReadmeExample(t *testing.T) {
	srv := intercomtest.NewServer(t, "2.11")
	srv.On("ShowContact", intercomtest.RespondError(404, "not_found", "User Not Found"))

	client, err := v2_11.NewClient(intercom.WithToken("test"), intercom.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, err = client.ShowContact(context.Background(), "123")
	require.True(t, intercom.IsNotFound(err))

	srv.AssertNoViolations(t)
	require.Len(t, srv.Requests(), 1)
}

// TestReadmeDocumentedWith is the README's example of scripting an answer
// that passes response validation.
func TestReadmeDocumentedWith(t *testing.T) {
	srv := intercomtest.NewServer(t, "2.11", intercomtest.WithResponseValidation())
	srv.On("ShowContact", intercomtest.DocumentedWith(map[string]any{
		"id": "6657a6e36abd0123d6f0a8f2", "email": "ada@example.com",
		"custom_attributes": map[string]any{"plan": "pro"},
	}))

	client, err := v2_11.NewClient(intercom.WithToken("test"), intercom.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	contact, err := client.ShowContact(context.Background(), "6657a6e36abd0123d6f0a8f2")
	require.NoError(t, err)
	require.NotNil(t, contact)
	srv.AssertNoViolations(t)
}
