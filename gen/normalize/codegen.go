package normalize

import (
	"strings"
)

// VersionHeader is the request header that pins the Intercom API version.
// The transport sets it on every request, so the generated code never
// offers it as an argument.
const VersionHeader = "Intercom-Version"

// StripVersionHeader removes the Intercom-Version header parameter from
// every operation and path item, and then the component schemas only that
// parameter used. The transport sets the header from the package's
// version on every request: a generated field for it would pretend to
// choose the version while the transport overrides it, and most
// operations would take a params argument that holds nothing else.
//
// Codegen only: the embedded spec keeps the parameter, so the fake and
// Prism still check the header a request carries.
var StripVersionHeader = Rule{
	Name:   "strip-version-header",
	Defect: "every operation declares the Intercom-Version header, which the transport sets",
	Apply: func(doc Doc, r *Report) error {
		var schemaRefs []string
		isVersion := func(p map[string]any) bool {
			return strings.EqualFold(asString(p["in"]), "header") && strings.EqualFold(asString(p["name"]), VersionHeader)
		}
		strip := func(holder map[string]any, where string) {
			params := asSlice(holder["parameters"])
			if params == nil {
				return
			}
			kept := params[:0:0]
			for _, p := range params {
				pm := asMap(p)
				target := pm
				if ref := asString(pm["$ref"]); ref != "" {
					if t, ok := resolvePointer(doc, ref); ok {
						target = asMap(t)
					}
				}
				if target != nil && isVersion(target) {
					if ref := asString(asMap(target["schema"])["$ref"]); ref != "" {
						schemaRefs = append(schemaRefs, ref)
					}
					r.Add(where, "removed the %s header parameter", VersionHeader)
					continue
				}
				kept = append(kept, p)
			}
			if len(kept) == 0 {
				delete(holder, "parameters")
			} else {
				holder["parameters"] = kept
			}
		}
		items := map[string]bool{}
		for _, o := range operations(doc) {
			if !items[o.path] {
				items[o.path] = true
				strip(o.item, "#/paths/"+escapePointer(o.path))
			}
			strip(o.op, o.String())
		}
		params := asMap(asMap(doc["components"])["parameters"])
		for _, name := range sortedKeys(params) {
			if p := asMap(params[name]); p != nil && isVersion(p) {
				if ref := asString(asMap(p["schema"])["$ref"]); ref != "" {
					schemaRefs = append(schemaRefs, ref)
				}
				delete(params, name)
				r.Add("#/components/parameters/"+escapePointer(name), "removed")
			}
		}
		// Drop the schemas the header used once nothing refers to them
		// any more: they would only add a type of version constants.
		done := map[string]bool{}
		for _, ref := range schemaRefs {
			if done[ref] || !strings.HasPrefix(ref, "#/components/schemas/") {
				continue
			}
			done[ref] = true
			used := false
			walkRefs(doc, "#", func(_ string, m map[string]any) {
				if asString(m["$ref"]) == ref {
					used = true
				}
			})
			if !used {
				delete(asMap(asMap(doc["components"])["schemas"]), unescapePointer(strings.TrimPrefix(ref, "#/components/schemas/")))
				r.Add(ref, "removed (only the %s header used it)", VersionHeader)
			}
		}
		return nil
	},
}
