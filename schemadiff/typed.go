package schemadiff

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// An object inside an example that carries a "type" field naming a
// components schema ("type": "admin") is an example of that schema too,
// wherever it sits: the admin inside GET /me's example, a teammate inside a
// conversation. Its properties are checked against that schema's, so that
// a schema whose every operation lacks an example showing a property is
// still caught when another schema's example shows it differently.

// typedSchema returns the components schema an example object's "type"
// field names, when that schema declares a "type" property that allows
// the value (by enum, default or example).
func typedSchema(doc *openapi3.T, obj map[string]any) (string, *openapi3.Schema) {
	name, _ := obj["type"].(string)
	if name == "" || doc.Components == nil {
		return "", nil
	}
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return "", nil
	}
	tp := ref.Value.Properties["type"]
	if tp == nil || tp.Value == nil {
		return "", nil
	}
	t := tp.Value
	if slices.Contains(t.Enum, any(name)) || t.Default == name || t.Example == name {
		return name, ref.Value
	}
	return "", nil
}

// typedProblem is one property of a typed object that its schema rejects.
type typedProblem struct {
	schema, prop, path, problem string
}

// typedProblems walks an example and returns, for each typed object in it
// whose schema wanted reports true, the properties the schema rejects.
// own is the example's own schema: the objects it types as their typed
// schema are left to contradicts.
func typedProblems(doc *openapi3.T, v any, own *openapi3.Schema, request bool, wanted func(string) bool) []typedProblem {
	mode := openapi3.VisitAsResponse()
	if request {
		mode = openapi3.VisitAsRequest()
	}
	var out []typedProblem
	// cur is the schema the example's own schema gives the value, where
	// it can tell: an object it already validates as its typed schema is
	// not checked twice.
	var walk func(v any, cur *openapi3.Schema, path string, depth int)
	walk = func(v any, cur *openapi3.Schema, path string, depth int) {
		if depth > 32 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if name, s := typedSchema(doc, x); s != nil && s != cur && wanted(name) {
				for _, k := range slices.Sorted(maps.Keys(x)) {
					p := s.Properties[k]
					if k == "type" || p == nil || p.Value == nil {
						continue
					}
					if err := p.Value.VisitJSON(x[k], mode, openapi3.DisableSchemaErrorDetails()); err != nil {
						reason := err.Error()
						if se, ok := err.(*openapi3.SchemaError); ok {
							reason = se.Reason
						}
						out = append(out, typedProblem{name, k, indexes.ReplaceAllString(joinPath(path, k), "/*"), strings.SplitN(reason, "\n", 2)[0]})
					}
				}
			}
			for _, k := range slices.Sorted(maps.Keys(x)) {
				var next *openapi3.Schema
				if cur != nil {
					if p := cur.Properties[k]; p != nil {
						next = p.Value
					}
				}
				walk(x[k], next, joinPath(path, k), depth+1)
			}
		case []any:
			var next *openapi3.Schema
			if cur != nil && cur.Items != nil {
				next = cur.Items.Value
			}
			for i, item := range x {
				walk(item, next, joinPath(path, strconv.Itoa(i)), depth+1)
			}
		}
	}
	walk(v, own, "", 0)
	return out
}

// typedContradictions returns the typed objects of the revision's examples
// that contradict the schema their type names, and did not in the base.
// Only schemas that changed, and examples that changed, are checked: an
// unchanged example of an unchanged schema agrees in both versions or in
// neither.
func typedContradictions(be, re map[string][]example, base, rev *openapi3.T, schemaModified func(string) bool) []Contradiction {
	seen := func(d *openapi3.T, exs map[string][]example, other map[string][]example, into map[string]bool, report func(e example, p typedProblem)) {
		for _, key := range slices.Sorted(maps.Keys(exs)) {
			old := map[string]any{}
			for _, o := range other[key] {
				old[o.where+"\x00"+o.name] = o.value
			}
			for _, e := range exs[key] {
				o, had := old[e.where+"\x00"+e.name]
				changed := !had || !reflect.DeepEqual(o, e.value)
				var own *openapi3.Schema
				if e.schema != nil {
					own = e.schema.Value
				}
				for _, p := range typedProblems(d, e.value, own, e.where == "request", func(name string) bool { return changed || schemaModified(name) }) {
					k := p.schema + "\x00" + p.prop + "\x00" + p.problem
					if !into[k] {
						into[k] = true
						if report != nil {
							report(e, p)
						}
					}
				}
			}
		}
	}
	inBase := map[string]bool{}
	seen(base, be, re, inBase, nil)
	var out []Contradiction
	seen(rev, re, be, map[string]bool{}, func(e example, p typedProblem) {
		if inBase[p.schema+"\x00"+p.prop+"\x00"+p.problem] {
			return
		}
		out = append(out, Contradiction{Operation: e.op, OperationID: e.opID, Where: e.where, Example: e.name,
			Schema: p.schema, Path: p.path,
			Problem: "the object of type \"" + p.schema + "\" here has a `" + p.prop + "` property that the `" + p.schema + "` schema rejects: " + p.problem})
	})
	return out
}
