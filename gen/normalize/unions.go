package normalize

import (
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// InlineUnionBody moves an inline anyOf/oneOf request body schema into
// components/schemas and refers to it from the operation.
//
// oapi-codegen declares an inline body as a new named type
// (`type XJSONRequestBody XJSONBody`), and a new named type does not inherit
// methods: the union's MarshalJSON is lost and the typed call sends `{}`.
// A referenced body is declared as an alias instead, which keeps them.
var InlineUnionBody = Rule{
	Name:   "inline-union-body",
	Defect: "an inline anyOf/oneOf request body, which oapi-codegen sends as {}",
	Apply: func(doc Doc, r *Report) error {
		schemas := componentSchemas(doc)
		taken := componentGoNames(doc)
		for _, o := range operations(doc) {
			id := asString(o.op["operationId"])
			content := asMap(asMap(o.op["requestBody"])["content"])
			for _, mt := range sortedKeys(content) {
				m := asMap(content[mt])
				s := asMap(m["schema"])
				if s == nil || s["$ref"] != nil || !isJSONMediaType(mt) || (s["anyOf"] == nil && s["oneOf"] == nil) {
					continue
				}
				base := codegen.ToCamelCase(id)
				if id == "" {
					base = codegen.ToCamelCase(o.method + " " + o.path)
				}
				name := codegen.UppercaseFirstCharacter(base) + "Request"
				for taken[name] != "" || schemas[name] != nil {
					name += "Body"
				}
				schemas[name] = s
				taken[name] = name
				m["schema"] = map[string]any{"$ref": "#/components/schemas/" + escapePointer(name)}
				r.Add(o.pointer()+"/requestBody/content/"+escapePointer(mt), "#/components/schemas/%s", name)
			}
		}
		return nil
	},
}
