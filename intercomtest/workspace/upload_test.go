package workspace_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/workspace"
)

// TestUploadsAreLeftToTheDocumentedAnswer hands the workspace a
// multipart/form-data upload to a route it stores data for: it declines to
// answer (the fake then answers as documented) instead of failing to read
// the form as JSON, and stores nothing.
func TestUploadsAreLeftToTheDocumentedAnswer(t *testing.T) {
	ws, err := workspace.New()
	require.NoError(t, err)
	version := lastVersion()
	ct, form, err := (&intercom.MultipartBody{
		Fields: []intercom.FormField{{Name: "email", Value: "ada@example.com"}},
		Files:  []intercom.FormFile{{Field: "avatar", Filename: "ada.png", Content: bytes.NewReader([]byte{0x89, 'P', 'N', 'G', 0x00, 0xff})}},
	}).Encode()
	require.NoError(t, err)
	var body bytes.Buffer
	_, err = body.ReadFrom(form)
	require.NoError(t, err)
	call := intercomtest.StateCall{
		Version: version, OperationID: "CreateContact", Method: http.MethodPost, PathTemplate: "/contacts",
		Header: http.Header{"Content-Type": {ct}}, Body: body.Bytes(), RequestID: "002d37gmte7nhkf9o4eg",
	}
	_, answered := ws.Answer(call)
	assert.False(t, answered, "an upload is not read as JSON")

	// The same route with JSON is answered from the store, so the upload
	// was declined for what it is, not for its route.
	call.Header = http.Header{"Content-Type": {"application/json"}}
	call.Body = []byte(`{"role":"user","email":"ada@example.com"}`)
	resp, answered := ws.Answer(call)
	require.True(t, answered)
	assert.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
}
