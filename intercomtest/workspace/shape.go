package workspace

import (
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// A shaper cuts a stored record (a superset of what any version answers)
// down to what one response schema declares: declared properties are kept
// when their value fits, required ones the record lacks (or holds in
// another version's shape) are filled with a value built from the schema,
// and undeclared keys are dropped unless the schema leaves the object open.
type shaper struct {
	mu     sync.Mutex
	filler map[*openapi3.Schema]any
	info   map[*openapi3.Schema]*objectInfo
}

// objectInfo is what shaping needs to know of an object schema, worked
// out once per schema.
type objectInfo struct {
	props    map[string]*openapi3.Schema
	names    []string // sorted
	required map[string]bool
}

var shapes = &shaper{filler: map[*openapi3.Schema]any{}, info: map[*openapi3.Schema]*objectInfo{}}

func (sh *shaper) object(s *openapi3.Schema) *objectInfo {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if oi, ok := sh.info[s]; ok {
		return oi
	}
	props := oas.Properties(s)
	oi := &objectInfo{props: props, names: slices.Sorted(maps.Keys(props)), required: oas.Required(s)}
	sh.info[s] = oi
	return oi
}

// fill returns a valid value for a required property the record lacks.
func (sh *shaper) fill(s *openapi3.Schema) any {
	sh.mu.Lock()
	v, ok := sh.filler[s]
	sh.mu.Unlock()
	if !ok {
		var err error
		v, err = oas.Generate(s, oas.Response)
		if err != nil {
			v = nil
		}
		sh.mu.Lock()
		sh.filler[s] = v
		sh.mu.Unlock()
	}
	return oas.Clone(v)
}

const maxShapeDepth = 32

// shape returns v cut to s, and whether the result fits s.
func (sh *shaper) shape(s *openapi3.Schema, v any, depth int) (any, bool) {
	if s == nil || depth > maxShapeDepth {
		return v, true
	}
	if v == nil {
		return nil, nullable(s)
	}
	if alts, isAlts := v.(variants); isAlts {
		for _, alt := range alts {
			if out, ok := sh.shape(s, alt, depth+1); ok {
				return out, true
			}
		}
		return nil, false
	}
	if alts := slices.Concat(s.OneOf, s.AnyOf); len(alts) > 0 {
		for _, alt := range alts {
			if alt.Value == nil {
				continue
			}
			out, ok := sh.shape(alt.Value, v, depth+1)
			if ok && oas.Validate(s, out, oas.Response) == nil {
				return out, true
			}
		}
		return v, oas.Validate(s, v, oas.Response) == nil
	}
	switch x := v.(type) {
	case map[string]any:
		oi := sh.object(s)
		props := oi.props
		if len(props) == 0 {
			// A free-form object, or one whose values share a schema.
			if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
				out := make(map[string]any, len(x))
				for k, e := range x {
					sv, ok := sh.shape(ap.Value, e, depth+1)
					if !ok {
						return v, false
					}
					out[k] = sv
				}
				return out, true
			}
			return v, isType(s, openapi3.TypeObject)
		}
		if !isType(s, openapi3.TypeObject) {
			return v, false
		}
		required := oi.required
		out := make(map[string]any, len(props))
		for _, name := range oi.names {
			p := props[name]
			if e, has := x[name]; has {
				if sv, ok := sh.shape(p, e, depth+1); ok {
					out[name] = sv
					continue
				}
			}
			if required[name] {
				out[name] = sh.fill(p)
			}
		}
		// A name required but not declared (a defect of some versions)
		// may hold anything.
		for name := range required {
			if _, done := out[name]; !done {
				out[name] = x[name]
			}
		}
		return out, true
	case []any:
		if !isType(s, openapi3.TypeArray) {
			return v, false
		}
		out := make([]any, 0, len(x))
		for _, e := range x {
			var item *openapi3.Schema
			if s.Items != nil {
				item = s.Items.Value
			}
			sv, ok := sh.shape(item, e, depth+1)
			if !ok {
				return v, false
			}
			out = append(out, sv)
		}
		return out, true
	default:
		return v, scalarFits(s, v)
	}
}

// scalarFits reports whether a string, number or boolean fits s: by its
// type alone when s constrains nothing else (most properties), by the
// validator otherwise. The whole answer is validated afterwards anyway.
func scalarFits(s *openapi3.Schema, v any) bool {
	if s.Pattern != "" || s.Format != "" || len(s.Enum) > 0 || s.Min != nil || s.Max != nil ||
		s.MinLength != 0 || s.MaxLength != nil || s.MultipleOf != nil || s.Not != nil || len(s.AllOf) > 0 {
		return oas.Validate(s, v, oas.Response) == nil
	}
	switch x := v.(type) {
	case string:
		return isType(s, openapi3.TypeString)
	case bool:
		return isType(s, openapi3.TypeBoolean)
	case float64:
		return isType(s, openapi3.TypeNumber) || (isType(s, openapi3.TypeInteger) && x == math.Trunc(x))
	}
	return oas.Validate(s, v, oas.Response) == nil
}

// variants holds a value that versions spell differently (a ticket state
// that is a string in one version and an object in another); an answer
// takes the first that fits its schema.
type variants []any

// isType reports whether s allows values of type t (a schema without a
// type allows any).
func isType(s *openapi3.Schema, t string) bool {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		for _, sub := range s.AllOf {
			if sub.Value != nil && sub.Value.Type != nil && len(sub.Value.Type.Slice()) > 0 {
				return sub.Value.Type.Includes(t)
			}
		}
		return true
	}
	return s.Type.Includes(t)
}

func nullable(s *openapi3.Schema) bool {
	if s.Nullable || (s.Type != nil && s.Type.Includes(openapi3.TypeNull)) {
		return true
	}
	for _, alt := range slices.Concat(s.OneOf, s.AnyOf) {
		if alt.Value != nil && nullable(alt.Value) {
			return true
		}
	}
	return false
}
