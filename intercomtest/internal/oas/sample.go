package oas

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Sample is a value for a schema and where it came from.
type Sample struct {
	// Value is the JSON value, as encoding/json decodes into any.
	Value any
	// Source says where Value came from: `example "name"`, "example", or
	// "schema" when it was built from the schema.
	Source string
	// Rejected lists the spec's examples that were passed over because they
	// break the schema, each with its problems.
	Rejected []string
}

// FromSchema reports whether the value was built from the schema.
func (s Sample) FromSchema() bool { return s.Source == SourceSchema }

// SourceSchema is the Source of a value built from the schema.
const SourceSchema = "schema"

type candidate struct {
	label string
	value any
}

// FromMedia returns a value for a request or response body: the first of
// the media type's examples that satisfies its schema (the single example
// first, then the named ones by name), or else one built from the schema.
func FromMedia(mt *openapi3.MediaType, dir Direction) (Sample, error) {
	var cands []candidate
	if mt.Example != nil {
		cands = append(cands, candidate{"example", mt.Example})
	}
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			cands = append(cands, candidate{fmt.Sprintf("example %q", name), ex.Value.Value})
		}
	}
	return pick(mt.Schema, cands, dir)
}

// FromParameter returns a value for a parameter: its first example that
// satisfies its schema, or else one built from the schema.
func FromParameter(p *openapi3.Parameter) (Sample, error) {
	if p.Schema == nil {
		for _, name := range slices.Sorted(maps.Keys(p.Content)) {
			return FromMedia(p.Content[name], Request)
		}
	}
	var cands []candidate
	if p.Example != nil {
		cands = append(cands, candidate{"example", p.Example})
	}
	for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			cands = append(cands, candidate{fmt.Sprintf("example %q", name), ex.Value.Value})
		}
	}
	return pick(p.Schema, cands, Request)
}

func pick(ref *openapi3.SchemaRef, cands []candidate, dir Direction) (Sample, error) {
	var schema *openapi3.Schema
	if ref != nil {
		schema = ref.Value
	}
	var s Sample
	var valid []candidate
	for _, c := range cands {
		if err := Validate(schema, c.value, dir); err != nil {
			s.Rejected = append(s.Rejected, c.label+": "+strings.Join(Problems(err), "; "))
			continue
		}
		valid = append(valid, c)
	}
	// An example with keys the schema does not declare is often one meant
	// to show an error answer; prefer one that sticks to the schema.
	for _, c := range valid {
		if len(Undeclared(schema, c.value)) == 0 {
			s.Value, s.Source = Clone(c.value), c.label
			return s, nil
		}
	}
	if len(valid) > 0 {
		s.Value, s.Source = Clone(valid[0].value), valid[0].label
		return s, nil
	}
	v, err := Generate(schema, dir)
	if err != nil {
		return s, err
	}
	s.Value, s.Source = v, SourceSchema
	return s, nil
}

// maxDepth bounds how deep optional properties and array items are filled
// in; required properties are always present.
const maxDepth = 4

// Generate builds a value that satisfies schema, preferring the schema's
// own examples, enums and defaults where they are valid. It fails only for
// schemas it cannot satisfy (a pattern, say), naming the problems.
func Generate(schema *openapi3.Schema, dir Direction) (any, error) {
	g := &generator{dir: dir, active: map[*openapi3.Schema]int{}}
	v := g.value(schema, 0)
	if err := Validate(schema, v, dir); err != nil {
		return nil, fmt.Errorf("no value built satisfies the %s schema: %s", dir, strings.Join(Problems(err), "; "))
	}
	return v, nil
}

type generator struct {
	dir    Direction
	active map[*openapi3.Schema]int // schemas being built, against cycles
}

func (g *generator) valid(s *openapi3.Schema, v any) bool {
	return Validate(s, v, g.dir) == nil
}

func (g *generator) value(s *openapi3.Schema, depth int) any {
	if s == nil || depth > 4*maxDepth {
		return map[string]any{}
	}
	g.active[s]++
	defer func() { g.active[s]-- }()

	if s.Example != nil && g.valid(s, s.Example) {
		return Clone(s.Example)
	}
	for _, e := range s.Enum {
		if e != nil && g.valid(s, e) {
			return Clone(e)
		}
	}
	if s.Default != nil && g.valid(s, s.Default) {
		return Clone(s.Default)
	}
	if s.Const != nil {
		return Clone(s.Const)
	}
	if len(s.AllOf) > 0 {
		merged := g.own(s, depth)
		for _, sub := range s.AllOf {
			v := g.value(sub.Value, depth)
			m, ok := v.(map[string]any)
			if !ok {
				return v
			}
			merged = merge(merged, m)
		}
		return merged
	}
	if alts := append(slices.Clone(s.OneOf), s.AnyOf...); len(alts) > 0 {
		base := g.own(s, depth)
		var first any
		for _, alt := range alts {
			v := g.value(alt.Value, depth)
			if m, ok := v.(map[string]any); ok {
				v = merge(base, m)
				g.discriminate(s, alt, v.(map[string]any))
			}
			if first == nil {
				first = v
			}
			if g.valid(s, v) {
				return v
			}
		}
		return first
	}
	return g.typed(s, depth)
}

// own builds the object part a composed schema declares beside its
// allOf/oneOf/anyOf, or an empty object when it declares none.
func (g *generator) own(s *openapi3.Schema, depth int) map[string]any {
	if len(s.Properties) == 0 && s.AdditionalProperties.Schema == nil {
		return map[string]any{}
	}
	m, _ := g.object(s, depth).(map[string]any)
	return m
}

// discriminate sets the discriminator property to the name that selects alt.
func (g *generator) discriminate(s *openapi3.Schema, alt *openapi3.SchemaRef, v map[string]any) {
	d := s.Discriminator
	if d == nil || d.PropertyName == "" || alt.Ref == "" {
		return
	}
	for key, ref := range d.Mapping {
		if ref.Ref == alt.Ref {
			v[d.PropertyName] = key
			return
		}
	}
	if _, set := v[d.PropertyName]; !set {
		v[d.PropertyName] = alt.Ref[strings.LastIndex(alt.Ref, "/")+1:]
	}
}

func (g *generator) typed(s *openapi3.Schema, depth int) any {
	typ := ""
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if t != openapi3.TypeNull {
				typ = t
				break
			}
		}
		if typ == "" && s.Type.Includes(openapi3.TypeNull) {
			return nil
		}
	}
	if typ == "" {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
			typ = openapi3.TypeObject
		case s.Items != nil:
			typ = openapi3.TypeArray
		}
	}
	switch typ {
	case openapi3.TypeObject:
		return g.object(s, depth)
	case openapi3.TypeArray:
		return g.array(s, depth)
	case openapi3.TypeString:
		return str(s)
	case openapi3.TypeInteger:
		return integer(s)
	case openapi3.TypeNumber:
		return number(s)
	case openapi3.TypeBoolean:
		return true
	default:
		// No type says nothing about the value; an object is what the
		// generated Go types (any, map[string]any) take most readily.
		return map[string]any{}
	}
}

func (g *generator) object(s *openapi3.Schema, depth int) any {
	obj := map[string]any{}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := s.Properties[name].Value
		if p == nil || (g.dir == Request && p.ReadOnly) || (g.dir == Response && p.WriteOnly) {
			continue
		}
		if !required[name] && (depth >= maxDepth || g.active[p] > 0) {
			continue
		}
		obj[name] = g.value(p, depth+1)
	}
	extra := s.AdditionalProperties.Schema
	// A required name the schema does not declare may hold anything (or
	// what additionalProperties allows); null assumes least.
	for _, name := range s.Required {
		if _, declared := s.Properties[name]; declared {
			continue
		}
		if extra != nil {
			obj[name] = g.value(extra.Value, depth+1)
		} else {
			obj[name] = nil
		}
	}
	for i := 0; len(obj) < max(int(s.MinProps), boolInt(len(s.Properties) == 0 && extra != nil && depth < maxDepth)); i++ {
		var v any = "value"
		if extra != nil {
			v = g.value(extra.Value, depth+1)
		}
		obj[fmt.Sprintf("key%d", i)] = v
	}
	return obj
}

func (g *generator) array(s *openapi3.Schema, depth int) any {
	n := int(s.MinItems)
	if n == 0 && depth < maxDepth && (s.Items == nil || g.active[s.Items.Value] == 0) {
		n = 1
	}
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	items := make([]any, 0, n)
	for range n {
		var item *openapi3.Schema
		if s.Items != nil {
			item = s.Items.Value
		}
		items = append(items, g.value(item, depth+1))
	}
	return items
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// formatSamples are valid values for the common string formats.
var formatSamples = map[string]string{
	"date-time": "2024-05-01T12:00:00Z",
	"date":      "2024-05-01",
	"time":      "12:00:00",
	"email":     "user@example.com",
	"uri":       "https://example.com/",
	"url":       "https://example.com/",
	"hostname":  "example.com",
	"uuid":      "3fa85f64-5717-4562-b3fc-2c963f66afa6",
	"byte":      "ZXhhbXBsZQ==",
	"ipv4":      "192.0.2.1",
	"ipv6":      "2001:db8::1",
}

func str(s *openapi3.Schema) string {
	v, ok := formatSamples[s.Format]
	if !ok {
		v = "example"
	}
	for uint64(len(v)) < s.MinLength {
		v += "x"
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// bounds returns the inclusive range a number must fall in; step is the
// smallest move past an exclusive bound.
func bounds(s *openapi3.Schema, step float64) (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if s.Min != nil {
		lo = *s.Min
		if s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool {
			lo += step
		}
	}
	if v := s.ExclusiveMin.Value; v != nil {
		lo = math.Max(lo, *v+step)
	}
	if s.Max != nil {
		hi = *s.Max
		if s.ExclusiveMax.Bool != nil && *s.ExclusiveMax.Bool {
			hi -= step
		}
	}
	if v := s.ExclusiveMax.Value; v != nil {
		hi = math.Min(hi, *v-step)
	}
	return lo, hi
}

func integer(s *openapi3.Schema) float64 {
	lo, hi := bounds(s, 1)
	v := math.Min(math.Max(1, math.Ceil(lo)), math.Floor(hi))
	if m := s.MultipleOf; m != nil && *m > 0 {
		v = math.Ceil(v / *m) * *m
	}
	return v
}

func number(s *openapi3.Schema) float64 {
	lo, hi := bounds(s, 0.25)
	v := math.Min(math.Max(1.5, lo), hi)
	if m := s.MultipleOf; m != nil && *m > 0 {
		v = math.Ceil(v / *m) * *m
	}
	return v
}

// merge returns a copy of a with b's keys laid over it, except that a null
// in b (a placeholder for a name b only requires) keeps a's value.
func merge(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	maps.Copy(out, a)
	for k, v := range b {
		if _, ok := out[k]; ok && v == nil {
			continue
		}
		out[k] = v
	}
	return out
}

// Clone deep-copies a JSON value, so callers may change what they get.
func Clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	default:
		return v
	}
}
