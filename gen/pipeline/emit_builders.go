package pipeline

import (
	"bytes"
	"sort"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// BuildersFile holds the request-body constructors that connect a version
// package to the root package's builders (intercom.Where/And/Or, the
// conversation actions).
const BuildersFile = "builders.gen.go"

func init() { Emitters = append(Emitters, emitBuilders) }

// SearchBody is a request body built from an intercom.Query.
type SearchBody struct {
	Type       string   // the body's Go type, "SearchRequest"
	Builder    string   // the generated constructor, "BuildSearchRequest"
	Operations []string // the typed methods that take it
}

// SearchBodies lists the search bodies of a version, found by their shape
// as for BuildSearchRequest.
func SearchBodies(r *Result) []SearchBody {
	search, _ := builders(r)
	out := make([]SearchBody, len(search))
	for i, b := range search {
		out[i] = SearchBody{Type: b.Type, Builder: "Build" + b.Type, Operations: b.Operations}
	}
	return out
}

// bodyBuilder is one generated constructor.
type bodyBuilder struct {
	Type       string   // the body's Go type
	Operations []string // the typed methods that take it
	QueryField string   // for a search body: the Go field holding the query
}

// searchQuerySchema reports whether s is Intercom's search query: a union
// one of whose variants is a filter with field, operator and value.
func searchQuerySchema(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	for _, v := range append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...) {
		if v == nil || v.Value == nil {
			continue
		}
		p := v.Value.Properties
		if p["field"] != nil && p["operator"] != nil && p["value"] != nil {
			return true
		}
	}
	return false
}

// builders derives the constructors from the request bodies' shapes: a
// body with a search query property gets Build<Body>(intercom.Query); a body
// that is itself a union gets Build<Body>(json.Marshaler), which the root
// package's conversation actions and replies satisfy.
func builders(r *Result) (search, unions []bodyBuilder) {
	bySearch, byUnion := map[string]*bodyBuilder{}, map[string]*bodyBuilder{}
	for i := range r.Operations {
		op := &r.Operations[i]
		body := JSONBody(op)
		if body == nil || op.Spec == nil || op.Spec.RequestBody == nil || op.Spec.RequestBody.Value == nil {
			continue
		}
		media := op.Spec.RequestBody.Value.Content.Get(body.ContentType)
		if media == nil || media.Schema == nil || media.Schema.Value == nil || media.Schema.Ref == "" {
			continue // only named bodies: an inline body has no stable name to build
		}
		typ := body.Schema.TypeDecl()
		s := media.Schema.Value
		for _, name := range sortedProps(s) {
			if q := s.Properties[name]; q != nil && searchQuerySchema(q.Value) {
				b := bySearch[typ]
				if b == nil {
					b = &bodyBuilder{Type: typ, QueryField: codegen.SchemaNameToTypeName(name)}
					bySearch[typ] = b
				}
				b.Operations = append(b.Operations, op.OperationId)
			}
		}
		if len(s.OneOf) > 1 || len(s.AnyOf) > 1 {
			b := byUnion[typ]
			if b == nil {
				b = &bodyBuilder{Type: typ}
				byUnion[typ] = b
			}
			b.Operations = append(b.Operations, op.OperationId)
		}
	}
	return sortedBuilders(bySearch), sortedBuilders(byUnion)
}

func sortedProps(s *openapi3.Schema) []string {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func sortedBuilders(m map[string]*bodyBuilder) []bodyBuilder {
	out := make([]bodyBuilder, 0, len(m))
	for _, b := range m {
		sort.Strings(b.Operations)
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

func (b bodyBuilder) OperationList() string {
	return "[Client." + strings.Join(b.Operations, "], [Client.") + "]"
}

var buildersTemplate = template.Must(template.New("builders").Parse(Header + `

package {{.Package}}

import (
	"encoding/json"
	"fmt"

	"github.com/intercomgo/intercom"
)

// Compile-time use of the imports when a version has no such bodies.
var (
	_ json.Marshaler
	_ = fmt.Errorf
	_ intercom.Query
)
{{range .Search}}
// Build{{.Type}} builds the body of {{.OperationList}} from a query made with
// [intercom.Where], [intercom.And] and [intercom.Or], after checking
// Intercom's limits ([intercom.MaxSearchNesting] levels of nested groups,
// [intercom.MaxSearchGroupSize] filters per group). Timestamps are compared
// by day. Set Pagination on the result to choose the page size.
func Build{{.Type}}(q intercom.Query) ({{.Type}}, error) {
	var body {{.Type}}
	if err := intercom.QueryInto(q, &body.{{.QueryField}}); err != nil {
		return {{.Type}}{}, err
	}
	return body, nil
}
{{end}}{{range .Unions}}
// Build{{.Type}} builds the body of {{.OperationList}}, which is one of
// several shapes, from any value that marshals to one of them: one of the
// root package's builders where there is one for this body (the
// conversation actions and replies, such as intercom.CloseConversation or
// intercom.ReplyAsAdmin), or a value of one of the shapes' own types. The
// value is encoded once, here; its encoding error is returned.
func Build{{.Type}}(v json.Marshaler) ({{.Type}}, error) {
	var body {{.Type}}
	raw, err := json.Marshal(v)
	if err != nil {
		return body, err
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return body, fmt.Errorf("intercom: build {{.Type}}: %w", err)
	}
	return body, nil
}
{{end}}`))

var buildersTestTemplate = template.Must(template.New("builders_test").Parse(Header + `

package {{.Package}}

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
)

// rawBody is a request body given as JSON.
type rawBody string

func (b rawBody) MarshalJSON() ([]byte, error) { return []byte(b), nil }

{{if .Search}}// Every search body this version has is built from a root-package query.
func TestSearchBuilders(t *testing.T) {
	q := intercom.And(
		intercom.Where("email", intercom.Equals, "ada@example.com"),
		intercom.Or(intercom.Where("role", intercom.Equals, "user"), intercom.Where("created_at", intercom.GreaterThan, 1717171717)),
	)
	want, err := json.Marshal(q)
	require.NoError(t, err)
	n := 0
{{range .Search}}	{
		body, err := Build{{.Type}}(q)
		require.NoError(t, err)
		got, err := json.Marshal(body.{{.QueryField}})
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), "{{.Type}}")
		_, err = Build{{.Type}}(intercom.And())
		require.ErrorIs(t, err, intercom.ErrInvalidQuery)
		n++
	}
{{end}}	assert.Equal(t, {{len .Search}}, n)
}
{{end}}
{{if .Unions}}// Every union body this version has is built from JSON of one of its shapes.
func TestUnionBodyBuilders(t *testing.T) {
	const sent = ` + "`" + `{"message_type":"close","type":"admin","admin_id":"991267715"}` + "`" + `
{{range .Unions}}	{
		body, err := Build{{.Type}}(rawBody(sent))
		require.NoError(t, err)
		got, err := json.Marshal(body)
		require.NoError(t, err)
		assert.JSONEq(t, sent, string(got), "{{.Type}}")
		_, err = Build{{.Type}}(intercom.CloseConversation("", ""))
		require.Error(t, err, "{{.Type}}")
	}
{{end}}}
{{end}}`))

func emitBuilders(v Version, r *Result) error {
	search, unions := builders(r)
	data := map[string]any{"Package": v.Package(), "Search": search, "Unions": unions}
	var buf, test bytes.Buffer
	if err := buildersTemplate.Execute(&buf, data); err != nil {
		return err
	}
	if err := r.AddGo(BuildersFile, buf.Bytes()); err != nil {
		return err
	}
	if err := buildersTestTemplate.Execute(&test, data); err != nil {
		return err
	}
	return r.AddGo("builders_gen_test.go", test.Bytes())
}
