package intercomtest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// composite reports whether p is a query object sent in the form style,
// exploded ("?user_id=1" for {"user_id": "1"}), whose schema is a oneOf or
// anyOf. kin-openapi decodes such a parameter branch by branch and keeps
// whichever branch decoded last, so it rejects valid requests; the fake
// decodes these itself.
func composite(p *openapi3.Parameter) bool {
	if p.In != openapi3.ParameterInQuery || p.Schema == nil || p.Schema.Value == nil {
		return false
	}
	s := p.Schema.Value
	if len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		return false
	}
	sm, err := p.SerializationMethod()
	return err == nil && sm.Style == openapi3.SerializationForm && sm.Explode
}

// withoutComposite returns route with the composite parameters left out, for
// kin-openapi to validate the rest, and those parameters.
func withoutComposite(route *routers.Route) (*routers.Route, []*openapi3.Parameter) {
	var taken []*openapi3.Parameter
	filter := func(in openapi3.Parameters) openapi3.Parameters {
		var out openapi3.Parameters
		for _, ref := range in {
			if ref.Value != nil && composite(ref.Value) {
				taken = append(taken, ref.Value)
				continue
			}
			out = append(out, ref)
		}
		return out
	}
	ops := filter(route.Operation.Parameters)
	items := filter(route.PathItem.Parameters)
	if len(taken) == 0 {
		return route, nil
	}
	r := *route
	op := *route.Operation
	op.Parameters = ops
	item := *route.PathItem
	item.Parameters = items
	r.Operation, r.PathItem = &op, &item
	return &r, taken
}

// validateComposite gathers a composite parameter's properties from the
// query and checks the object against the parameter's schema.
func validateComposite(r *http.Request, p *openapi3.Parameter) []Violation {
	schema := p.Schema.Value
	props := oas.Properties(schema)
	query := r.URL.Query()
	obj := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if vs, ok := query[name]; ok && len(vs) > 0 {
			obj[name] = coerce(vs[0], props[name])
		}
	}
	what := fmt.Sprintf("query parameter %q", p.Name)
	if len(obj) == 0 {
		if !p.Required {
			return nil
		}
		names := slices.Sorted(maps.Keys(props))
		return []Violation{{In: InQuery, Field: p.Name, Code: "parameter_not_found",
			Message: fmt.Sprintf("missing required %s: send its properties as query parameters (%s)", what, strings.Join(names, ", "))}}
	}
	if err := oas.Validate(schema, obj, oas.Request); err != nil {
		return []Violation{{In: InQuery, Field: p.Name, Code: "parameter_invalid",
			Message: what + ": " + strings.Join(oas.Problems(err), "; ")}}
	}
	return nil
}

// coerce turns a query string into the JSON type the property's schema
// names, leaving it a string when it does not parse (validation then says
// so).
func coerce(v string, s *openapi3.Schema) any {
	if s == nil || s.Type == nil {
		return v
	}
	switch {
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case s.Type.Is(openapi3.TypeBoolean):
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}
