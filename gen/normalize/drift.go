package normalize

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// ExampleDrift is the name of the rule that checks response schemas against
// the spec's own examples of them; its findings make up each version's
// schema-examples report.
const ExampleDrift = "example-drift"

// XFromExample marks a property that the example-drift rule added because
// the spec's examples (and the API) send it while the schema lacks it.
const XFromExample = "x-intercom-from-example"

// XExampleType records, on a schema, the JSON type the spec's examples
// send where it differs from the schema's own.
const XExampleType = "x-intercom-example-type"

// SchemaExampleDrift compares every response schema with the examples the
// spec gives of it. A property an example carries that the schema lacks
// (a field the schema forgot, or spells differently) is added to the
// schema, typed as the example types it; the schema's own property stays,
// so both names decode. A property whose JSON type differs from the
// schema's is only reported: the tolerant decoder coerces such values, and
// known cases are fixed as wire facts (corrections.yaml). Every case goes
// into the report, with the operation and example that showed it.
var SchemaExampleDrift = Rule{
	Name:   ExampleDrift,
	Defect: "a response schema disagrees with the spec's own example of it",
	Apply: func(doc Doc, r *Report) error {
		d := &drift{doc: doc, r: r, seen: map[string]bool{}}
		for _, op := range operations(doc) {
			resps := asMap(op.op["responses"])
			for _, code := range sortedKeys(resps) {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				content := asMap(asMap(resps[code])["content"])
				for _, mt := range sortedKeys(content) {
					if !isJSONMediaType(mt) {
						continue
					}
					media := asMap(content[mt])
					schema := asMap(media["schema"])
					if schema == nil {
						continue
					}
					where := op.String() + " " + code
					if ex, ok := media["example"]; ok {
						d.compare(schema, ex, where+" example", "", "", 0)
					}
					exs := asMap(media["examples"])
					for _, name := range sortedKeys(exs) {
						if v, ok := asMap(exs[name])["value"]; ok {
							d.compare(schema, v, where+" example "+name, "", "", 0)
						}
					}
				}
			}
		}
		return nil
	},
}

type drift struct {
	doc  Doc
	r    *Report
	seen map[string]bool // findings already reported, by schema pointer and property
}

// compare walks an example value against a schema. at is the schema's
// pointer, or "" for an inline response schema.
func (d *drift) compare(s map[string]any, v any, source, path, at string, depth int) {
	if s == nil || depth > 12 || v == nil {
		return
	}
	for i := 0; i < 8; i++ {
		ref := asString(s["$ref"])
		if ref == "" {
			break
		}
		target, ok := resolvePointer(d.doc, ref)
		if !ok {
			return
		}
		s, at = asMap(target), ref
	}
	if s == nil {
		return
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if _, ok := s[k]; ok {
			return // which branch an example follows is not this rule's call
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props := asMap(s["properties"])
		if props == nil {
			return
		}
		for _, k := range sortedKeys(x) {
			p := asMap(props[k])
			if p != nil {
				d.compare(p, x[k], source, path+"/"+escapePointer(k), sub(at, "/properties/"+escapePointer(k)), depth+1)
				continue
			}
			if ap, ok := s["additionalProperties"]; ok && ap != false {
				continue
			}
			added := d.infer(x[k], 0)
			if added == nil {
				continue // a null says nothing about the type
			}
			key := at + "|" + k
			if at == "" {
				key = source + path + "|" + k
			}
			if d.seen[key] {
				continue
			}
			d.seen[key] = true
			added[XFromExample] = true
			props[k] = added
			note := ""
			if near := nearest(k, sortedKeys(props)); near != "" {
				note = fmt.Sprintf(" (the schema spells it %q)", near)
			}
			d.r.Add(schemaName(at, source+path), "added property %q as %s, as %s sends it%s", k, describe(added), source, note)
		}
	case []any:
		if asString(s["type"]) == "array" {
			for i, e := range x {
				if i >= 3 {
					break
				}
				d.compare(asMap(s["items"]), e, source, fmt.Sprintf("%s/%d", path, i), sub(at, "/items"), depth+1)
			}
		}
	}
	if want, got := asString(s["type"]), jsonType(v); want != "" && got != "" && want != got && !(want == "number" && got == "integer") {
		key := at + "|type"
		if at == "" {
			key = source + path + "|type"
		}
		if !d.seen[key] && s[XExampleType] == nil {
			d.seen[key] = true
			s[XExampleType] = got
			d.r.Add(schemaName(at, source+path), "type %s, but %s sends %s at %s (left to the tolerant decoder)", want, source, got, orRoot(path))
		}
	}
}

// sub extends a schema pointer, staying "" for inline schemas.
func sub(at, suffix string) string {
	if at == "" {
		return ""
	}
	return at + suffix
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func schemaName(at, fallback string) string {
	if at != "" {
		return at
	}
	return fallback
}

// infer types an example value: a component schema for an object whose
// "type" names one, otherwise the JSON type.
func (d *drift) infer(v any, depth int) map[string]any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return map[string]any{"type": "boolean"}
	case string:
		return map[string]any{"type": "string"}
	case float64:
		if x == math.Trunc(x) {
			return map[string]any{"type": "integer"}
		}
		return map[string]any{"type": "number"}
	case int, int64, uint64:
		return map[string]any{"type": "integer"}
	case []any:
		items := map[string]any{}
		if len(x) > 0 && depth < 4 {
			if it := d.infer(x[0], depth+1); it != nil {
				items = it
			}
		}
		return map[string]any{"type": "array", "items": items}
	case map[string]any:
		if name := d.componentFor(asString(x["type"])); name != "" {
			return map[string]any{"$ref": "#/components/schemas/" + escapePointer(name)}
		}
		return map[string]any{"type": "object", "additionalProperties": true}
	}
	return nil
}

// componentFor finds the component schema whose objects carry the given
// "type" value: one named like it ("conversation", "admin.list" as
// "admin_list"), or one whose type property has it as its only enum value
// or example.
func (d *drift) componentFor(typ string) string {
	if typ == "" {
		return ""
	}
	schemas := asMap(asMap(d.doc["components"])["schemas"])
	for _, cand := range []string{typ, strings.ReplaceAll(typ, ".", "_")} {
		if asMap(schemas[cand]) != nil && asMap(asMap(schemas[cand])["properties"])["type"] != nil {
			return cand
		}
	}
	var found []string
	for _, name := range sortedKeys(schemas) {
		tp := asMap(asMap(asMap(schemas[name])["properties"])["type"])
		enum := asSlice(tp["enum"])
		if (len(enum) == 1 && enum[0] == typ) || (len(enum) == 0 && tp["example"] == typ) {
			found = append(found, name)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

func jsonType(v any) string {
	switch x := v.(type) {
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case int, int64, uint64:
		return "integer"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return ""
}

func describe(s map[string]any) string {
	if ref := asString(s["$ref"]); ref != "" {
		return ref[strings.LastIndexByte(ref, '/')+1:]
	}
	if asString(s["type"]) == "array" {
		return "array of " + describe(asMap(s["items"]))
	}
	if t := asString(s["type"]); t != "" {
		return t
	}
	return "any value"
}

// nearest returns the property name within edit distance 2 of k, if any.
func nearest(k string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if n == k {
			continue
		}
		if dd := editDistance(k, n); dd < bestD {
			best, bestD = n, dd
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// DriftReport renders the example-drift findings of a version as Markdown.
func DriftReport(version string, r *Report) string {
	var lines []string
	for _, f := range r.Findings {
		if f.Rule == ExampleDrift {
			lines = append(lines, fmt.Sprintf("| `%s` | %s |", strings.TrimPrefix(f.Where, "#/components/schemas/"), strings.ReplaceAll(f.Detail, "|", `\|`)))
		}
	}
	sort.Strings(lines)
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- Code generated by intercom-gen. DO NOT EDIT. -->\n\n# Schemas against their own examples: %s\n\n", version)
	b.WriteString("Where a response schema of this version disagrees with the spec's own example of it.\n")
	b.WriteString("A property the example sends and the schema lacks is added to the generated type under the\n")
	b.WriteString("example's name and type (the schema's own property stays); a type that differs is left to the\n")
	b.WriteString("tolerant decoder, which coerces or drops the value and reports it at run time.\n\n")
	fmt.Fprintf(&b, "%d cases.\n\n| Schema | Finding |\n|---|---|\n", len(lines))
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.String()
}
