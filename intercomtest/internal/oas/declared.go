package oas

import (
	"maps"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// shape is what a schema says about the keys of an object: the declared
// properties (across allOf, oneOf and anyOf) and whether other keys are
// kept. Generated Go types keep other keys for a free-form object, one with
// additionalProperties, and a union (whose raw JSON is kept whole).
type shape struct {
	props map[string]*openapi3.Schema
	extra *openapi3.Schema
	open  bool
}

func shapeOf(s *openapi3.Schema) shape {
	sh := shape{props: map[string]*openapi3.Schema{}}
	var walk func(*openapi3.Schema, int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for name, ref := range s.Properties {
			if _, ok := sh.props[name]; !ok && ref != nil {
				sh.props[name] = ref.Value
			}
		}
		if ap := s.AdditionalProperties; ap.Schema != nil || (ap.Has != nil && *ap.Has) {
			sh.open = true
			if ap.Schema != nil && sh.extra == nil {
				sh.extra = ap.Schema.Value
			}
		}
		if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
			sh.open = true
		}
		for _, sub := range s.AllOf {
			walk(sub.Value, depth+1)
		}
	}
	walk(s, 0)
	if len(sh.props) == 0 {
		sh.open = true
	}
	return sh
}

// Properties returns the properties a schema declares, across its allOf,
// oneOf and anyOf branches (the first declaration of a name wins).
func Properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	props := map[string]*openapi3.Schema{}
	var walk func(*openapi3.Schema, int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for name, ref := range s.Properties {
			if _, ok := props[name]; !ok && ref != nil {
				props[name] = ref.Value
			}
		}
		for _, sub := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
			walk(sub.Value, depth+1)
		}
	}
	walk(s, 0)
	return props
}

// Required returns the names a schema requires, its allOf branches
// included.
func Required(s *openapi3.Schema) map[string]bool {
	req := map[string]bool{}
	var walk func(*openapi3.Schema, int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for _, r := range s.Required {
			req[r] = true
		}
		for _, sub := range s.AllOf {
			walk(sub.Value, depth+1)
		}
	}
	walk(s, 0)
	return req
}

// Undeclared lists the JSON pointers of the object keys in value that
// schema does not declare and that a generated Go type would therefore
// drop.
func Undeclared(schema *openapi3.Schema, value any) []string {
	var out []string
	undeclared(schema, value, "", &out, 0)
	return out
}

func undeclared(s *openapi3.Schema, v any, ptr string, out *[]string, depth int) {
	if s == nil || depth > 64 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		sh := shapeOf(s)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p, ok := sh.props[k]
			switch {
			case ok:
				undeclared(p, x[k], ptr+"/"+k, out, depth+1)
			case sh.extra != nil:
				undeclared(sh.extra, x[k], ptr+"/"+k, out, depth+1)
			case !sh.open:
				*out = append(*out, ptr+"/"+k)
			}
		}
	case []any:
		if s.Items == nil {
			return
		}
		for i, e := range x {
			undeclared(s.Items.Value, e, ptr+"/"+strconv.Itoa(i), out, depth+1)
		}
	}
}

// Declared returns a copy of value without the object keys that schema does
// not declare: what a generated Go type can carry.
func Declared(schema *openapi3.Schema, value any) any {
	return declared(schema, value, 0)
}

func declared(s *openapi3.Schema, v any, depth int) any {
	if s == nil || depth > 64 {
		return Clone(v)
	}
	switch x := v.(type) {
	case map[string]any:
		sh := shapeOf(s)
		out := make(map[string]any, len(x))
		for k, e := range x {
			if p, ok := sh.props[k]; ok {
				out[k] = declared(p, e, depth+1)
			} else if sh.extra != nil {
				out[k] = declared(sh.extra, e, depth+1)
			} else if sh.open {
				out[k] = Clone(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var item *openapi3.Schema
			if s.Items != nil {
				item = s.Items.Value
			}
			out[i] = declared(item, e, depth+1)
		}
		return out
	default:
		return v
	}
}
