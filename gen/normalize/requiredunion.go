package normalize

// RequiredBesideUnion moves the "required" list of an object schema that
// also has a oneOf or anyOf into each of its branches.
//
// oapi-codegen declares a required property beside a union as a plain
// (non-pointer) field and always marshals it, so a body built from the
// union alone is sent with "name": "" and the like, overwriting what the
// union holds. Requiring the properties in every branch instead validates
// exactly the same values (a value must match a branch, and each branch
// requires them), and the fields become optional pointers that marshal only
// when set.
var RequiredBesideUnion = Rule{
	Name:   "required-beside-union",
	Defect: "an object schema lists required properties beside a oneOf/anyOf, which the generated type then always sends, empty",
	Apply: func(doc Doc, r *Report) error {
		walkSchemas(doc, func(ptr string, s map[string]any) map[string]any {
			required := asSlice(s["required"])
			if len(required) == 0 {
				return nil
			}
			for _, k := range []string{"oneOf", "anyOf"} {
				branches := asSlice(s[k])
				if len(branches) == 0 {
					continue
				}
				for i, b := range branches {
					bm := asMap(b)
					if bm == nil {
						return nil
					}
					if bm["$ref"] != nil {
						// A shared schema must not change for one use:
						// wrap it.
						bm = map[string]any{"allOf": []any{bm}}
						branches[i] = bm
					}
					have := map[string]bool{}
					for _, n := range asSlice(bm["required"]) {
						have[asString(n)] = true
					}
					list := asSlice(bm["required"])
					for _, n := range required {
						if !have[asString(n)] {
							list = append(list, n)
						}
					}
					bm["required"] = list
				}
				delete(s, "required")
				r.Add(ptr, "required %v moved into %d %s branches", required, len(branches), k)
				return nil
			}
			return nil
		})
		return nil
	},
}
