package intercomtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// uploadSpec is a synthetic description with the multipart/form-data
// uploads the fake must take: one with a required file and a required
// text part beside optional ones, and one whose form is optional.
const uploadSpec = `
openapi: 3.0.1
info: {title: uploads, version: '9.1'}
security: [{bearerAuth: []}]
paths:
  /conversations/{id}/attachments:
    post:
      operationId: uploadAttachment
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, purpose]
              properties:
                file: {type: string, format: binary}
                purpose: {type: string}
                position: {type: integer}
      responses:
        '200':
          description: stored
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  name: {type: string}
              example: {id: att_1, name: report.pdf}
  /avatars:
    put:
      operationId: replaceAvatar
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                image: {type: string, format: binary}
      responses:
        '204': {description: replaced}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
`

// fileBytes is an upload that is not text: a NUL and bytes that are not
// UTF-8 must arrive as sent.
var fileBytes = []byte("%PDF-1.7\n\x00\xff\xfe\x89PNG\r\n")

// uploadServer serves the synthetic description.
func uploadServer(t *testing.T, opts ...Option) (*Server, *intercom.Transport) {
	t.Helper()
	doc, err := oas.Parse("9.1", []byte(uploadSpec))
	require.NoError(t, err)
	cfg := config{maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		o(&cfg)
	}
	require.Empty(t, cfg.errs)
	s := newServer(doc, cfg)
	s.http = httptest.NewServer(s)
	t.Cleanup(s.Close)
	tr, err := intercom.NewTransport("9.1", intercom.WithToken("tok"), intercom.WithBaseURL(s.URL()), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	return s, tr
}

// upload sends body to the upload operation through the root package's
// transport, as a typed method does, and decodes the answer.
func upload(t *testing.T, s *Server, tr *intercom.Transport, contentType string, body io.Reader) (map[string]any, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/conversations/123/attachments", body)
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	var out map[string]any
	err = tr.Call(context.Background(), intercom.Operation{Name: "UploadAttachment", ID: "uploadAttachment", Method: "POST", Path: "/conversations/{id}/attachments"}, req, &out, nil)
	return out, err
}

func encode(t *testing.T, b *intercom.MultipartBody) (string, io.Reader) {
	t.Helper()
	ct, r, err := b.Encode()
	require.NoError(t, err)
	return ct, r
}

func TestUploadIsAcceptedAndRecordedAsSent(t *testing.T) {
	s, tr := uploadServer(t)
	ct, body := encode(t, &intercom.MultipartBody{
		Fields: []intercom.FormField{{Name: "purpose", Value: "evidence"}, {Name: "position", Value: "2"}},
		Files:  []intercom.FormFile{{Field: "file", Filename: "report.pdf", ContentType: "application/pdf", Content: bytes.NewReader(fileBytes)}},
	})
	out, err := upload(t, s, tr, ct, body)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"id": "att_1", "name": "report.pdf"}, out, "the documented answer")
	s.AssertNoViolations(t)

	reqs := s.RequestsFor("UploadAttachment")
	require.Len(t, reqs, 1)
	form, err := reqs[0].MultipartForm()
	require.NoError(t, err)
	assert.Equal(t, []string{"evidence"}, form.Value["purpose"])
	assert.Equal(t, []string{"2"}, form.Value["position"])
	require.Len(t, form.File["file"], 1)
	fh := form.File["file"][0]
	assert.Equal(t, "report.pdf", fh.Filename)
	assert.Equal(t, "application/pdf", fh.Header.Get("Content-Type"))
	f, err := fh.Open()
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, fileBytes, got, "the file arrives byte for byte")

	_, err = Request{Method: "GET", Path: "/x", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte("{}")}.MultipartForm()
	assert.ErrorContains(t, err, "not multipart/form-data")
}

// apiErr asserts that err is an *intercom.Error with the status and a
// message containing each of want.
func apiErr(t *testing.T, err error, status int, want ...string) {
	t.Helper()
	var e *intercom.Error
	require.True(t, errors.As(err, &e), "want an *intercom.Error, got %v", err)
	assert.Equal(t, status, e.StatusCode)
	for _, w := range want {
		assert.Contains(t, e.Error(), w)
	}
}

func TestUploadMissingARequiredPartIsRefused(t *testing.T) {
	s, tr := uploadServer(t)
	ct, body := encode(t, &intercom.MultipartBody{Fields: []intercom.FormField{{Name: "position", Value: "1"}}})
	_, err := upload(t, s, tr, ct, body)
	apiErr(t, err, http.StatusBadRequest,
		`missing required part "file" of the multipart body: send it as a file part (Content-Disposition: form-data; name="file"; filename=...)`,
		`missing required part "purpose" of the multipart body: send it as a form field`)
	vs := s.Violations()
	require.Len(t, vs, 2)
	assert.Equal(t, "file", vs[0].Field)
	assert.Equal(t, "parameter_not_found", vs[0].Code)
	assert.Equal(t, "purpose", vs[1].Field)
}

func TestUploadWithAnotherBodyIsRefusedSayingWhatToSend(t *testing.T) {
	s, tr := uploadServer(t)
	const send = "send Content-Type: multipart/form-data; boundary=... with the parts file (a file, required), position (text) and purpose (text, required)"
	_, err := upload(t, s, tr, "application/json", strings.NewReader(`{"purpose":"evidence","file":"JVBERi0="}`))
	apiErr(t, err, http.StatusBadRequest, `POST /conversations/{id}/attachments takes a multipart/form-data upload, not a "application/json" body`)

	_, err = upload(t, s, tr, "", strings.NewReader("purpose=evidence"))
	apiErr(t, err, http.StatusBadRequest, "not a body with no Content-Type")

	_, err = upload(t, s, tr, "", nil)
	apiErr(t, err, http.StatusBadRequest, "the request body is required: send Content-Type: multipart/form-data with the parts file")

	// The error a client sees is clipped; the violation has it whole.
	vs := s.Violations()
	require.Len(t, vs, 3)
	for _, v := range vs {
		assert.Equal(t, InBody, v.In)
		assert.Equal(t, http.StatusBadRequest, v.Status)
	}
	assert.Contains(t, vs[0].Message, send)
	assert.Equal(t, "Content-Type", vs[0].Field)
	assert.Contains(t, vs[1].Message, send)
	assert.Contains(t, vs[2].Message, "with the parts file (a file, required), position (text) and purpose (text, required)")
}

func TestMalformedUploadsAreRefused(t *testing.T) {
	s, tr := uploadServer(t)
	ct, body := encode(t, &intercom.MultipartBody{Fields: []intercom.FormField{{Name: "purpose", Value: "x"}}})
	whole, err := io.ReadAll(body)
	require.NoError(t, err)
	_, boundary, _ := strings.Cut(ct, "boundary=")

	cases := []struct {
		name, contentType, body string
		want                    string
	}{
		{"no boundary", "multipart/form-data", string(whole), "has no boundary parameter"},
		{"another boundary", "multipart/form-data; boundary=elsewhere", string(whole), "the multipart body does not parse"},
		{"cut short", ct, string(whole[:len(whole)/2]), "the multipart body does not parse"},
		{"a part without a name", ct, "--" + boundary + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + boundary + "--\r\n", "has no name"},
		{"a value that breaks the schema", ct, formOf(boundary, map[string]string{"purpose": "x", "position": "first"}, true), "a part of the multipart/form-data body breaks the description: path position: value first: an invalid integer"},
		{"an undeclared part", ct, formOf(boundary, map[string]string{"purpose": "x", "colour": "red"}, true), "a part of the multipart/form-data body breaks the description: part colour: undefined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := upload(t, s, tr, c.contentType, strings.NewReader(c.body))
			apiErr(t, err, http.StatusBadRequest, c.want)
		})
	}
}

// formOf writes a multipart body by hand, with a file part when withFile.
func formOf(boundary string, fields map[string]string, withFile bool) string {
	var b strings.Builder
	for name, v := range fields {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, name, v)
	}
	if withFile {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n%s\r\n", boundary, fileBytes)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.String()
}

func TestUploadLimits(t *testing.T) {
	s, tr := uploadServer(t, WithMaxBodyBytes(4<<10))
	ct, body := encode(t, &intercom.MultipartBody{
		Fields: []intercom.FormField{{Name: "purpose", Value: "x"}},
		Files:  []intercom.FormFile{{Field: "file", Filename: "big.bin", Content: bytes.NewReader(make([]byte, 8<<10))}},
	})
	_, err := upload(t, s, tr, ct, body)
	apiErr(t, err, http.StatusRequestEntityTooLarge, "larger than 4096 bytes")

	s, tr = uploadServer(t)
	many := &intercom.MultipartBody{Files: []intercom.FormFile{{Field: "file", Filename: "a.bin", Content: bytes.NewReader(fileBytes)}}}
	for range maxFormParts {
		many.Fields = append(many.Fields, intercom.FormField{Name: "purpose", Value: "x"})
	}
	ct, body = encode(t, many)
	_, err = upload(t, s, tr, ct, body)
	apiErr(t, err, http.StatusBadRequest, "more than 1000 parts")
}

func TestUploadAuthenticationComesFirst(t *testing.T) {
	s, _ := uploadServer(t)
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/conversations/123/attachments", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Intercom-Version", "9.1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no token is reported before the body")
	vs := s.Violations()
	require.NotEmpty(t, vs)
	assert.Equal(t, InAuth, vs[0].In)
}

func TestOptionalUploadMayBeLeftOut(t *testing.T) {
	s, tr := uploadServer(t)
	req, err := http.NewRequest(http.MethodPut, s.URL()+"/avatars", nil)
	require.NoError(t, err)
	err = tr.Call(context.Background(), intercom.Operation{Name: "ReplaceAvatar", ID: "replaceAvatar", Method: "PUT", Path: "/avatars"}, req, nil, nil)
	require.NoError(t, err)

	ct, body := encode(t, &intercom.MultipartBody{Files: []intercom.FormFile{{Field: "image", Filename: "me.png", ContentType: "image/png", Content: bytes.NewReader(fileBytes)}}})
	req, err = http.NewRequest(http.MethodPut, s.URL()+"/avatars", body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", ct)
	err = tr.Call(context.Background(), intercom.Operation{Name: "ReplaceAvatar", ID: "replaceAvatar", Method: "PUT", Path: "/avatars"}, req, nil, nil)
	require.NoError(t, err)
	s.AssertNoViolations(t)
	reqs := s.RequestsFor("replaceAvatar")
	require.Len(t, reqs, 2)
	form, err := reqs[1].MultipartForm()
	require.NoError(t, err)
	require.Len(t, form.File["image"], 1)
	assert.Equal(t, "me.png", form.File["image"][0].Filename)
}
