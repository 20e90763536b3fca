package normalize

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Default is the ordered list of rules the generator runs. Order matters
// where one repair makes another possible: references must resolve before
// anything looks through them.
var Default = []Rule{
	MissingOperationID,
	DanglingRef,
	PathParamInQuery,
	UndeclaredPathParam,
	ArrayWithoutItems,
	UnionQueryObject,
	FormatLengthConflict,
	SchemalessJSON,
	RequiredBesideUnion,
	InlineUnionBody,
	OperationTypeCollision,
	InlineEnumCollision,
	RefSiblingNullable,
	InvalidSchemaExample,
	KnownWireFacts,
	SchemaExampleDrift,
}

// CodegenOnly is the ordered list of rules that shape the generated Go code
// without changing what the API accepts or sends: they run on a copy of the
// normalized document from which the Go code is generated, while the
// embedded spec (which the fake and Prism validate against) keeps the
// normalized form. A rule belongs here when applying it to the validation
// spec would loosen or distort validation.
var CodegenOnly = []Rule{
	StripVersionHeader,
	EnumSymbolNames,
	NameShapes,
	OptionalResponseProperties,
}

// walkRefs calls fn for every map holding a "$ref" anywhere in the
// document, skipping example payloads, whose keys are data rather than
// spec.
func walkRefs(v any, ptr string, fn func(ptr string, m map[string]any)) {
	switch n := v.(type) {
	case map[string]any:
		if _, ok := n["$ref"].(string); ok {
			fn(ptr, n)
		}
		for _, k := range sortedKeys(n) {
			if k == "example" || (k == "value" && strings.Contains(ptr, "/examples/")) {
				continue
			}
			walkRefs(n[k], ptr+"/"+escapePointer(k), fn)
		}
	case []any:
		for i, e := range n {
			walkRefs(e, fmt.Sprintf("%s/%d", ptr, i), fn)
		}
	}
}

// DanglingRef replaces a $ref to a component schema that does not exist
// with a free-form object, keeping the reference's description. A schema
// reference is the only kind it can repair: a missing parameter or
// response has no neutral stand-in, so those stop the run.
var DanglingRef = Rule{
	Name:   "dangling-ref",
	Defect: "a $ref points at a component that the document does not define",
	Apply: func(doc Doc, r *Report) error {
		uses := map[string]int{}
		var bad []string
		walkRefs(doc, "#", func(ptr string, m map[string]any) {
			ref := m["$ref"].(string)
			if _, ok := resolvePointer(doc, ref); ok || !strings.HasPrefix(ref, "#/") {
				return
			}
			if !strings.HasPrefix(ref, "#/components/schemas/") {
				bad = append(bad, ptr+" -> "+ref)
				return
			}
			uses[ref]++
			delete(m, "$ref")
			m["type"] = "object"
			m["additionalProperties"] = true
		})
		if len(bad) > 0 {
			return fmt.Errorf("unresolvable non-schema references (add a definition in the version's overlay): %s", strings.Join(bad, "; "))
		}
		refs := make([]string, 0, len(uses))
		for ref := range uses {
			refs = append(refs, ref)
		}
		sort.Strings(refs)
		for _, ref := range refs {
			r.Add(ref, "%d uses -> free-form object", uses[ref])
		}
		return nil
	},
}

var templateParam = regexp.MustCompile(`\{([^{}]+)\}`)

// pathTemplateParams returns the names in a path template, in order.
func pathTemplateParams(path string) []string {
	var names []string
	for _, m := range templateParam.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	return names
}

// paramsOf resolves the parameters of a path item or operation (following
// local $refs) and returns them in declaration order.
func paramsOf(doc Doc, holder map[string]any) []map[string]any {
	var out []map[string]any
	for _, p := range asSlice(holder["parameters"]) {
		pm := asMap(p)
		if ref := asString(pm["$ref"]); ref != "" {
			if target, ok := resolvePointer(doc, ref); ok {
				pm = asMap(target)
			}
		}
		if pm != nil {
			out = append(out, pm)
		}
	}
	return out
}

// PathParamInQuery moves a parameter that the path template names, but that
// is declared "in: query", into the path, where the request really carries
// it. Path parameters are always required.
var PathParamInQuery = Rule{
	Name:   "path-param-in-query",
	Defect: "a path template parameter is declared in: query",
	Apply: func(doc Doc, r *Report) error {
		for _, o := range operations(doc) {
			inPath := map[string]bool{}
			for _, n := range pathTemplateParams(o.path) {
				inPath[n] = true
			}
			for _, holder := range []map[string]any{o.item, o.op} {
				for _, p := range paramsOf(doc, holder) {
					name := asString(p["name"])
					if inPath[name] && asString(p["in"]) == "query" {
						p["in"] = "path"
						p["required"] = true
						r.Add(o.String(), "parameter %q moved from query to path", name)
					}
				}
			}
		}
		return nil
	},
}

// UndeclaredPathParam declares, as a required string, every path template
// parameter that neither the operation nor its path item declares.
var UndeclaredPathParam = Rule{
	Name:   "undeclared-path-param",
	Defect: "a path template names a parameter that is not declared",
	Apply: func(doc Doc, r *Report) error {
		for _, o := range operations(doc) {
			declared := map[string]bool{}
			for _, holder := range []map[string]any{o.item, o.op} {
				for _, p := range paramsOf(doc, holder) {
					if asString(p["in"]) == "path" {
						declared[asString(p["name"])] = true
					}
				}
			}
			for _, name := range pathTemplateParams(o.path) {
				if declared[name] {
					continue
				}
				o.op["parameters"] = append(asSlice(o.op["parameters"]), map[string]any{
					"name":     name,
					"in":       "path",
					"required": true,
					"schema":   map[string]any{"type": "string"},
				})
				r.Add(o.String(), "declared path parameter %q as a string", name)
			}
		}
		return nil
	},
}

// ArrayWithoutItems gives an array schema that lacks "items" an
// unconstrained item schema, which OpenAPI 3.0 requires.
var ArrayWithoutItems = Rule{
	Name:   "array-without-items",
	Defect: "type: array without items",
	Apply: func(doc Doc, r *Report) error {
		walkSchemas(doc, func(ptr string, s map[string]any) map[string]any {
			if asString(s["type"]) == "array" && s["items"] == nil {
				s["items"] = map[string]any{}
				r.Add(ptr, "items: any value")
			}
			return nil
		})
		return nil
	},
}

// SchemalessJSON gives a JSON request or response body that has examples
// but no schema a schema of the shape its example shows (an object or an
// array of anything), so the generated client decodes it instead of leaving
// the caller with raw bytes.
var SchemalessJSON = Rule{
	Name:   "schemaless-json",
	Defect: "a JSON body has examples but no schema",
	Apply: func(doc Doc, r *Report) error {
		for _, o := range operations(doc) {
			bodies := map[string]map[string]any{}
			if rb := asMap(o.op["requestBody"]); rb != nil {
				bodies[o.pointer()+"/requestBody"] = rb
			}
			resps := asMap(o.op["responses"])
			for _, code := range sortedKeys(resps) {
				if rm := asMap(resps[code]); rm != nil {
					bodies[o.pointer()+"/responses/"+code] = rm
				}
			}
			for _, where := range sortedKeys(anyMap(bodies)) {
				content := asMap(bodies[where]["content"])
				for _, mt := range sortedKeys(content) {
					m := asMap(content[mt])
					if m == nil || m["schema"] != nil || !isJSONMediaType(mt) {
						continue
					}
					kind := "object"
					if ex := firstExample(m); ex != nil {
						if _, isArray := ex.([]any); isArray {
							kind = "array"
						}
					} else {
						continue // no example, no schema: an empty body, nothing to type
					}
					if kind == "array" {
						m["schema"] = map[string]any{"type": "array", "items": map[string]any{}}
					} else {
						m["schema"] = map[string]any{"type": "object", "additionalProperties": true}
					}
					r.Add(where+"/content/"+escapePointer(mt), "free-form %s", kind)
				}
			}
		}
		return nil
	},
}

func anyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func isJSONMediaType(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// firstExample returns the media type's example, or the value of its first
// named example in sorted order.
func firstExample(m map[string]any) any {
	if ex, ok := m["example"]; ok {
		return ex
	}
	exs := asMap(m["examples"])
	for _, k := range sortedKeys(exs) {
		if v, ok := asMap(exs[k])["value"]; ok {
			return v
		}
	}
	return nil
}

// RefSiblingNullable repairs `$ref` with `nullable: true` beside it. In
// OpenAPI 3.0 every sibling of $ref is ignored, so a real null fails
// validation. The reference is wrapped in a one-element allOf, where the
// nullable keyword does apply; x-go-type keeps the Go type the referenced
// schema's own.
var RefSiblingNullable = Rule{
	Name:   "ref-sibling-nullable",
	Defect: "$ref with nullable: true beside it, which OpenAPI 3.0 ignores",
	Apply: func(doc Doc, r *Report) error {
		walkSchemas(doc, func(ptr string, s map[string]any) map[string]any {
			ref := asString(s["$ref"])
			if ref == "" || s["nullable"] != true {
				return nil
			}
			out := map[string]any{
				"allOf":    []any{map[string]any{"$ref": ref}},
				"nullable": true,
			}
			for k, v := range s {
				if k != "$ref" && k != "nullable" {
					out[k] = v
				}
			}
			if goType := goTypeForRef(doc, ref); goType != "" {
				out["x-go-type"] = goType
			}
			r.Add(ptr, "allOf [%s], nullable", ref)
			return out
		})
		return nil
	},
}
