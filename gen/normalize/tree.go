package normalize

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Doc is an OpenAPI document as a generic tree: maps with string keys,
// slices and scalars, exactly as YAML or JSON decodes it. Rules work on this
// form because some upstream defects (a dangling $ref, for one) stop typed
// loaders before any repair could run.
type Doc = map[string]any

// node helpers keep the rules short; each tolerates a missing or mistyped
// value by answering nil, so a rule never panics on an odd spec.

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// componentSchemas returns the document's components/schemas, creating
// it (and components) when missing, for rules that add schemas.
func componentSchemas(doc Doc) map[string]any {
	comps := asMap(doc["components"])
	if comps == nil {
		comps = map[string]any{}
		doc["components"] = comps
	}
	schemas := asMap(comps["schemas"])
	if schemas == nil {
		schemas = map[string]any{}
		comps["schemas"] = schemas
	}
	return schemas
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

// sortedKeys returns the keys of m in order, so that rules visit a document
// the same way on every run and reports come out identical.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// escapePointer escapes one JSON-pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapePointer reverses escapePointer.
func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// resolvePointer follows a local JSON pointer ("#/components/schemas/x").
func resolvePointer(doc Doc, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = unescapePointer(tok)
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// httpMethods are the operation keys of a path item, in a fixed order.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operation is one operation with where it lives.
type operation struct {
	path, method string
	item, op     map[string]any
}

func (o operation) pointer() string {
	return "#/paths/" + escapePointer(o.path) + "/" + o.method
}

func (o operation) String() string {
	if id := asString(o.op["operationId"]); id != "" {
		return id
	}
	return strings.ToUpper(o.method) + " " + o.path
}

// operations lists every operation of doc, sorted by path then method.
func operations(doc Doc) []operation {
	paths := asMap(doc["paths"])
	var ops []operation
	for _, p := range sortedKeys(paths) {
		item := asMap(paths[p])
		for _, m := range httpMethods {
			if op := asMap(item[m]); op != nil {
				ops = append(ops, operation{path: p, method: m, item: item, op: op})
			}
		}
	}
	return ops
}

// schemaVisitor is called for every schema object in the document with its
// JSON pointer. Returning a non-nil replacement swaps the schema in place.
type schemaVisitor func(ptr string, s map[string]any) (replacement map[string]any)

// walkSchemas visits every schema reachable in the document: component
// schemas, parameters, headers, request and response bodies, and their
// nested schemas, depth first (children before parents).
func walkSchemas(doc Doc, fn schemaVisitor) {
	comps := asMap(doc["components"])
	for _, section := range []string{"schemas"} {
		sec := asMap(comps[section])
		for _, name := range sortedKeys(sec) {
			visitSchemaSlot(sec, name, "#/components/"+section+"/"+escapePointer(name), fn)
		}
	}
	for _, section := range []string{"parameters", "headers"} {
		sec := asMap(comps[section])
		for _, name := range sortedKeys(sec) {
			p := asMap(sec[name])
			if p != nil {
				visitSchemaSlot(p, "schema", "#/components/"+section+"/"+escapePointer(name)+"/schema", fn)
				visitContent(p, "#/components/"+section+"/"+escapePointer(name), fn)
			}
		}
	}
	for _, section := range []string{"requestBodies", "responses"} {
		sec := asMap(comps[section])
		for _, name := range sortedKeys(sec) {
			base := "#/components/" + section + "/" + escapePointer(name)
			visitContent(asMap(sec[name]), base, fn)
			visitHeaders(asMap(sec[name]), base, fn)
		}
	}
	paths := asMap(doc["paths"])
	for _, p := range sortedKeys(paths) {
		item := asMap(paths[p])
		base := "#/paths/" + escapePointer(p)
		visitParams(item, base, fn)
		for _, m := range httpMethods {
			op := asMap(item[m])
			if op == nil {
				continue
			}
			obase := base + "/" + m
			visitParams(op, obase, fn)
			if rb := asMap(op["requestBody"]); rb != nil {
				visitContent(rb, obase+"/requestBody", fn)
			}
			resps := asMap(op["responses"])
			for _, code := range sortedKeys(resps) {
				r := asMap(resps[code])
				rbase := obase + "/responses/" + escapePointer(code)
				visitContent(r, rbase, fn)
				visitHeaders(r, rbase, fn)
			}
		}
	}
}

func visitParams(holder map[string]any, base string, fn schemaVisitor) {
	for i, p := range asSlice(holder["parameters"]) {
		if pm := asMap(p); pm != nil {
			visitSchemaSlot(pm, "schema", fmt.Sprintf("%s/parameters/%d/schema", base, i), fn)
		}
	}
}

func visitHeaders(holder map[string]any, base string, fn schemaVisitor) {
	hs := asMap(holder["headers"])
	for _, h := range sortedKeys(hs) {
		if hm := asMap(hs[h]); hm != nil {
			visitSchemaSlot(hm, "schema", base+"/headers/"+escapePointer(h)+"/schema", fn)
		}
	}
}

func visitContent(holder map[string]any, base string, fn schemaVisitor) {
	content := asMap(holder["content"])
	for _, mt := range sortedKeys(content) {
		if m := asMap(content[mt]); m != nil {
			visitSchemaSlot(m, "schema", base+"/content/"+escapePointer(mt)+"/schema", fn)
		}
	}
}

// visitSchemaSlot visits the schema stored at parent[key] and everything
// nested in it.
func visitSchemaSlot(parent map[string]any, key, ptr string, fn schemaVisitor) {
	s := asMap(parent[key])
	if s == nil {
		return
	}
	visitNested(s, ptr, fn)
	if r := fn(ptr, s); r != nil {
		parent[key] = r
	}
}

func visitNested(s map[string]any, ptr string, fn schemaVisitor) {
	props := asMap(s["properties"])
	for _, name := range sortedKeys(props) {
		visitSchemaSlot(props, name, ptr+"/properties/"+escapePointer(name), fn)
	}
	for _, k := range []string{"items", "additionalProperties", "not"} {
		visitSchemaSlot(s, k, ptr+"/"+k, fn)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		list := asSlice(s[k])
		for i, sub := range list {
			sm := asMap(sub)
			if sm == nil {
				continue
			}
			p := fmt.Sprintf("%s/%s/%d", ptr, k, i)
			visitNested(sm, p, fn)
			if r := fn(p, sm); r != nil {
				list[i] = r
			}
		}
	}
}
