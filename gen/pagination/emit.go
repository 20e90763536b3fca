package pagination

import (
	"bytes"
	"fmt"
	"go/ast"
	"sort"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pipeline"
)

func init() { pipeline.Emitters = append(pipeline.Emitters, Emit) }

// Files written into each version package.
const (
	CodeFile  = "pagination.gen.go"
	TestFile  = "pagination_gen_test.go"
	TableFile = "pagination.md"
)

// styleConst names each style's constant in the root package.
var styleConst = map[intercom.PageStyle]string{
	intercom.PageCursor:  "intercom.PageCursor",
	intercom.PageSearch:  "intercom.PageSearch",
	intercom.PageScroll:  "intercom.PageScroll",
	intercom.PageNumber:  "intercom.PageNumber",
	intercom.PageNextURL: "intercom.PageNextURL",
	intercom.PageAny:     "intercom.PageAny",
}

// editorsHelper is the package-level helper the generated Fetch functions
// share; its name must be free in the version package.
const editorsHelper = "pageEditors"

// Emit writes the iterators, their tests and the table of paginated
// operations of one version.
func Emit(v pipeline.Version, r *pipeline.Result) error {
	plan, err := Plan(r)
	if err != nil {
		return fmt.Errorf("pagination: %w", err)
	}
	for _, op := range plan.Ops {
		r.MarkRaw(op.ItemType)
	}
	var code, test bytes.Buffer
	data := map[string]any{"Package": v.Package(), "Version": v.Name, "Plan": plan, "Helper": editorsHelper, "Styles": styleConst}
	if err := codeTemplate.Execute(&code, data); err != nil {
		return fmt.Errorf("pagination: %w", err)
	}
	if err := r.AddGo(CodeFile, code.Bytes()); err != nil {
		return fmt.Errorf("pagination: %w", err)
	}
	if err := testTemplate.Execute(&test, data); err != nil {
		return fmt.Errorf("pagination: %w", err)
	}
	if err := r.AddGo(TestFile, test.Bytes()); err != nil {
		return fmt.Errorf("pagination: %w", err)
	}
	r.Files[TableFile] = []byte(Table(v, plan))
	return nil
}

// VersionPlan is what the emitter generates for one version.
type VersionPlan struct {
	Ops   []GenOp
	Skips []Skip
	// AllMethods maps every operationId to its Client method name.
	AllMethods map[string]string
}

// GenOp is a paginated operation with the Go code of its helpers.
type GenOp struct {
	Op
	Lower     string // the pager method's name
	PageType  string // the page's Go type, "*ContactList"
	ItemType  string
	Params    string // the parameters after ctx, without the editors
	ArgNames  string // the same, as arguments
	Fetch     string // body of the Fetch function
	Info      string // body of the Info function
	ItemsBody string // body of the Items function
	Doc       string // the style's paragraph of the doc comments

	// For the generated test.
	TestArgs  string // arguments after ctx
	TestStyle string
	ItemPath  string // Go literal of the items path
	ItemJSON  string // Go literal: JSON of one item
}

// Plan classifies the operations of a version and renders the code of
// their helpers.
func Plan(r *pipeline.Result) (*VersionPlan, error) {
	ops, skips, err := Classify(r)
	if err != nil {
		return nil, err
	}
	src, ok := r.Files["api.gen.go"]
	if !ok {
		return nil, fmt.Errorf("api.gen.go was not generated")
	}
	ix, err := newGoIndex(src)
	if err != nil {
		return nil, err
	}
	if ix.names[editorsHelper] {
		return nil, fmt.Errorf("the name %s is taken in the version package; rename the helper", editorsHelper)
	}
	methods, err := pipeline.Methods(r)
	if err != nil {
		return nil, err
	}
	plan := &VersionPlan{Skips: skips, AllMethods: map[string]string{}}
	taken := map[string]bool{}
	for _, m := range methods {
		plan.AllMethods[m.OperationID] = m.Name
		taken[m.Name] = true
	}
	for _, op := range ops {
		g, err := render(ix, op)
		if err != nil {
			// A shape the code cannot follow is reported, not fatal, so
			// that one odd operation does not stop the generation of a
			// version; the generated coverage test then fails for it.
			plan.Skips = append(plan.Skips, Skip{Method: op.Method, Reason: "paginated (" + op.Style.String() + "), but " + err.Error()})
			continue
		}
		for _, name := range []string{op.Method.Name + "Pages", op.Method.Name + "All"} {
			if taken[name] {
				return nil, fmt.Errorf("operation %s: the iterator name %s is already a method", op.Method.OperationID, name)
			}
		}
		plan.Ops = append(plan.Ops, *g)
	}
	sort.Slice(plan.Skips, func(i, j int) bool { return plan.Skips[i].Method.Name < plan.Skips[j].Method.Name })
	return plan, nil
}

// render produces the Go code of one operation's helpers.
func render(ix *goIndex, op Op) (*GenOp, error) {
	m := op.Method
	if m.Result == "" {
		return nil, fmt.Errorf("the operation has no typed JSON result")
	}
	pageT, err := ix.expr(m.Result)
	if err != nil {
		return nil, err
	}
	g := &GenOp{
		Op:        op,
		Lower:     lowerFirst(m.Name) + "Pager",
		PageType:  "*" + m.Result,
		Params:    m.Args,
		ArgNames:  m.CallArgs,
		TestStyle: op.Style.String(),
		ItemPath:  fmt.Sprintf("%#v", op.Items),
	}
	params, err := funcParams(m.Args)
	if err != nil {
		return nil, err
	}

	// Items.
	var elem ast.Expr
	items, guarded, err := ix.readers("p", pageT, []read{{path: op.Items, leaf: func(expr string, t ast.Expr) (string, error) {
		e, err := ix.sliceElem(t)
		if err != nil {
			return "", err
		}
		elem = e
		return "return " + expr, nil
	}}})
	if err != nil {
		return nil, err
	}
	if guarded {
		items += "return nil"
	}
	g.ItemsBody = strings.TrimSuffix(items, "\n")
	g.ItemType = ix.print(elem)
	g.ItemJSON = "`" + itemJSON(ix, elem) + "`"

	// Info.
	var reads []read
	for _, f := range []struct{ name, kind string }{
		{"NextCursor", "string"}, {"HasMore", "bool"}, {"NextURL", "string"}, {"Page", "int"}, {"PerPage", "int"}, {"TotalPages", "int"}, {"Any", "map"},
	} {
		path, ok := op.Fields[f.name]
		if !ok {
			continue
		}
		reads = append(reads, read{path: path, leaf: func(expr string, t ast.Expr) (string, error) {
			if f.kind == "bool" {
				// has_more false ends the list, whatever cursor is given.
				if ix.basic(t) != "bool" {
					return "", fmt.Errorf("%s is not a boolean", ix.print(t))
				}
				return "if !" + expr + " {\nin.NextCursor = \"\"\n}", nil
			}
			if f.kind == "map" {
				if !ix.isStringMap(t) {
					return "", fmt.Errorf("%s is not a JSON object", ix.print(t))
				}
				return "in = intercom.PageInfoFromMap(" + expr + ")", nil
			}
			v, err := ix.convert(expr, t, f.kind)
			if err != nil {
				return "", err
			}
			return "in." + f.name + " = " + v, nil
		}})
	}
	info, _, err := ix.readers("p", pageT, reads)
	if err != nil {
		return nil, err
	}
	g.Info = "var in intercom.PageInfo\n" + info + "return in"

	// Fetch and the test's arguments.
	var call, testArgs []string
	for _, p := range params {
		for _, n := range p.Names {
			call = append(call, n.Name)
			testArgs = append(testArgs, testLiteral(ix, n.Name, p.Type))
		}
	}
	g.TestArgs = strings.Join(testArgs, ", ")
	switch op.Style {
	case intercom.PageSearch:
		var bodyT ast.Expr
		for _, p := range params {
			for _, n := range p.Names {
				if n.Name == "body" {
					bodyT = p.Type
				}
			}
		}
		if bodyT == nil {
			return nil, fmt.Errorf("the search has no request body parameter")
		}
		set, err := searchCursor(ix, bodyT, op.BodyPagination)
		if err != nil {
			return nil, err
		}
		for i, a := range call {
			if a == "body" {
				call[i] = "b"
			}
		}
		g.Fetch = "b := body\nif at.StartingAfter != \"\" {\n" + set + "}\nreturn c." + m.Name + "(" + strings.Join(append([]string{"ctx"}, call...), ", ") + ", opts...)"
	case intercom.PageCursor:
		if op.CursorParam != "" && op.CursorParam != "starting_after" {
			// The cursor goes back in a query parameter of its own name.
			g.Fetch = "eds := opts[:len(opts):len(opts)]\nif at.StartingAfter != \"\" {\neds = append(eds, intercom.WithRequestEditor(intercom.SetQuery(" + fmt.Sprintf("%q", op.CursorParam) + ", at.StartingAfter)))\n}\nreturn c." + m.Name + "(" + strings.Join(append([]string{"ctx"}, call...), ", ") + ", eds...)"
			break
		}
		fallthrough
	default:
		g.Fetch = "return c." + m.Name + "(" + strings.Join(append([]string{"ctx"}, call...), ", ") + ", " + editorsHelper + "(opts, at)...)"
	}
	g.Doc = styleDoc(op)
	return g, nil
}

// searchCursor renders the statements putting at.StartingAfter (and, when
// the body sets none, at.PerPage) into the body's pagination object b.X.
func searchCursor(ix *goIndex, bodyT ast.Expr, jsonName string) (string, error) {
	name, pt, err := ix.field(bodyT, jsonName)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	field := "b." + name
	_, isPtr := pt.(*ast.StarExpr)
	elemT := deref(pt)
	if !ix.isStruct(elemT) {
		return "", fmt.Errorf("the body's %s is not an object", jsonName)
	}
	if isPtr {
		fmt.Fprintf(&b, "var pg %s\nif %s != nil {\npg = *%s\n}\n", ix.print(elemT), field, field)
	} else {
		fmt.Fprintf(&b, "pg := %s\n", field)
	}
	saName, saT, err := ix.field(elemT, "starting_after")
	if err != nil {
		return "", err
	}
	set, err := ix.assign("pg."+saName, saT, "at.StartingAfter", "string")
	if err != nil {
		return "", err
	}
	b.WriteString(set + "\n")
	if ppName, ppT, err := ix.field(elemT, "per_page"); err == nil {
		set, err := ix.assign("pg."+ppName, ppT, "at.PerPage", "int")
		if err != nil {
			return "", err
		}
		unset := "pg." + ppName + " == 0"
		if _, ok := ppT.(*ast.StarExpr); ok {
			unset = "pg." + ppName + " == nil"
		}
		fmt.Fprintf(&b, "if %s && at.PerPage > 0 {\n%s\n}\n", unset, set)
	}
	if isPtr {
		fmt.Fprintf(&b, "%s = &pg\n", field)
	} else {
		fmt.Fprintf(&b, "%s = pg\n", field)
	}
	return b.String(), nil
}

// testLiteral returns an argument for a parameter in the generated test,
// which lives in the package's _test package.
func testLiteral(ix *goIndex, name string, t ast.Expr) string {
	if _, ok := t.(*ast.StarExpr); ok {
		return "nil"
	}
	if id, ok := t.(*ast.Ident); ok && name != "body" {
		switch ix.basic(t) {
		case "string":
			if id.Name == "string" {
				return `"x"`
			}
		case "int", "int32", "int64":
			if id.Name == ix.basic(t) {
				return "1"
			}
		}
	}
	return "*new(" + qualify(ix, t) + ")"
}

// qualify prefixes the package's own type names with "pkg.", for use in
// the _test package; the template replaces "pkg." with the package name.
func qualify(ix *goIndex, t ast.Expr) string {
	if id, ok := t.(*ast.Ident); ok {
		if _, defined := ix.types[id.Name]; defined {
			return "pkg." + id.Name
		}
	}
	return ix.print(t)
}

// itemJSON is a JSON value any item of type t decodes from.
func itemJSON(ix *goIndex, t ast.Expr) string {
	switch ix.basic(t) {
	case "string":
		return `"x"`
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "1"
	case "bool":
		return "true"
	}
	return "{}"
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// styleDoc explains in the doc comments how an operation pages.
func styleDoc(op Op) string {
	undeclared := ""
	if len(op.Undeclared) > 0 {
		undeclared = " (" + strings.Join(op.Undeclared, " and ") + " not declared by this version's spec but accepted by the API)"
	}
	switch op.Style {
	case intercom.PageCursor:
		if op.Layout == LayoutNextCursor {
			return "It pages by cursor: next_cursor is sent back as the " + op.CursorParam + " query parameter" + undeclared + " while has_more is true."
		}
		s := "It pages by cursor: pages.next.starting_after is sent back as the starting_after query parameter" + undeclared + "."
		if op.PageFallback {
			s += " When a page has no cursor but pages.page is below pages.total_pages, the next page is asked for by number (the page query parameter)."
		}
		return s
	case intercom.PageSearch:
		return "It pages by cursor in the request body: pages.next.starting_after is sent back in body.pagination.starting_after; the rest of body is sent unchanged. The pages only read, so they are sent as idempotent requests and a 5xx answer is retried although the method is POST."
	case intercom.PageScroll:
		return "It scrolls: the scroll_param of each page is sent back" + undeclared + " until a page comes back empty. Intercom keeps one open scroll per workspace and expires it after a minute unused, so consume the items promptly. A failure cannot be resumed: the requests are not repeated after an unclear outcome, and the sequence ends with an error wrapping intercom.ErrScrollRestart; start again from the beginning."
	case intercom.PageNumber:
		if op.Layout == LayoutTopPages {
			return "It pages by number: the page query parameter" + undeclared + " counts up from the page the first answer reports until its total_pages."
		}
		return "It pages by number: the page query parameter" + undeclared + " counts up from the page the first answer reports until pages.total_pages."
	case intercom.PageNextURL:
		return "It follows links: the query of pages.next is sent with the next request, to the client's own base URL."
	case intercom.PageAny:
		return "The spec leaves its pages object untyped, so each answer decides how to go on: a pages.next link is followed, a pages.next.starting_after cursor is sent back as the starting_after query parameter, or the next page is asked for by number while pages.page is below pages.total_pages; the list ends when none applies."
	}
	return ""
}

var funcs = template.FuncMap{
	"comment": func(s string) string { return wrap(s, "// ") },
	"qualify": func(pkg, s string) string { return strings.ReplaceAll(s, "pkg.", pkg+".") },
}

// wrap renders text as comment lines of at most about 76 characters.
func wrap(s, prefix string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && line+1+len(w) > 76 {
			b.WriteString("\n" + prefix)
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return prefix + b.String()
}

var codeTemplate = template.Must(template.New("code").Funcs(funcs).Parse(pipeline.Header + `

package {{.Package}}

import (
	"context"
	"iter"

	"github.com/intercomgo/intercom"
)

// {{.Helper}} returns the caller's per-call options followed by the one
// that asks for the page at, without changing the caller's slice.
func {{.Helper}}(opts []intercom.RequestOption, at intercom.PageRequest) []intercom.RequestOption {
	ed := at.Editor()
	if ed == nil {
		return opts
	}
	return append(opts[:len(opts):len(opts)], intercom.WithRequestEditor(ed))
}
{{range .Plan.Ops}}
{{comment (printf "%sPages returns the pages of %s (%s %s) one at a time, requesting each only when the loop asks for it; breaking out of the loop sends no further request. %s Requests go through the client's retry policy; each page is delivered once, in order, and an error (a *intercom.PageError) ends the sequence. See intercom.Pager.Pages." .Method.Name .Method.Name .Method.HTTPMethod .Method.Path .Doc)}}
func (c *Client) {{.Method.Name}}Pages(ctx context.Context{{if .Params}}, {{.Params}}{{end}}, opts ...intercom.RequestOption) iter.Seq2[{{.PageType}}, error] {
	return c.{{.Lower}}({{if .ArgNames}}{{.ArgNames}}, {{end}}opts).Pages(ctx)
}

{{comment (printf "%sAll returns every %s of %s (%s %s), fetching pages as %sPages does: lazily, once each, in order, ending at the first error. Breaking out of the loop sends no further request." .Method.Name .ItemType .Method.Name .Method.HTTPMethod .Method.Path .Method.Name)}}
func (c *Client) {{.Method.Name}}All(ctx context.Context{{if .Params}}, {{.Params}}{{end}}, opts ...intercom.RequestOption) iter.Seq2[{{.ItemType}}, error] {
	return c.{{.Lower}}({{if .ArgNames}}{{.ArgNames}}, {{end}}opts).All(ctx)
}

{{comment (printf "%s describes how %s pages (%s: %s)." .Lower .Method.Name .Style .Rule)}}
func (c *Client) {{.Lower}}({{if .Params}}{{.Params}}, {{end}}opts []intercom.RequestOption) intercom.Pager[{{.PageType}}, {{.ItemType}}] {
	return intercom.Pager[{{.PageType}}, {{.ItemType}}]{
		Operation: "{{.Method.Name}}",
		Style:     {{index $.Styles .Style}},
		Fetch: func(ctx context.Context, at intercom.PageRequest) ({{.PageType}}, error) {
			{{.Fetch}}
		},
		Info: func(p {{.PageType}}) intercom.PageInfo {
			{{.Info}}
		},
		Items: func(p {{.PageType}}) []{{.ItemType}} {
			{{.ItemsBody}}
		},
		ItemsPath: {{.ItemPath}},
	}
}
{{end}}`))

var testTemplate = template.Must(template.New("test").Funcs(funcs).Parse(pipeline.Header + `

package {{.Package}}_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pagination/pagecheck"
	"github.com/intercomgo/intercom/versions/{{.Package}}"
	"github.com/intercomgo/intercom/versions/{{.Package}}/spec"
)

// pageMethods maps every operationId of the spec to its Client method.
var pageMethods = map[string]string{
{{- range $id, $name := .Plan.AllMethods}}
	{{printf "%q" $id}}: {{printf "%q" $name}},
{{- end}}
}

// TestEveryPaginatedOperationHasIterators finds the paginated operations of
// the embedded spec independently of the generator's rules and checks that
// each has its Pages and All iterators, and that no other operation does.
func TestEveryPaginatedOperationHasIterators(t *testing.T) {
	pagecheck.Coverage(t, spec.JSON, pageMethods, reflect.TypeFor[*{{.Package}}.Client]())
}

// TestIterators walks every paginated operation over a fake server that
// pages 7 items, 3 a page, in the operation's style, and checks that every
// item arrives and that each page is requested once, in order.
func TestIterators(t *testing.T) {
	const items, perPage = 7, 3
	tests := []struct {
		name  string
		cfg   pagecheck.Config
		all   func(context.Context, *{{.Package}}.Client) (int, error)
		pages func(context.Context, *{{.Package}}.Client) (int, error)
	}{
{{- range .Plan.Ops}}
		{
			name: "{{.Method.Name}}",
			cfg:  pagecheck.Config{Style: {{printf "%q" .TestStyle}}, {{if .Layout}}Layout: {{printf "%q" .Layout}}, {{end}}ItemsPath: {{.ItemPath}}, Item: func(int) string { return {{.ItemJSON}} }},
			all: func(ctx context.Context, c *{{$.Package}}.Client) (int, error) {
				return pagecheck.Count(c.{{.Method.Name}}All(ctx{{if .TestArgs}}, {{qualify $.Package .TestArgs}}{{end}}))
			},
			pages: func(ctx context.Context, c *{{$.Package}}.Client) (int, error) {
				return pagecheck.Count(c.{{.Method.Name}}Pages(ctx{{if .TestArgs}}, {{qualify $.Package .TestArgs}}{{end}}))
			},
		},
{{- end}}
	}
	require.Len(t, tests, {{len .Plan.Ops}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.Items, tt.cfg.PerPage = items, perPage
			srv := pagecheck.NewServer(t, tt.cfg)
			c, err := {{.Package}}.NewClient(intercom.WithToken("test-token"), intercom.WithBaseURL(srv.URL), intercom.WithMaxRetries(0))
			require.NoError(t, err)
			ctx := context.Background()
			n, err := tt.all(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, items, n, "items delivered")
			assert.Equal(t, []int{1, 2, 3}, srv.Served(), "pages served")
			n, err = tt.pages(ctx, c)
			require.NoError(t, err)
			assert.Equal(t, pagecheck.TotalPages(items, perPage), n, "pages delivered")
		})
	}
}
`))
