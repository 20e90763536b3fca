package intercomtest

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// maxFormParts bounds how many parts of a multipart body the server reads;
// a body with more is refused.
const maxFormParts = 1000

// multipartType is the media type of an upload's request body.
const multipartType = "multipart/form-data"

// checkForm checks the body of a request to an operation that takes
// multipart/form-data: that it is a multipart form (unless the operation
// also takes the media type sent), that it parses, and that every part
// the schema requires is there. The body is already in memory, within the
// server's size limit; parts are read one at a time and only their names
// kept. It returns nil when the operation takes no form, or when the body
// is left to the schema validator (which then checks each part's value).
func checkForm(r *http.Request, body []byte, op *oas.Operation) []Violation {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return nil
	}
	rb := op.Op.RequestBody.Value
	mt := oas.FormMedia(rb.Content)
	if mt == nil {
		return nil
	}
	var schema *openapi3.Schema
	if mt.Schema != nil {
		schema = mt.Schema.Value
	}
	what := describeForm(schema)
	ct := r.Header.Get("Content-Type")
	if len(body) == 0 && ct == "" {
		if !rb.Required {
			return nil
		}
		return []Violation{{In: InBody, Code: "parameter_not_found",
			Message: fmt.Sprintf("the request body is required: send Content-Type: %s with %s", multipartType, what)}}
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil || mediaType != multipartType {
		if err == nil && rb.Content.Get(mediaType) != nil {
			return nil // the operation takes this media type too
		}
		sent := "a body with no Content-Type"
		if ct != "" {
			sent = fmt.Sprintf("a %q body", ct)
		}
		return []Violation{{In: InBody, Field: "Content-Type", Code: "parameter_invalid",
			Message: fmt.Sprintf("%s %s takes a %s upload, not %s: send Content-Type: %s; boundary=... with %s", op.Method, op.Path, multipartType, sent, multipartType, what)}}
	}
	boundary := params["boundary"]
	if boundary == "" {
		return []Violation{{In: InBody, Field: "Content-Type", Code: "parameter_invalid",
			Message: fmt.Sprintf("the Content-Type %s has no boundary parameter: send Content-Type: %s; boundary=<the boundary between the parts>", multipartType, multipartType)}}
	}
	seen := map[string]bool{}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for n := 0; ; n++ {
		if n == maxFormParts {
			return []Violation{{In: InBody, Code: "parameter_invalid",
				Message: fmt.Sprintf("the multipart body has more than %d parts", maxFormParts)}}
		}
		part, err := mr.NextPart()
		if err == io.EOF && !bytes.Contains(body, []byte("--"+boundary+"--")) {
			// The reader also stops bare at a body cut short in a part's
			// headers: only the closing boundary ends a form.
			err = io.ErrUnexpectedEOF
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return []Violation{{In: InBody, Code: "parameter_invalid",
				Message: fmt.Sprintf("the multipart body does not parse (%v): send %s parts separated by the boundary of the Content-Type header", err, multipartType)}}
		}
		name := part.FormName()
		if name == "" {
			return []Violation{{In: InBody, Code: "parameter_invalid",
				Message: `a part of the multipart body has no name: give each part a "Content-Disposition: form-data; name=..." header`}}
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return []Violation{{In: InBody, Field: name, Code: "parameter_invalid",
				Message: fmt.Sprintf("part %q of the multipart body does not read: %v", name, err)}}
		}
		seen[name] = true
	}
	var vs []Violation
	for _, name := range slices.Sorted(maps.Keys(oas.Required(schema))) {
		if seen[name] {
			continue
		}
		how := "a form field"
		if prop := oas.Properties(schema)[name]; isFile(prop) {
			how = fmt.Sprintf(`a file part (Content-Disposition: form-data; name=%q; filename=...)`, name)
		}
		vs = append(vs, Violation{In: InBody, Field: name, Code: "parameter_not_found",
			Message: fmt.Sprintf("missing required part %q of the multipart body: send it as %s", name, how)})
	}
	return vs
}

// isFile reports whether a form property is a file: a binary string, or a
// list of them.
func isFile(s *openapi3.Schema) bool {
	if s != nil && s.Type.Is("array") && s.Items != nil {
		s = s.Items.Value
	}
	return s != nil && s.Type.Is("string") && s.Format == "binary"
}

// describeForm names the parts of a form schema for a message: "the parts
// file (a file, required) and name (text)".
func describeForm(s *openapi3.Schema) string {
	props := oas.Properties(s)
	if len(props) == 0 {
		return "the parts the description documents"
	}
	required := oas.Required(s)
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(props)) {
		kind := "text"
		if isFile(props[name]) {
			kind = "a file"
		}
		if required[name] {
			kind += ", required"
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", name, kind))
	}
	if len(parts) == 1 {
		return "the part " + parts[0]
	}
	return "the parts " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// MultipartForm parses the body of a multipart/form-data request (an
// upload) as received: r.Form.Value holds the plain fields, r.Form.File
// the files, whose Open gives their bytes. The body is already in memory
// (within WithMaxBodyBytes), and the form is kept there too. It fails for a
// request whose body is not multipart/form-data.
func (r Request) MultipartForm() (*multipart.Form, error) {
	ct := r.Header.Get("Content-Type")
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil || mediaType != multipartType || params["boundary"] == "" {
		return nil, fmt.Errorf("intercomtest: request %s %s: the body is not %s with a boundary (Content-Type %q)", r.Method, r.Path, multipartType, ct)
	}
	// A memory budget above the body's own size (with room for the
	// bookkeeping of each part) keeps every file in memory: nothing is
	// written to disk.
	form, err := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"]).ReadForm(int64(len(r.Body)) + 1<<20)
	if err != nil {
		return nil, fmt.Errorf("intercomtest: request %s %s: multipart body: %w", r.Method, r.Path, err)
	}
	return form, nil
}
