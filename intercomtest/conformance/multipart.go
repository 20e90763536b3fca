package conformance

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// form is the multipart/form-data body planned for an upload operation:
// its plain fields and its files, in the order of the property names.
type form struct {
	fields []intercom.FormField
	files  []formFile
}

// formFile is one planned file part.
type formFile struct {
	field, filename, contentType string
	content                      []byte
}

// Multipart fills dst with the multipart body planned for the call: a
// plain field for each text, number or boolean property of the schema, a
// file for each binary one. Each call gets fresh readers, so the body can
// be sent more than once.
func (in *Input) Multipart(dst *intercom.MultipartBody) error {
	if in.form == nil {
		return fmt.Errorf("%s: the description documents no multipart/form-data request body for this operation", in.op)
	}
	dst.Fields = slices.Clone(in.form.fields)
	dst.Files = nil
	for _, f := range in.form.files {
		dst.Files = append(dst.Files, intercom.FormFile{Field: f.field, Filename: f.filename, ContentType: f.contentType, Content: bytes.NewReader(f.content)})
	}
	return nil
}

// isBinary reports whether a property is a file: a binary string.
func isBinary(s *openapi3.Schema) bool {
	return s != nil && s.Type.Is("string") && s.Format == "binary"
}

// uploadContent is what a planned file holds: a few bytes that are not
// text (a NUL, bytes that are not UTF-8), so that a client or server that
// handles a file as text is noticed.
func uploadContent(field string) []byte {
	return append([]byte("conformance upload of "+field+"\n"), 0x00, 0xff, 0xfe, 0x89, 'P', 'N', 'G', '\r', '\n')
}

// planForm turns a sample value of a multipart body's schema into the
// form to send: plain fields for text, numbers and booleans (each element
// of an array as a field of the same name), files for binary properties.
// It fails for a property the suite cannot send as a part (an object).
func planForm(mt *openapi3.MediaType, value any) (*form, error) {
	var schema *openapi3.Schema
	if mt.Schema != nil {
		schema = mt.Schema.Value
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the multipart body's schema is not an object of parts (sample %v)", value)
	}
	props := oas.Properties(schema)
	f := &form{}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		prop, declared := props[name]
		if !declared || obj[name] == nil {
			continue
		}
		values, item := []any{obj[name]}, prop
		if prop != nil && prop.Type.Is("array") {
			list, ok := obj[name].([]any)
			if !ok {
				return nil, fmt.Errorf("part %q: the sample %v is not a list", name, obj[name])
			}
			values = list
			item = nil
			if prop.Items != nil {
				item = prop.Items.Value
			}
		}
		for i, v := range values {
			if isBinary(item) {
				file := formFile{field: name, filename: fmt.Sprintf("%s-%d.bin", name, i+1), contentType: "application/octet-stream", content: uploadContent(name)}
				if enc := mt.Encoding[name]; enc != nil && enc.ContentType != "" {
					// The description names the media types the part
					// takes; send the first that is not a pattern.
					for ct := range strings.SplitSeq(enc.ContentType, ",") {
						if ct = strings.TrimSpace(ct); ct != "" && !strings.Contains(ct, "*") {
							file.contentType = ct
							break
						}
					}
				}
				f.files = append(f.files, file)
				continue
			}
			text, err := partText(v)
			if err != nil {
				return nil, fmt.Errorf("part %q: %w", name, err)
			}
			f.fields = append(f.fields, intercom.FormField{Name: name, Value: text})
		}
	}
	return f, nil
}

// partText renders a JSON scalar as the text of a plain form field.
func partText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	default:
		return "", fmt.Errorf("the value %v (%T) is neither text, a number, a boolean nor a file; the suite sends no other kind of part", v, v)
	}
}

// maxFormParts bounds how many parts formProblems reads.
const maxFormParts = 1000

// sentPart is one part of a multipart body as received.
type sentPart struct {
	name, filename, contentType string
	content                     []byte
}

// readForm reads every part of a multipart/form-data body held in
// memory.
func readForm(contentType string, body []byte) ([]sentPart, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("the Content-Type %q does not parse: %w", contentType, err)
	}
	if mediaType != "multipart/form-data" || params["boundary"] == "" {
		return nil, fmt.Errorf("the Content-Type is %q, not multipart/form-data with a boundary", contentType)
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var parts []sentPart
	for len(parts) < maxFormParts {
		p, err := r.NextPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("the multipart body does not parse: %w", err)
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("part %q does not read: %w", p.FormName(), err)
		}
		parts = append(parts, sentPart{name: p.FormName(), filename: p.FileName(), contentType: p.Header.Get("Content-Type"), content: content})
	}
	return nil, fmt.Errorf("the multipart body has more than %d parts", maxFormParts)
}

// formProblems compares a multipart body as sent (its Content-Type header
// and bytes) with the planned form: every field with its value, every file
// with its name, media type and exact bytes, and nothing else.
func formProblems(method string, want *form, contentType string, body []byte) []string {
	parts, err := readForm(contentType, body)
	if err != nil {
		return []string{fmt.Sprintf("%s did not send the multipart body set: %v", method, err)}
	}
	var wantParts []sentPart
	for _, f := range want.fields {
		wantParts = append(wantParts, sentPart{name: f.Name, content: []byte(f.Value)})
	}
	for _, f := range want.files {
		wantParts = append(wantParts, sentPart{name: f.field, filename: f.filename, contentType: f.contentType, content: f.content})
	}
	render := func(ps []sentPart) string {
		var b strings.Builder
		for _, p := range ps {
			fmt.Fprintf(&b, "\n   %s", p.name)
			if p.filename != "" {
				fmt.Fprintf(&b, " (file %q, %s)", p.filename, p.contentType)
			}
			fmt.Fprintf(&b, " = %q", clip(p.content))
		}
		return b.String()
	}
	same := len(parts) == len(wantParts)
	for i := 0; same && i < len(parts); i++ {
		g, w := parts[i], wantParts[i]
		same = g.name == w.name && g.filename == w.filename && bytes.Equal(g.content, w.content) &&
			(w.filename == "" || g.contentType == w.contentType)
	}
	if same {
		return nil
	}
	return []string{fmt.Sprintf("%s sent a multipart body other than the one set:\n set:%s\n sent:%s", method, render(wantParts), render(parts))}
}
