package pagination

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pipeline"
)

// The rules below decide from the shape of an operation whether and how it
// paginates. They look at the first 2xx JSON response (the typed method's
// result), the JSON request body and the declared query parameters, never
// at operation or schema names, so that a new version needs no new code:
//
//  1. search: the request body has a "pagination" object with
//     "starting_after", and the response has pages.next.starting_after.
//  2. scroll: the response has a string "scroll_param".
//  3. next URL: the response's pages.next is a string (a link).
//  4. cursor: the response's pages.next is an object with
//     "starting_after", and the operation declares a starting_after query
//     parameter or no page parameter.
//  5. page number: the response's pages has page or total_pages (and rule
//     4 did not apply).
//  6. any: the response's pages is an object the spec leaves untyped; each
//     response decides, at run time, between a link, a cursor and page
//     numbers.
//
// The items are the response's only array property other than pages; when
// it has none, the only array property of its object properties (so
// {"data": {"articles": [...]}} works); when there are several, the one
// whose items have an "id".

// Op is one paginated operation.
type Op struct {
	Method pipeline.Method
	Style  intercom.PageStyle
	// Rule explains which shape decided the style.
	Rule string
	// Items is the JSON path of the item array in a page.
	Items []string
	// Fields are the JSON paths of the pagination fields the helper reads,
	// by PageInfo field name.
	Fields map[string][]string
	// Sends lists the query parameters the helper sets; Undeclared those
	// of them the spec does not declare.
	Sends, Undeclared []string
	// PageFallback is set for cursor style when the response also reports
	// page and total_pages, so that the walk can continue by page number.
	PageFallback bool
	// BodyPagination is, for search, the request body's pagination field.
	BodyPagination string
	// CursorParam is the query parameter the cursor is sent back in, for
	// cursor style: "starting_after" unless the operation names another
	// (cursor, beside next_cursor and has_more).
	CursorParam string
	// Layout says where the pagination fields sit when not in a pages
	// object: "" (pages), LayoutTopPages or LayoutNextCursor.
	Layout string
}

// Layouts of the pagination fields other than a pages object.
const (
	// LayoutTopPages: page, per_page and total_pages at the top level of
	// the response.
	LayoutTopPages = "top-level pages"
	// LayoutNextCursor: next_cursor and has_more at the top level, the
	// cursor sent back as the cursor query parameter.
	LayoutNextCursor = "next_cursor"
)

// Skip is an operation that looks paginated but gets no iterator.
type Skip struct {
	Method pipeline.Method
	Reason string
}

// Classify applies the rules to every operation of a version.
func Classify(r *pipeline.Result) ([]Op, []Skip, error) {
	methods, err := pipeline.Methods(r)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]*codegen.OperationDefinition{}
	for i := range r.Operations {
		byName[r.Operations[i].OperationId] = &r.Operations[i]
	}
	var ops []Op
	var skips []Skip
	for _, m := range methods {
		def := byName[m.Name]
		if def == nil || def.Spec == nil {
			return nil, nil, fmt.Errorf("operation %s: no definition", m.Name)
		}
		op, reason := classify(m, def)
		switch {
		case op != nil:
			ops = append(ops, *op)
		case reason != "":
			skips = append(skips, Skip{Method: m, Reason: reason})
		}
	}
	return ops, skips, nil
}

// classify returns the operation's pagination, or nil and, when the
// operation looks paginated without matching a rule, the reason.
func classify(m pipeline.Method, def *codegen.OperationDefinition) (*Op, string) {
	resp := successSchema(def.Spec)
	query := map[string]bool{}
	for _, p := range def.QueryParams {
		query[p.ParamName] = true
	}
	declared := func(names ...string) []string {
		var missing []string
		for _, n := range names {
			if !query[n] {
				missing = append(missing, n)
			}
		}
		return missing
	}
	if resp == nil {
		if pagingParams(query) != "" {
			return nil, "declares " + pagingParams(query) + " but has no JSON success response"
		}
		return nil, ""
	}
	props := properties(resp)
	pages := schemaOf(props["pages"])
	pageProps := properties(pages)
	next := schemaOf(pageProps["next"])
	cursorNext := next != nil && isObject(next) && properties(next)["starting_after"] != nil
	stringNext := next != nil && is(next, openapi3.TypeString)

	op := &Op{Method: m, Fields: map[string][]string{}}
	pageField := func(json, field string) {
		if pageProps[json] != nil {
			op.Fields[field] = []string{"pages", json}
		}
	}
	switch {
	case bodyPagination(def.Spec) != nil && cursorNext:
		op.Style = intercom.PageSearch
		op.Rule = "the request body has pagination.starting_after and the response pages.next.starting_after"
		op.BodyPagination = "pagination"
		op.Fields["NextCursor"] = []string{"pages", "next", "starting_after"}
		pageField("per_page", "PerPage")

	case is(schemaOf(props["scroll_param"]), openapi3.TypeString):
		op.Style = intercom.PageScroll
		op.Rule = "the response has scroll_param"
		op.Fields["NextCursor"] = []string{"scroll_param"}
		op.Sends = []string{"scroll_param"}

	case stringNext:
		op.Style = intercom.PageNextURL
		op.Rule = "the response's pages.next is a link"
		op.Fields["NextURL"] = []string{"pages", "next"}

	case cursorNext && (query["starting_after"] || !query["page"]):
		op.Style = intercom.PageCursor
		op.Rule = "the response has pages.next.starting_after"
		if query["starting_after"] {
			op.Rule += " and starting_after is a query parameter"
		}
		op.Fields["NextCursor"] = []string{"pages", "next", "starting_after"}
		pageField("page", "Page")
		pageField("per_page", "PerPage")
		pageField("total_pages", "TotalPages")
		op.Sends = []string{"starting_after"}
		op.PageFallback = op.Fields["Page"] != nil && op.Fields["TotalPages"] != nil

	case pageProps["page"] != nil || pageProps["total_pages"] != nil:
		op.Style = intercom.PageNumber
		op.Rule = "the response's pages has page and total_pages"
		if query["page"] {
			op.Rule += ", and page is a query parameter"
		}
		pageField("page", "Page")
		pageField("per_page", "PerPage")
		pageField("total_pages", "TotalPages")
		op.Sends = []string{"page"}

	case pages != nil && isObject(pages) && len(pageProps) == 0:
		op.Style = intercom.PageAny
		op.Rule = "the response's pages object is untyped, so each response decides"
		op.Fields["Any"] = []string{"pages"}
		op.Sends = []string{"starting_after"}

	case pages != nil:
		return nil, "the response has pages, but neither a cursor, a link nor page numbers in it"

	case props["next_cursor"] != nil && props["has_more"] != nil && query["cursor"]:
		op.Style = intercom.PageCursor
		op.Rule = "the response has next_cursor and has_more, and cursor is a query parameter"
		op.Fields["NextCursor"] = []string{"next_cursor"}
		op.Fields["HasMore"] = []string{"has_more"}
		op.Sends = []string{"cursor"}
		op.CursorParam = "cursor"
		op.Layout = LayoutNextCursor

	case props["page"] != nil && props["total_pages"] != nil:
		op.Style = intercom.PageNumber
		op.Rule = "the response has page and total_pages at its top level"
		if query["page"] {
			op.Rule += ", and page is a query parameter"
		}
		for json, field := range map[string]string{"page": "Page", "per_page": "PerPage", "total_pages": "TotalPages"} {
			if props[json] != nil {
				op.Fields[field] = []string{json}
			}
		}
		op.Sends = []string{"page"}
		op.Layout = LayoutTopPages

	default:
		if pagingParams(query) != "" || props["next_cursor"] != nil || props["page"] != nil {
			return nil, unpaginatedReason(props, query)
		}
		return nil, ""
	}
	items, err := itemPath(props, exampleKeys(def.Spec))
	if err != nil {
		return nil, err.Error()
	}
	op.Items = items
	op.Undeclared = declared(op.Sends...)
	return op, ""
}

// unpaginatedReason names what a list that looks paginated lacks for each
// shape the rules know.
func unpaginatedReason(props map[string]*openapi3.SchemaRef, query map[string]bool) string {
	lead := "its response"
	if p := pagingParams(query); p != "" {
		lead = "declares " + p + " but its response"
	}
	switch {
	case props["next_cursor"] != nil && props["has_more"] == nil:
		return lead + " has next_cursor without has_more to tell where the list ends"
	case props["next_cursor"] != nil && !query["cursor"]:
		return lead + " has next_cursor and has_more, but the operation declares no cursor query parameter to send it back in"
	case props["page"] != nil && props["total_pages"] == nil:
		return lead + " has page without total_pages to tell where the list ends"
	}
	return lead + " has none of: a pages object, page and total_pages at its top level, next_cursor with has_more, scroll_param"
}

func pagingParams(query map[string]bool) string {
	var names []string
	for _, n := range []string{"page", "per_page", "starting_after", "cursor", "scroll_param"} {
		if query[n] {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// exampleKeys returns the top-level keys of the examples of op's 2xx JSON
// responses.
func exampleKeys(op *openapi3.Operation) map[string]bool {
	keys := map[string]bool{}
	if op == nil || op.Responses == nil {
		return keys
	}
	add := func(v any) {
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				keys[k] = true
			}
		}
	}
	for code, ref := range op.Responses.Map() {
		if !strings.HasPrefix(code, "2") || ref == nil || ref.Value == nil {
			continue
		}
		for mt, media := range ref.Value.Content {
			if !strings.Contains(mt, "json") || media == nil {
				continue
			}
			add(media.Example)
			for _, ex := range media.Examples {
				if ex != nil && ex.Value != nil {
					add(ex.Value.Value)
				}
			}
		}
	}
	return keys
}

// successSchema returns the schema of the first 2xx response with JSON
// content, in status order.
func successSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.Responses == nil {
		return nil
	}
	var codes []string
	for code := range op.Responses.Map() {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		ref := op.Responses.Value(code)
		if ref == nil || ref.Value == nil {
			continue
		}
		if s := jsonContent(ref.Value.Content); s != nil {
			return s
		}
	}
	return nil
}

// bodyPagination returns the request body's pagination object if it has
// one with starting_after.
func bodyPagination(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	body := jsonContent(op.RequestBody.Value.Content)
	p := schemaOf(properties(body)["pagination"])
	if p == nil || properties(p)["starting_after"] == nil {
		return nil
	}
	return p
}

func jsonContent(c openapi3.Content) *openapi3.Schema {
	var types []string
	for mt := range c {
		if strings.Contains(mt, "json") {
			types = append(types, mt)
		}
	}
	sort.Strings(types)
	for _, mt := range types {
		if s := schemaOf(c[mt].Schema); s != nil {
			return s
		}
	}
	return nil
}

// itemPath finds the item array of a page.
func itemPath(props map[string]*openapi3.SchemaRef, sent map[string]bool) ([]string, error) {
	top := arrays(props, nil)
	if len(top) == 0 {
		for _, name := range sortedKeys(props) {
			if name == "pages" {
				continue
			}
			if s := schemaOf(props[name]); s != nil && isObject(s) {
				top = append(top, arrays(properties(s), []string{name})...)
			}
		}
	}
	if len(top) > 1 && len(sent) > 0 {
		// The operation's own examples say which array the API fills: a
		// schema shared by several lists may have gained the array one of
		// them really sends (see the example-drift rule).
		var inExample []arrayProp
		for _, c := range top {
			if sent[c.path[0]] {
				inExample = append(inExample, c)
			}
		}
		if len(inExample) >= 1 && len(inExample) < len(top) {
			top = inExample
		}
	}
	if len(top) > 1 {
		var withID [][]string
		for _, c := range top {
			if c.itemsHaveID {
				withID = append(withID, c.path)
			}
		}
		if len(withID) == 1 {
			return withID[0], nil
		}
	}
	if len(top) != 1 {
		var names []string
		for _, c := range top {
			names = append(names, strings.Join(c.path, "."))
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("the response is paginated but has no array of items")
		}
		return nil, fmt.Errorf("the response is paginated but it is unclear which array holds the items (%s)", strings.Join(names, ", "))
	}
	return top[0].path, nil
}

type arrayProp struct {
	path        []string
	itemsHaveID bool
}

func arrays(props map[string]*openapi3.SchemaRef, prefix []string) []arrayProp {
	var out []arrayProp
	for _, name := range sortedKeys(props) {
		if name == "pages" {
			continue
		}
		s := schemaOf(props[name])
		if s == nil || !is(s, openapi3.TypeArray) {
			continue
		}
		item := schemaOf(s.Items)
		out = append(out, arrayProp{
			path:        append(append([]string(nil), prefix...), name),
			itemsHaveID: item != nil && properties(item)["id"] != nil,
		})
	}
	return out
}

func sortedKeys(m map[string]*openapi3.SchemaRef) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func schemaOf(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

// properties merges a schema's properties with those of its allOf parts.
func properties(s *openapi3.Schema) map[string]*openapi3.SchemaRef {
	out := map[string]*openapi3.SchemaRef{}
	collect(s, out, 0)
	return out
}

func collect(s *openapi3.Schema, out map[string]*openapi3.SchemaRef, depth int) {
	if s == nil || depth > 32 {
		return
	}
	for k, v := range s.Properties {
		out[k] = v
	}
	for _, part := range s.AllOf {
		collect(schemaOf(part), out, depth+1)
	}
}

// is reports whether s (or, for an allOf wrapper, one of its parts) has
// type typ.
func is(s *openapi3.Schema, typ string) bool {
	if s == nil {
		return false
	}
	if s.Type != nil && s.Type.Includes(typ) {
		return true
	}
	for _, part := range s.AllOf {
		if is(schemaOf(part), typ) {
			return true
		}
	}
	return false
}

func isObject(s *openapi3.Schema) bool {
	return is(s, openapi3.TypeObject) || ((s.Type == nil || s.Type.IsEmpty()) && len(properties(s)) > 0)
}
