package normalize

import (
	"fmt"
	"sort"
	"strings"
)

// UnionQueryObject turns an exploded form query parameter whose schema is
// a oneOf/anyOf of objects into one object holding every branch's
// properties, none required, and says in the description that exactly
// one must be set. oapi-codegen declares such a parameter as a struct with
// only a private union field: a caller cannot set it, and encoding it
// panics. On the wire the two are the same: each branch is one or more
// plain key=value pairs.
var UnionQueryObject = Rule{
	Name:   "union-query-object",
	Defect: "an exploded query parameter whose schema is a oneOf/anyOf of objects",
	Apply: func(doc Doc, r *Report) error {
		for _, o := range operations(doc) {
			for _, holder := range []map[string]any{o.item, o.op} {
				for _, p := range paramsOf(doc, holder) {
					if asString(p["in"]) != "query" || p["explode"] == false {
						continue
					}
					s := asMap(p["schema"])
					if s == nil {
						continue
					}
					key := "oneOf"
					if s[key] == nil {
						key = "anyOf"
					}
					branches := asSlice(s[key])
					if len(branches) == 0 {
						continue
					}
					props := map[string]any{}
					var alternatives []string
					ok := true
					for _, b := range branches {
						bm := asMap(b)
						if ref := asString(bm["$ref"]); ref != "" {
							target, found := resolvePointer(doc, ref)
							if !found {
								ok = false
								break
							}
							bm = asMap(target)
						}
						bp := asMap(bm["properties"])
						if bm == nil || bp == nil || (bm["type"] != nil && asString(bm["type"]) != "object") {
							ok = false
							break
						}
						names := sortedKeys(bp)
						for _, n := range names {
							props[n] = bp[n]
						}
						alternatives = append(alternatives, strings.Join(names, "+"))
					}
					if !ok {
						continue
					}
					merged := map[string]any{"type": "object", "properties": props}
					desc := fmt.Sprintf("Set exactly one of: %s.", strings.Join(alternatives, ", "))
					if d := asString(p["description"]); d != "" {
						desc = d + " " + desc
					}
					p["description"] = desc
					p["schema"] = merged
					sort.Strings(alternatives)
					r.Add(o.String(), "query parameter %q: one object with optional %s", asString(p["name"]), strings.Join(alternatives, ", "))
				}
			}
		}
		return nil
	},
}

// fixedFormatLength gives the length of every string of a format whose
// strings all have one length.
var fixedFormatLength = map[string]int{"uuid": 36}

// FormatLengthConflict drops a string format that the schema's own length
// bounds rule out (format: uuid, always 36 characters, with maxLength: 24).
// No value can satisfy both; the bounds describe what the API really takes
// (a 24-character Intercom id), and the format would make the Go type a
// UUID that cannot hold it.
var FormatLengthConflict = Rule{
	Name:   "format-length-conflict",
	Defect: "a string format whose fixed length the schema's minLength/maxLength exclude",
	Apply: func(doc Doc, r *Report) error {
		walkSchemas(doc, func(ptr string, s map[string]any) map[string]any {
			format := asString(s["format"])
			n, fixed := fixedFormatLength[format]
			if !fixed {
				return nil
			}
			minLen, hasMin := number(s["minLength"])
			maxLen, hasMax := number(s["maxLength"])
			if (hasMax && maxLen < n) || (hasMin && minLen > n) {
				delete(s, "format")
				r.Add(ptr, "dropped format %s (its %d characters are outside the length bounds)", format, n)
			}
			return nil
		})
		return nil
	},
}

// number reads a JSON or YAML number as an int.
func number(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	}
	return 0, false
}
