package intercom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// MultipartBody is a multipart/form-data request body, which typed methods
// of operations that upload files take. Fields are written first, then
// files, each in order.
type MultipartBody struct {
	// Fields are the plain form fields.
	Fields []FormField
	// Files are the file parts.
	Files []FormFile
}

// FormField is one plain field of a multipart body.
type FormField struct {
	Name, Value string
}

// FormFile is one file part of a multipart body.
type FormFile struct {
	// Field is the form field name.
	Field string
	// Filename is the file name sent to the API.
	Filename string
	// ContentType is the part's media type; "application/octet-stream"
	// when empty.
	ContentType string
	// Content is read once, when the request is built.
	Content io.Reader
}

// Encode renders the body and returns its Content-Type header value (with
// the boundary) and the encoded bytes. The body is buffered so that the
// request can be retried.
func (b *MultipartBody) Encode() (string, io.Reader, error) {
	if b == nil {
		return "", nil, errors.New("intercom: nil MultipartBody")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range b.Fields {
		if err := w.WriteField(f.Name, f.Value); err != nil {
			return "", nil, fmt.Errorf("intercom: multipart field %q: %w", sanitize(f.Name, 100), err)
		}
	}
	for _, f := range b.Files {
		if f.Content == nil {
			return "", nil, fmt.Errorf("intercom: multipart file %q has no Content", sanitize(f.Field, 100))
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(f.Field), quoteEscaper.Replace(f.Filename)))
		h.Set("Content-Type", ct)
		part, err := w.CreatePart(h)
		if err != nil {
			return "", nil, err
		}
		if _, err := io.Copy(part, f.Content); err != nil {
			return "", nil, fmt.Errorf("intercom: reading multipart file %q: %w", sanitize(f.Filename, 100), err)
		}
	}
	if err := w.Close(); err != nil {
		return "", nil, err
	}
	return w.FormDataContentType(), bytes.NewReader(buf.Bytes()), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")
