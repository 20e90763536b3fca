package oas

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Answer is the success response the description documents for an
// operation, with a body that satisfies the response schema.
type Answer struct {
	Status      int
	ContentType string // "" without a body
	Body        []byte // nil without a body
	// Redirect is true for a documented 3xx answer, which carries a
	// Location header instead of a body.
	Redirect bool
	// Sample is where the body came from, and the examples passed over.
	Sample Sample
}

// SuccessStatus returns the lowest 2xx status the operation documents, and
// its response; failing that the lowest 3xx (an operation that answers
// with a redirect, to a file say); 200 and the "default" response (which
// may be nil) when it documents neither.
func (o *Operation) SuccessStatus() (int, *openapi3.Response) {
	for _, lo := range []int{200, 300} {
		var codes []int
		for key := range o.Op.Responses.Map() {
			if c, err := strconv.Atoi(key); err == nil && c >= lo && c <= lo+99 {
				codes = append(codes, c)
			}
		}
		if len(codes) > 0 {
			c := slices.Min(codes)
			return c, o.Op.Responses.Status(c).Value
		}
		if lo == 200 {
			if ref := o.Op.Responses.Value("2XX"); ref != nil {
				return 200, ref.Value
			}
		}
	}
	if ref := o.Op.Responses.Default(); ref != nil {
		return 200, ref.Value
	}
	return 200, nil
}

// BinaryBody is the body the fake answers for a success response whose
// media type is neither JSON nor text: a few bytes no decoder would take
// for text, so that a client that treats them as text is noticed.
var BinaryBody = []byte{0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0xff, 0xfb, 0x90, 0x00}

// IsText reports whether a media type is text/*.
func IsText(mediaType string) bool {
	base, _, _ := strings.Cut(mediaType, ";")
	return strings.HasPrefix(strings.TrimSpace(strings.ToLower(base)), "text/")
}

// JSONMedia returns the JSON media type of content (application/json, or
// any */*+json), and its name; nil when there is none.
func JSONMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	if mt := content.Get("application/json"); mt != nil {
		return "application/json", mt
	}
	for _, name := range slices.Sorted(maps.Keys(content)) {
		base, _, _ := strings.Cut(name, ";")
		if strings.HasSuffix(strings.TrimSpace(base), "+json") {
			return name, content[name]
		}
	}
	return "", nil
}

// FormMedia returns the multipart/form-data media type of content (an
// upload's request body), or nil.
func FormMedia(content openapi3.Content) *openapi3.MediaType {
	for _, name := range slices.Sorted(maps.Keys(content)) {
		base, _, _ := strings.Cut(name, ";")
		if strings.EqualFold(strings.TrimSpace(base), "multipart/form-data") {
			return content[name]
		}
	}
	return nil
}

// SuccessAnswer builds the operation's documented success response: the
// first of its examples that satisfies the schema, or a body built from the
// schema when none does (or there are none).
func (o *Operation) SuccessAnswer() (*Answer, error) {
	status, resp := o.SuccessStatus()
	a := &Answer{Status: status, Redirect: status >= 300 && status <= 399}
	if resp == nil || len(resp.Content) == 0 || status == 204 || status == 304 {
		return a, nil
	}
	ct, mt := JSONMedia(resp.Content)
	if mt == nil {
		// Not JSON: text is sampled from its schema and examples like
		// JSON is; anything else (a recording, an export file) is bytes.
		names := slices.Sorted(maps.Keys(resp.Content))
		for _, name := range names {
			if !IsText(name) {
				continue
			}
			s, err := FromMedia(resp.Content[name], Response)
			if err != nil {
				return nil, fmt.Errorf("operation %s: %d response: %w", o.ID, status, err)
			}
			text, ok := s.Value.(string)
			if !ok {
				text = fmt.Sprint(s.Value)
			}
			a.ContentType, a.Body, a.Sample = name, []byte(text), s
			return a, nil
		}
		a.ContentType, a.Body = names[0], BinaryBody
		if a.ContentType == "*/*" {
			a.ContentType = "application/octet-stream"
		}
		return a, nil
	}
	s, err := FromMedia(mt, Response)
	if err != nil {
		return nil, fmt.Errorf("operation %s: %d response: %w", o.ID, status, err)
	}
	body, err := json.Marshal(s.Value)
	if err != nil {
		return nil, fmt.Errorf("operation %s: %d response: %w", o.ID, status, err)
	}
	a.ContentType, a.Body, a.Sample = ct, body, s
	return a, nil
}
