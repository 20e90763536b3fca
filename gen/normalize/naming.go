package normalize

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// ResponseTypeSuffix is the suffix of the raw client's per-operation
// response wrappers (CreateContactRawResponse). It is not oapi-codegen's
// default "Response", so that an operation's success body can be called
// CreateContactResponse.
const ResponseTypeSuffix = "RawResponse"

// symbolNames name the enum values that are operators rather than words,
// such as the search operators, which oapi-codegen would otherwise call
// Empty, N1 and so on.
var symbolNames = map[string]string{
	"=": "Equals", "!=": "NotEquals", "==": "Equals",
	"<": "LessThan", "<=": "LessThanOrEquals",
	">": "GreaterThan", ">=": "GreaterThanOrEquals",
	"~": "Contains", "!~": "NotContains",
	"^": "StartsWith", "$": "EndsWith",
	"IN": "In", "NIN": "NotIn",
	"AND": "And", "OR": "Or",
	"": "Empty",
}

var (
	wordChars = regexp.MustCompile(`[A-Za-z0-9]`)
	nonWord   = regexp.MustCompile(`[^A-Za-z0-9]+`)
)

// goWords turns free text ("Intercom User ID", "conversation.list") into a
// Go identifier part ("IntercomUserID", "ConversationList").
func goWords(s string) string {
	s = strings.TrimSpace(nonWord.ReplaceAllString(s, " "))
	if s == "" {
		return ""
	}
	return codegen.SchemaNameToTypeName(codegen.ToCamelCase(strings.TrimSpace(s)))
}

// EnumSymbolNames names the constants of every string enum that has an
// operator-like value ("=", "!~", "IN"): each value gets a word
// (Equals, NotContains, In) through x-enum-varnames, so that together with
// always-prefixed enum constants the search operators read
// SingleFilterSearchRequestOperatorNotContains instead of N1.
var EnumSymbolNames = Rule{
	Name:   "enum-symbol-names",
	Defect: "enum values that are symbols, which oapi-codegen names Empty, N1, N2",
	Apply: func(doc Doc, r *Report) error {
		walkSchemas(doc, func(ptr string, s map[string]any) map[string]any {
			values := asSlice(s["enum"])
			if len(values) == 0 || s["x-enum-varnames"] != nil || s["x-enumNames"] != nil {
				return nil
			}
			symbolic := false
			for _, v := range values {
				str, ok := v.(string)
				if !ok {
					return nil
				}
				if !wordChars.MatchString(str) {
					symbolic = true
				}
			}
			if !symbolic {
				return nil
			}
			names := make([]any, len(values))
			seen := map[string]bool{}
			for i, v := range values {
				str := v.(string)
				name, ok := symbolNames[str]
				if !ok {
					name = goWords(str)
				}
				if name == "" {
					name = fmt.Sprintf("Value%d", i+1)
				}
				for seen[name] {
					name += "Alt"
				}
				seen[name] = true
				names[i] = name
			}
			s["x-enum-varnames"] = names
			r.Add(ptr, "%v", names)
			return nil
		})
		return nil
	},
}

// NameShapes gives a name to every schema oapi-codegen would otherwise
// name by position or leave anonymous:
//
//   - a oneOf/anyOf with one variant becomes that variant;
//   - every inline variant of a union moves into components/schemas, named
//     after the union and what the variant is (its title, its "type"
//     constant, its required properties, or its JSON type: String, Int,
//     StringList), so that oapi-codegen's AsX/FromX methods say what they
//     hold;
//   - a union nested in a property or array moves into components/schemas
//     too, named by its path (SingleFilterSearchRequestValue rather than
//     SingleFilterSearchRequest_Value);
//   - an inline JSON response body becomes a component named after the
//     operation (CreateContactResponse) and, for any answer but a success,
//     its status (SubmitFinCsatUnprocessableEntityResponse), or a reference
//     to an existing component when it equals one.
//
// Names come from the spec's structure (schema and property names,
// operationIds, titles), never from a list kept for one version, so the
// same concept has the same Go name in every version.
var NameShapes = Rule{
	Name:   "name-shapes",
	Defect: "unions, union members and success bodies that oapi-codegen names by position or leaves anonymous",
	Apply: func(doc Doc, r *Report) error {
		schemas := componentSchemas(doc)
		n := &namer{doc: doc, schemas: schemas, taken: map[string]bool{}, r: r}
		for goName := range componentGoNames(doc) {
			n.taken[goName] = true
		}
		enumConstantNames(doc, n.taken)
		// The components as the spec defines them, which a success body
		// equal to one reuses.
		original := map[string]any{}
		for k, v := range schemas {
			original[k] = v
		}
		ops := operations(doc)
		for _, o := range ops {
			if id := asString(o.op["operationId"]); id != "" {
				base := codegen.UppercaseFirstCharacter(codegen.ToCamelCase(id))
				for _, suffix := range []string{"Params", "JSONBody", "JSONRequestBody", ResponseTypeSuffix} {
					n.taken[base+suffix] = true
				}
			}
		}
		for _, name := range sortedKeys(schemas) {
			s := asMap(schemas[name])
			if s == nil {
				continue
			}
			goName := asString(s["x-go-name"])
			if goName == "" {
				goName = codegen.SchemaNameToTypeName(name)
			}
			if rep := n.visit(s, goName, "#/components/schemas/"+escapePointer(name), true); rep != nil {
				schemas[name] = rep
			}
		}
		for _, o := range ops {
			id := asString(o.op["operationId"])
			if id == "" {
				continue
			}
			base := codegen.UppercaseFirstCharacter(codegen.ToCamelCase(id))
			for _, p := range paramsOf(doc, o.op) {
				if ps := asMap(p["schema"]); ps != nil {
					if rep := n.visit(ps, base+goWords(asString(p["name"])), o.pointer()+"/parameters", false); rep != nil {
						p["schema"] = rep
					}
				}
			}
			content := asMap(asMap(o.op["requestBody"])["content"])
			for _, mt := range sortedKeys(content) {
				if m := asMap(content[mt]); m != nil && isJSONMediaType(mt) {
					if s := asMap(m["schema"]); s != nil {
						if rep := n.visit(s, base+"Request", o.pointer()+"/requestBody", false); rep != nil {
							m["schema"] = rep
						}
					}
				}
			}
			resps := asMap(o.op["responses"])
			// Success bodies first, so that they keep the plain
			// <Operation>Response name whatever the other answers hold.
			codes := sortedKeys(resps)
			sort.SliceStable(codes, func(i, j int) bool {
				return strings.HasPrefix(codes[i], "2") && !strings.HasPrefix(codes[j], "2")
			})
			for _, code := range codes {
				name := base + responseBodyWord(code) + "Response"
				content := asMap(asMap(resps[code])["content"])
				for _, mt := range sortedKeys(content) {
					m := asMap(content[mt])
					s := asMap(m["schema"])
					if s == nil || !isJSONMediaType(mt) {
						continue
					}
					where := o.pointer() + "/responses/" + code
					if rep := n.visit(s, name, where, false); rep != nil {
						m["schema"] = rep
						continue
					}
					if s["$ref"] == nil && (s["properties"] != nil || s["allOf"] != nil) {
						m["schema"] = n.hoistBody(s, name, where, original)
					}
				}
			}
		}
		return nil
	},
}

// responseBodyWord says which answer of an operation a response code is, for
// the name of its body: nothing for a success (CreateContactResponse), the
// status text otherwise (UnprocessableEntity, ClientError, Default).
func responseBodyWord(code string) string {
	if strings.HasPrefix(code, "2") {
		return ""
	}
	if n, err := strconv.Atoi(code); err == nil {
		if text := http.StatusText(n); text != "" {
			return goWords(text)
		}
		return "Status" + code
	}
	switch strings.ToUpper(code) {
	case "1XX":
		return "Informational"
	case "3XX":
		return "Redirect"
	case "4XX":
		return "ClientError"
	case "5XX":
		return "ServerError"
	}
	return goWords(code)
}

type namer struct {
	doc     Doc
	schemas map[string]any
	taken   map[string]bool
	r       *Report
}

// unique returns name, or name with a suffix when a type has it already.
func (n *namer) unique(name string) string {
	if !n.taken[name] {
		return name
	}
	for i := 2; ; i++ {
		if c := fmt.Sprintf("%sAlt%d", name, i); !n.taken[c] {
			return c
		}
	}
}

// hoist stores s as a component named name and returns the reference that
// replaces it.
func (n *namer) hoist(s map[string]any, name, where string) map[string]any {
	name = n.unique(name)
	n.taken[name] = true
	n.schemas[name] = s
	n.r.Add(where, "#/components/schemas/%s", name)
	return map[string]any{"$ref": "#/components/schemas/" + escapePointer(name)}
}

// visit names what needs a name inside s, whose Go name is name. top says
// s is a component already. It returns s's replacement, or nil to keep it.
func (n *namer) visit(s map[string]any, name, ptr string, top bool) map[string]any {
	if s == nil || s["$ref"] != nil {
		return nil
	}
	var replacement map[string]any
	for _, key := range []string{"oneOf", "anyOf"} {
		variants := asSlice(s[key])
		if len(variants) == 1 && onlyAnnotations(s, key) {
			v := asMap(variants[0])
			if v == nil {
				break
			}
			delete(s, key)
			if ref := asString(v["$ref"]); ref != "" {
				out := map[string]any{"$ref": ref}
				if s["nullable"] == true {
					out = map[string]any{"allOf": []any{map[string]any{"$ref": ref}}, "nullable": true}
					if t := goTypeForRef(n.doc, ref); t != "" {
						out["x-go-type"] = t
					}
				}
				n.r.Add(ptr, "one-variant %s is %s", key, ref)
				return out
			}
			for k, val := range v {
				if _, has := s[k]; !has || k == "type" {
					s[k] = val
				}
			}
			n.r.Add(ptr, "one-variant %s is its variant", key)
		}
	}
	props := asMap(s["properties"])
	for _, p := range sortedKeys(props) {
		if rep := n.visit(asMap(props[p]), name+goWords(p), ptr+"/properties/"+escapePointer(p), false); rep != nil {
			props[p] = rep
		}
	}
	if rep := n.visit(asMap(s["items"]), name+"Item", ptr+"/items", false); rep != nil {
		s["items"] = rep
	}
	if rep := n.visit(asMap(s["additionalProperties"]), name+"Value", ptr+"/additionalProperties", false); rep != nil {
		s["additionalProperties"] = rep
	}
	for _, m := range asSlice(s["allOf"]) {
		n.visit(asMap(m), name, ptr+"/allOf", true)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if variants := asSlice(s[key]); len(variants) > 1 && allConstraintOnly(variants) {
			// Variants that only list required properties of the object
			// itself ("id required", "email required") add nothing a Go
			// type can hold: the struct has every field already.
			var titles []string
			for _, v := range variants {
				if t := asString(asMap(v)["title"]); t != "" {
					titles = append(titles, t)
				}
			}
			delete(s, key)
			if len(titles) > 0 {
				note := "Exactly one of these applies: " + strings.Join(titles, "; ") + "."
				if d := asString(s["description"]); d != "" {
					note = d + "\n\n" + note
				}
				s["description"] = note
			}
			n.r.Add(ptr, "%s of required-property lists dropped from the Go type", key)
		}
	}
	isUnion := false
	for _, key := range []string{"oneOf", "anyOf"} {
		variants := asSlice(s[key])
		if len(variants) < 2 {
			continue
		}
		isUnion = true
		descs := make([]string, len(variants))
		seen := map[string]int{}
		for i, v := range variants {
			descs[i] = n.describe(asMap(v))
			seen[descs[i]]++
		}
		for i, v := range variants {
			vm := asMap(v)
			if vm == nil || vm["$ref"] != nil {
				continue
			}
			desc := descs[i]
			if seen[desc] > 1 {
				desc = fmt.Sprintf("%s%d", desc, i+1)
			}
			vname := name + trimShared(name, desc)
			if rep := n.visit(vm, vname, fmt.Sprintf("%s/%s/%d", ptr, key, i), true); rep != nil {
				vm = rep
			}
			variants[i] = n.hoist(vm, vname, fmt.Sprintf("%s/%s/%d", ptr, key, i))
		}
	}
	if isUnion && !top {
		out := n.hoist(s, name, ptr)
		if s["nullable"] == true {
			ref := asString(out["$ref"])
			out = map[string]any{"allOf": []any{out}, "nullable": true}
			if t := goTypeForRef(n.doc, ref); t != "" {
				out["x-go-type"] = t
			}
		}
		replacement = out
	}
	return replacement
}

// onlyAnnotations reports whether s holds nothing but the union under key
// and keywords that describe rather than constrain.
func onlyAnnotations(s map[string]any, key string) bool {
	for k := range s {
		switch k {
		case key, "description", "title", "nullable", "example", "type", "deprecated":
		default:
			if !strings.HasPrefix(k, "x-") {
				return false
			}
		}
	}
	return true
}

// describe says in a word or two what a union variant is.
func (n *namer) describe(v map[string]any) string {
	if v == nil {
		return "Any"
	}
	if ref := asString(v["$ref"]); ref != "" {
		return goTypeForRef(n.doc, ref)
	}
	if t := goWords(asString(v["title"])); t != "" {
		return t
	}
	props := asMap(v["properties"])
	if tp := asMap(props["type"]); tp != nil {
		if e := asSlice(tp["enum"]); len(e) == 1 {
			if w := goWords(fmt.Sprint(e[0])); w != "" {
				return w
			}
		}
	}
	switch asString(v["type"]) {
	case "string":
		switch asString(v["format"]) {
		case "date-time":
			return "Time"
		case "date":
			return "Date"
		}
		return "String"
	case "integer":
		return "Int"
	case "number":
		return "Number"
	case "boolean":
		return "Bool"
	case "array":
		return n.describe(asMap(v["items"])) + "List"
	}
	var names []string
	for _, req := range asSlice(v["required"]) {
		names = append(names, asString(req))
	}
	if len(names) == 0 {
		names = sortedKeys(props)
	}
	if len(names) > 0 && len(names) <= 3 {
		var b strings.Builder
		for i, p := range names {
			if i > 0 {
				b.WriteString("And")
			}
			b.WriteString(goWords(p))
		}
		return b.String()
	}
	if props != nil || asString(v["type"]) == "object" {
		return "Object"
	}
	return "Any"
}

// allConstraintOnly reports whether every variant only constrains the
// enclosing object (required, title, description) without a shape of its
// own.
func allConstraintOnly(variants []any) bool {
	for _, v := range variants {
		vm := asMap(v)
		if vm == nil {
			return false
		}
		for k := range vm {
			switch k {
			case "required", "title", "description":
			default:
				return false
			}
		}
	}
	return true
}

// enumConstantNames approximates the names of the enum constants
// oapi-codegen declares for component schemas' properties, so that a
// hoisted schema never takes one.
func enumConstantNames(doc Doc, taken map[string]bool) {
	schemas := asMap(asMap(doc["components"])["schemas"])
	var visit func(s map[string]any, name string)
	visit = func(s map[string]any, name string) {
		for _, v := range asSlice(s["enum"]) {
			taken[name+goWords(fmt.Sprint(v))] = true
		}
		props := asMap(s["properties"])
		for _, p := range sortedKeys(props) {
			visit(asMap(props[p]), name+goWords(p))
		}
		if items := asMap(s["items"]); items != nil {
			visit(items, name+"Item")
		}
	}
	for _, name := range sortedKeys(schemas) {
		visit(asMap(schemas[name]), codegen.SchemaNameToTypeName(name))
	}
}

// hoistBody names an inline success body: the spec's own component when the
// body equals one, otherwise a new component called name.
func (n *namer) hoistBody(s map[string]any, name, where string, original map[string]any) map[string]any {
	for _, existing := range sortedKeys(original) {
		if reflect.DeepEqual(original[existing], s) {
			n.r.Add(where, "#/components/schemas/%s (equal)", existing)
			return map[string]any{"$ref": "#/components/schemas/" + escapePointer(existing)}
		}
	}
	return n.hoist(s, name, where)
}

var camelWord = regexp.MustCompile(`[A-Z][a-z0-9]*|[a-z0-9]+`)

// trimShared drops from desc the leading words that name starts or ends
// with, so a variant titled like its union is not named twice
// (RedactConversationRequest + RedactConversationPartRequest becomes
// RedactConversationRequestPartRequest).
func trimShared(name, desc string) string {
	nw, dw := camelWord.FindAllString(name, -1), camelWord.FindAllString(desc, -1)
	common := 0
	for common < len(nw) && common < len(dw)-1 && nw[common] == dw[common] {
		common++
	}
	if common > 0 {
		return strings.Join(dw[common:], "")
	}
	for k := min(len(nw), len(dw)-1); k > 0; k-- {
		if strings.Join(nw[len(nw)-k:], "") == strings.Join(dw[:k], "") {
			return strings.Join(dw[k:], "")
		}
	}
	return desc
}
