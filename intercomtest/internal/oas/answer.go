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
	// Sample is where the body came from, and the examples passed over.
	Sample Sample
}

// SuccessStatus returns the lowest 2xx status the operation documents, and
// its response; 200 and the "default" response (which may be nil) when it
// documents none.
func (o *Operation) SuccessStatus() (int, *openapi3.Response) {
	var codes []int
	for key := range o.Op.Responses.Map() {
		if c, err := strconv.Atoi(key); err == nil && c >= 200 && c <= 299 {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		if ref := o.Op.Responses.Value("2XX"); ref != nil {
			return 200, ref.Value
		}
		if ref := o.Op.Responses.Default(); ref != nil {
			return 200, ref.Value
		}
		return 200, nil
	}
	c := slices.Min(codes)
	return c, o.Op.Responses.Status(c).Value
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

// SuccessAnswer builds the operation's documented success response: the
// first of its examples that satisfies the schema, or a body built from the
// schema when none does (or there are none).
func (o *Operation) SuccessAnswer() (*Answer, error) {
	status, resp := o.SuccessStatus()
	a := &Answer{Status: status}
	if resp == nil || len(resp.Content) == 0 || status == 204 || status == 304 {
		return a, nil
	}
	ct, mt := JSONMedia(resp.Content)
	if mt == nil {
		// A stream (a data export, say): a few fixed bytes of the first
		// documented media type stand in for the content.
		ct = slices.Sorted(maps.Keys(resp.Content))[0]
		a.ContentType, a.Body = ct, []byte("intercomtest: a "+ct+" body\n")
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
