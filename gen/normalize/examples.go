package normalize

import (
	"encoding/json"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// InvalidSchemaExample drops a schema's `example` when the example breaks
// the schema it illustrates (a boolean under type: string, say). Such an
// example is documentation that lies; validators reject the whole document
// over it, and a fake server must never serve it as a valid answer.
// Examples of request and response bodies are left alone: those are the
// conformance suite's business, which lists them as known defects.
var InvalidSchemaExample = Rule{
	Name:   "invalid-schema-example",
	Defect: "a schema's example does not validate against the schema",
	Apply: func(doc Doc, r *Report) error {
		walkSchemas(doc, func(ptr string, s map[string]any) map[string]any {
			ex, ok := s["example"]
			if !ok || containsRef(s) {
				return nil
			}
			if err := validateValue(s, ex); err != nil {
				delete(s, "example")
				r.Add(ptr, "dropped example: %s", firstLine(err.Error()))
			}
			return nil
		})
		return nil
	},
}

// containsRef reports whether a schema tree holds a $ref anywhere, in which
// case it cannot be checked on its own.
func containsRef(v any) bool {
	found := false
	walkRefs(v, "#", func(string, map[string]any) { found = true })
	return found
}

// validateValue checks value against a self-contained schema tree.
func validateValue(schema map[string]any, value any) error {
	raw, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	var s openapi3.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	return s.VisitJSON(value, openapi3.MultiErrors())
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// goTypeForRef returns the Go type name oapi-codegen gives the component
// schema a local reference points at, or "" for other references.
func goTypeForRef(doc Doc, ref string) string {
	const prefix = "#/components/schemas/"
	if !strings.HasPrefix(ref, prefix) {
		return ""
	}
	name := unescapePointer(strings.TrimPrefix(ref, prefix))
	if target := asMap(asMap(asMap(doc["components"])["schemas"])[name]); target != nil {
		if t := asString(target["x-go-name"]); t != "" {
			return t
		}
	}
	return codegen.SchemaNameToTypeName(name)
}
