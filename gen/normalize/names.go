package normalize

import (
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// componentGoNames returns the Go type name of every component schema,
// mapped to the schema's own name.
func componentGoNames(doc Doc) map[string]string {
	names := map[string]string{}
	schemas := asMap(asMap(doc["components"])["schemas"])
	for _, name := range sortedKeys(schemas) {
		goName := asString(asMap(schemas[name])["x-go-name"])
		if goName == "" {
			goName = codegen.SchemaNameToTypeName(name)
		}
		names[goName] = name
	}
	return names
}

// InlineEnumCollision renames an inline enum whose derived Go type name
// equals a component schema's. oapi-codegen names an inline enum after its
// path (property "type" of schema "ticket" becomes TicketType), which
// clashes with a component called ticket_type; the enum gets the suffix
// "Enum" through x-go-type-name, and the component keeps its natural name.
var InlineEnumCollision = Rule{
	Name:   "inline-enum-collision",
	Defect: "an inline enum's generated Go name equals a component schema's",
	Apply: func(doc Doc, r *Report) error {
		taken := componentGoNames(doc)
		schemas := asMap(asMap(doc["components"])["schemas"])
		for _, name := range sortedKeys(schemas) {
			var visit func(s map[string]any, path []string, ptr string)
			visit = func(s map[string]any, path []string, ptr string) {
				props := asMap(s["properties"])
				for _, p := range sortedKeys(props) {
					ps := asMap(props[p])
					if ps == nil {
						continue
					}
					sub := append(append([]string(nil), path...), p)
					subPtr := ptr + "/properties/" + escapePointer(p)
					if _, isEnum := ps["enum"]; isEnum && ps["x-go-type-name"] == nil && asString(ps["type"]) != "array" {
						goName := codegen.SchemaNameToTypeName(codegen.PathToTypeName(append([]string(nil), sub...)))
						if other, clash := taken[goName]; clash {
							renamed := goName + "Enum"
							for taken[renamed] != "" {
								renamed += "_"
							}
							ps["x-go-type-name"] = renamed
							taken[renamed] = strings.Join(sub, ".")
							r.Add(subPtr, "%s (clashed with schema %s)", renamed, other)
						}
					}
					visit(ps, sub, subPtr)
				}
			}
			visit(asMap(schemas[name]), []string{name}, "#/components/schemas/"+escapePointer(name))
		}
		return nil
	},
}

// operationTypeSuffixes are the names oapi-codegen derives from an
// operationId for the types it declares per operation.
var operationTypeSuffixes = []string{ResponseTypeSuffix, "Params", "JSONBody", "JSONRequestBody"}

// OperationTypeCollision renames a component schema whose Go name equals a
// type oapi-codegen declares per operation (a schema search_articles_response
// against operation searchArticles' SearchArticlesResponse wrapper). The
// schema takes the suffix "Body" through x-go-name; the per-operation types
// keep the names every other operation's have.
var OperationTypeCollision = Rule{
	Name:   "operation-type-collision",
	Defect: "a component schema is named like a type generated for an operation",
	Apply: func(doc Doc, r *Report) error {
		perOp := map[string]string{}
		for _, o := range operations(doc) {
			id := asString(o.op["operationId"])
			if id == "" {
				continue
			}
			base := codegen.UppercaseFirstCharacter(codegen.ToCamelCase(id))
			for _, suffix := range operationTypeSuffixes {
				perOp[base+suffix] = id
			}
		}
		taken := componentGoNames(doc)
		schemas := asMap(asMap(doc["components"])["schemas"])
		for _, goName := range sortedKeys(anyMap(taken)) {
			opID, clash := perOp[goName]
			if !clash {
				continue
			}
			name := taken[goName]
			renamed := goName + "Body"
			for taken[renamed] != "" || perOp[renamed] != "" {
				renamed += "_"
			}
			asMap(schemas[name])["x-go-name"] = renamed
			taken[renamed] = name
			r.Add("#/components/schemas/"+escapePointer(name), "%s (clashed with a type of operation %s)", renamed, opID)
		}
		return nil
	},
}
