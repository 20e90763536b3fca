package pagination

import (
	"bytes"
	"fmt"
	"text/template"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/intercomgo/intercom/gen/pipeline"
)

// SearchFile holds the query-taking iterators of a version's search
// operations.
const SearchFile = "search.gen.go"

func init() { pipeline.Emitters = append(pipeline.Emitters, EmitSearch) }

// searchIter is one generated <Op>Matching method.
type searchIter struct {
	Method   string // the search method, "SearchContacts"
	Builder  string // "BuildSearchRequest"
	ItemType string
	// Params says the search method also takes a params object of
	// optional query parameters, which the walk leaves unset.
	Params bool
}

var searchTemplate = template.Must(template.New("search").Parse(pipeline.Header + `

package {{.Package}}

import (
	"context"
	"iter"

	"github.com/intercomgo/intercom"
)

// Compile-time use of the imports when a version has no search.
var (
	_ context.Context
	_ iter.Seq[int]
	_ intercom.Query
)
{{range .Iters}}
// {{.Method}}Matching walks every item that {{.Method}} finds for q, a query
// made with [intercom.Where], [intercom.And] and [intercom.Or], fetching
// pages as the loop asks for them, as {{.Method}}All does. The query is
// checked against Intercom's limits before the first request; an invalid
// one is the walk's only error, wrapping [intercom.ErrInvalidQuery].
{{- if .Params}}
// Intercom compares timestamps by day. The walk sends no query parameters:
// to set them, the page size or per-call options, build the body with
// {{.Builder}} and call {{.Method}}All.
{{- else}}
// Intercom compares timestamps by day. To set the page size or per-call
// options, build the body with {{.Builder}} and call {{.Method}}All.
{{- end}}
func (c *Client) {{.Method}}Matching(ctx context.Context, q intercom.Query) iter.Seq2[{{.ItemType}}, error] {
	body, err := {{.Builder}}(q)
	if err != nil {
		return func(yield func({{.ItemType}}, error) bool) {
			var zero {{.ItemType}}
			yield(zero, err)
		}
	}
	return c.{{.Method}}All(ctx, {{if .Params}}nil, {{end}}body)
}
{{end}}`))

var searchTestTemplate = template.Must(template.New("searchtest").Parse(pipeline.Header + `

package {{.Package}}

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
)

// An invalid query ends every search walk with one error, before any
// request (the base URL is a closed loopback port).
func TestSearchMatchingRefusesInvalidQueries(t *testing.T) {
	c, err := NewClient(intercom.WithToken("t"), intercom.WithBaseURL("http://127.0.0.1:1"), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	tooDeep := intercom.And(intercom.Or(intercom.And(intercom.Where("email", intercom.Equals, "a@example.com"))))
	n := 0
{{range .Iters}}	{
		var errs []error
		for _, err := range c.{{.Method}}Matching(context.Background(), tooDeep) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1, "{{.Method}}Matching")
		assert.ErrorIs(t, errs[0], intercom.ErrInvalidQuery)
		n++
	}
{{end}}	assert.Equal(t, {{len .Iters}}, n)
}
`))

// EmitSearch writes <Op>Matching for every search operation that has an
// item iterator and whose arguments are a search body and, at most, a
// params object whose parameters are all optional (a version may add
// include_* switches to a search): the walk sends the query alone, so
// every version's <Op>Matching takes the same arguments.
func EmitSearch(v pipeline.Version, r *pipeline.Result) error {
	plan, err := Plan(r)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	bodyOf := map[string]pipeline.SearchBody{}
	for _, b := range pipeline.SearchBodies(r) {
		for _, op := range b.Operations {
			bodyOf[op] = b
		}
	}
	optional := map[string]bool{}
	for i := range r.Operations {
		optional[r.Operations[i].OperationId] = onlyOptionalParams(&r.Operations[i])
	}
	var iters []searchIter
	for _, g := range plan.Ops {
		b, ok := bodyOf[g.Method.Name]
		if !ok {
			continue
		}
		withParams, ok := searchArgs(g.Method.Args, optional[g.Method.Name])
		if !ok {
			continue
		}
		if _, taken := plan.AllMethods[g.Method.Name+"Matching"]; taken {
			return fmt.Errorf("search: %sMatching is already a method", g.Method.Name)
		}
		iters = append(iters, searchIter{Method: g.Method.Name, Builder: b.Builder, ItemType: g.ItemType, Params: withParams})
	}
	data := map[string]any{"Package": v.Package(), "Iters": iters}
	var code, test bytes.Buffer
	if err := searchTemplate.Execute(&code, data); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if err := r.AddGo(SearchFile, code.Bytes()); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if len(iters) == 0 {
		// No search walk to test (a version without search operations).
		return nil
	}
	if err := searchTestTemplate.Execute(&test, data); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return r.AddGo("search_gen_test.go", test.Bytes())
}

// searchArgs reports whether a search method's parameter list (after ctx)
// is one <Op>Matching can fill from a query alone: the body, optionally
// preceded by a params object when onlyOptional says none of its
// parameters is required. withParams says the params object is there.
func searchArgs(args string, onlyOptional bool) (withParams, ok bool) {
	fields, err := funcParams(args)
	if err != nil {
		return false, false
	}
	var names []string
	for _, f := range fields {
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
	}
	switch {
	case len(names) == 1 && names[0] == "body":
		return false, true
	case len(names) == 2 && names[0] == "params" && names[1] == "body" && onlyOptional:
		return true, true
	}
	return false, false
}

// onlyOptionalParams reports whether none of op's query, header and cookie
// parameters is required, so that a nil params object is a valid request.
func onlyOptionalParams(op *codegen.OperationDefinition) bool {
	for _, list := range [][]codegen.ParameterDefinition{op.QueryParams, op.HeaderParams, op.CookieParams} {
		for _, p := range list {
			if p.Required {
				return false
			}
		}
	}
	return true
}
