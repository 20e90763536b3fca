// This test is copied into versions/v9_1 of the repository copy that
// TestAddVersionFromASpecFileEndToEnd adds shapes.yaml to, as version 9.1:
// it drives the generated typed method of the multipart/form-data upload
// against the fake server.

package v9_1_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v9_1"
)

func TestUploadThroughTheTypedClient(t *testing.T) {
	srv := intercomtest.NewServer(t, v9_1.APIVersion, intercomtest.WithTokens("tok"))
	c, err := v9_1.NewClient(intercom.WithToken("tok"), intercom.WithBaseURL(srv.URL()), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	ctx := context.Background()
	file := []byte("%PDF-1.7\n\x00\xff\xfe\x89PNG\r\n")

	att, err := c.UploadConversationAttachment(ctx, "123", &intercom.MultipartBody{
		Fields: []intercom.FormField{{Name: "name", Value: "Q3 report"}},
		Files:  []intercom.FormFile{{Field: "file", Filename: "q3.pdf", ContentType: "application/pdf", Content: bytes.NewReader(file)}},
	})
	require.NoError(t, err)
	require.NotNil(t, att.Id)
	assert.Equal(t, "att_1", *att.Id, "the documented answer, decoded")
	srv.AssertNoViolations(t)
	reqs := srv.RequestsFor("UploadConversationAttachment")
	require.Len(t, reqs, 1)
	form, err := reqs[0].MultipartForm()
	require.NoError(t, err)
	assert.Equal(t, []string{"Q3 report"}, form.Value["name"])
	require.Len(t, form.File["file"], 1)
	assert.Equal(t, "q3.pdf", form.File["file"][0].Filename)
	f, err := form.File["file"][0].Open()
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, file, got, "the fake saw the file byte for byte")

	// Without the required file part: a 400, as an *intercom.Error.
	srv.Reset()
	_, err = c.UploadConversationAttachment(ctx, "123", &intercom.MultipartBody{Fields: []intercom.FormField{{Name: "name", Value: "Q3 report"}}})
	var apiErr *intercom.Error
	require.True(t, errors.As(err, &apiErr), "want an *intercom.Error, got %v", err)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Contains(t, apiErr.Error(), `missing required part "file"`)

	// JSON to the upload, through the raw client: refused, saying what
	// to send.
	srv.Reset()
	raw, err := c.Raw().UploadConversationAttachmentWithBodyWithResponse(ctx, "123", "application/json", strings.NewReader(`{"name":"Q3 report"}`))
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, raw.StatusCode())
	assert.Contains(t, string(raw.Body), "send Content-Type: multipart/form-data")
	vs := srv.Violations()
	require.Len(t, vs, 1)
	assert.Contains(t, vs[0].Message, "with the parts file (a file, required) and name (text)")
}
