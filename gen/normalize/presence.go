package normalize

import (
	"strconv"
	"strings"
)

// OptionalResponseProperties makes every property of every schema a
// response can carry optional in the generated Go code, so that each is a
// pointer (or a nil-able slice or map) and a caller can tell a property the
// answer left out from one it sent as zero. Intercom's required flags are
// not a reliable guide (hundreds flip between versions, and the API leaves
// out properties marked required), and following them would also give one
// property a pointer type in one version and a value type in the next.
// Codegen only: the validation spec keeps the flags.
var OptionalResponseProperties = Rule{
	Name:   "optional-response-properties",
	Defect: "response properties marked required, which the API does not always send and versions disagree on",
	Apply: func(doc Doc, r *Report) error {
		seen := map[string]bool{}
		var visit func(s map[string]any, ptr string)
		visit = func(s map[string]any, ptr string) {
			if s == nil {
				return
			}
			if ref := asString(s["$ref"]); ref != "" {
				if seen[ref] || !strings.HasPrefix(ref, "#/") {
					return
				}
				seen[ref] = true
				if target, ok := resolvePointer(doc, ref); ok {
					visit(asMap(target), ref)
				}
				return
			}
			if req := asSlice(s["required"]); len(req) > 0 {
				delete(s, "required")
				r.Add(ptr, "%d properties optional", len(req))
			}
			props := asMap(s["properties"])
			for _, name := range sortedKeys(props) {
				visit(asMap(props[name]), ptr+"/properties/"+escapePointer(name))
			}
			for _, k := range []string{"items", "additionalProperties"} {
				visit(asMap(s[k]), ptr+"/"+k)
			}
			for _, k := range []string{"allOf", "anyOf", "oneOf"} {
				for i, sub := range asSlice(s[k]) {
					visit(asMap(sub), ptr+"/"+k+"/"+strconv.Itoa(i))
				}
			}
		}
		responses := func(holder map[string]any, base string) {
			content := asMap(holder["content"])
			for _, mt := range sortedKeys(content) {
				visit(asMap(asMap(content[mt])["schema"]), base+"/content/"+escapePointer(mt)+"/schema")
			}
		}
		for _, op := range operations(doc) {
			resps := asMap(op.op["responses"])
			for _, code := range sortedKeys(resps) {
				responses(asMap(resps[code]), op.pointer()+"/responses/"+escapePointer(code))
			}
		}
		comps := asMap(asMap(doc["components"])["responses"])
		for _, name := range sortedKeys(comps) {
			responses(asMap(comps[name]), "#/components/responses/"+escapePointer(name))
		}
		return nil
	},
}
