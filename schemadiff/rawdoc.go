package schemadiff

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// rawDoc is a spec as plain JSON values. The calibration rules look flags
// up in it (is this property required here, nullable there) on both sides
// and in the neighbouring versions, without the cost of a full load.
type rawDoc struct {
	name string
	root map[string]any
	// ops maps "GET /contacts/{}" (path parameters unnamed) to the
	// operation and the path item it is in.
	ops map[string]rawOp
	// refs and payloads cache lookups the calibration repeats for every
	// finding.
	refs     map[string]map[string]any
	payloads map[string]map[string]any
}

type rawOp struct {
	path string // the path as written, "/contacts/{id}"
	item map[string]any
	op   map[string]any
}

var pathParamRE = regexp.MustCompile(`\{[^}]*\}`)

// opMatchKey is the key operations are matched by across versions: the
// method and the path with its parameters unnamed, so that /contacts/{id}
// and /contacts/{contact_id} are the same operation.
func opMatchKey(method, path string) string {
	var b strings.Builder
	b.Grow(len(method) + 1 + len(path))
	b.WriteString(strings.ToUpper(method))
	b.WriteByte(' ')
	for i := 0; i < len(path); i++ {
		b.WriteByte(path[i])
		if path[i] == '{' {
			if j := strings.IndexByte(path[i:], '}'); j > 0 {
				i += j - 1
			}
		}
	}
	return b.String()
}

// matchKey turns an "METHOD /path" key into its match key.
func matchKey(op string) string {
	m, p, _ := strings.Cut(op, " ")
	return opMatchKey(m, p)
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// parseRaw reads a spec as JSON, or YAML when it is not JSON.
func parseRaw(name string, data []byte) (*rawDoc, error) {
	root, err := decodeDoc(data)
	if err != nil {
		return nil, &SpecError{Name: name, Err: err}
	}
	return newRawDoc(name, root), nil
}

// newRawDoc indexes a document's operations.
func newRawDoc(name string, root map[string]any) *rawDoc {
	d := &rawDoc{name: name, root: root, ops: map[string]rawOp{}, refs: map[string]map[string]any{}, payloads: map[string]map[string]any{}}
	paths, _ := root["paths"].(map[string]any)
	for p, v := range paths {
		item, _ := v.(map[string]any)
		for _, m := range httpMethods {
			if op, ok := item[m].(map[string]any); ok {
				d.ops[opMatchKey(m, p)] = rawOp{path: p, item: item, op: op}
			}
		}
	}
	return d
}

// deref follows $ref chains inside the document.
func (d *rawDoc) deref(m map[string]any) map[string]any {
	for range 32 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		next := d.pointer(ref)
		if next == nil {
			return nil
		}
		m = next
	}
	return nil
}

// pointer resolves a local JSON pointer ("#/components/schemas/contact").
func (d *rawDoc) pointer(ref string) map[string]any {
	if m, ok := d.refs[ref]; ok {
		return m
	}
	m := d.resolvePointer(ref)
	if d.refs != nil {
		d.refs[ref] = m
	}
	return m
}

func (d *rawDoc) resolvePointer(ref string) map[string]any {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	var cur any = d.root
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

// mapAt returns m[keys[0]][keys[1]]..., dereferencing on the way.
func (d *rawDoc) mapAt(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		if m == nil {
			return nil
		}
		m = d.deref(m)
		if m == nil {
			return nil
		}
		m, _ = m[k].(map[string]any)
	}
	if m == nil {
		return nil
	}
	return d.deref(m)
}

// jsonMedia returns the JSON media type of a content map (see
// jsonMediaKey).
func jsonMedia(content map[string]any) map[string]any {
	m, _ := content[jsonMediaKey(content)].(map[string]any)
	return m
}

// jsonMediaKey names the JSON media type of a content map:
// application/json first, then any other JSON type, then the first there
// is; "" for none.
func jsonMediaKey(content map[string]any) string {
	if len(content) == 0 {
		return ""
	}
	if _, ok := content["application/json"].(map[string]any); ok {
		return "application/json"
	}
	keys := slices.Sorted(maps.Keys(content))
	for _, k := range keys {
		if strings.Contains(k, "json") {
			return k
		}
	}
	return keys[0]
}

// payload returns the schema of an operation's request body or of one of
// its responses.
func (d *rawDoc) payload(opKey string, s side, status string) map[string]any {
	key := opKey + "\x00" + strconv.Itoa(int(s)) + "\x00" + status
	if m, ok := d.payloads[key]; ok {
		return m
	}
	m := d.findPayload(opKey, s, status)
	if d.payloads != nil {
		d.payloads[key] = m
	}
	return m
}

func (d *rawDoc) findPayload(opKey string, s side, status string) map[string]any {
	o, ok := d.ops[matchKey(opKey)]
	if !ok {
		return nil
	}
	var media map[string]any
	if s == requestSide {
		media = jsonMedia(d.mapAt(o.op, "requestBody", "content"))
	} else {
		media = jsonMedia(d.mapAt(o.op, "responses", status, "content"))
	}
	if media == nil {
		return nil
	}
	return d.mapAt(media, "schema")
}

// members returns a schema's allOf members, dereferenced.
func (d *rawDoc) members(schema map[string]any, key string) []map[string]any {
	list, _ := schema[key].([]any)
	var out []map[string]any
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			if m = d.deref(m); m != nil {
				out = append(out, m)
			}
		}
	}
	return out
}

// property finds a property of a schema's effective shape: its own
// properties, then those of its allOf members. It returns the property
// and the schema that declares it.
func (d *rawDoc) property(schema map[string]any, name string, depth int) map[string]any {
	if schema == nil || depth > 16 {
		return nil
	}
	if props, ok := schema["properties"].(map[string]any); ok {
		if p, ok := props[name].(map[string]any); ok {
			return d.deref(p)
		}
	}
	for _, m := range d.members(schema, "allOf") {
		if p := d.property(m, name, depth+1); p != nil {
			return p
		}
	}
	return nil
}

// required reports whether a schema's effective shape requires name.
func (d *rawDoc) required(schema map[string]any, name string, depth int) bool {
	if schema == nil || depth > 16 {
		return false
	}
	if list, ok := schema["required"].([]any); ok && slices.Contains(list, any(name)) {
		return true
	}
	for _, m := range d.members(schema, "allOf") {
		if d.required(m, name, depth+1) {
			return true
		}
	}
	return false
}

var (
	compositionStep = regexp.MustCompile(`^(allOf|anyOf|oneOf)\[(.*)\]$`)
	subschemaIndex  = regexp.MustCompile(`^subschema #([0-9]+)`)
)

// walk follows an oasdiff property path ("data/items/name") from a payload
// schema. It returns the schema at the path and the schema whose property
// the last step is, with the property's name.
func (d *rawDoc) walk(schema map[string]any, path string) (node, parent map[string]any, name string) {
	node = schema
	path = strings.TrimSuffix(path, "/")
	if path == "" {
		return node, nil, ""
	}
	for _, step := range strings.Split(path, "/") {
		if node == nil {
			return nil, nil, ""
		}
		if m := compositionStep.FindStringSubmatch(step); m != nil {
			ref := m[2]
			if i := strings.Index(ref, "#/components/schemas/"); i >= 0 {
				ref = ref[i:]
				if j := strings.IndexAny(ref, ", "); j >= 0 {
					ref = ref[:j]
				}
				node, parent, name = d.pointer(ref), nil, ""
				continue
			}
			// "subschema #2: Title": the second member.
			if n := subschemaIndex.FindStringSubmatch(ref); n != nil {
				i, _ := strconv.Atoi(n[1])
				if members := d.members(node, m[1]); i >= 1 && i <= len(members) {
					node, parent, name = members[i-1], nil, ""
					continue
				}
			}
			return nil, nil, ""
		}
		if step == "additionalProperties" {
			if ap, ok := node["additionalProperties"].(map[string]any); ok && d.property(node, step, 0) == nil {
				node, parent, name = d.deref(ap), nil, ""
				continue
			}
		}
		if step == "items" {
			if it, ok := node["items"].(map[string]any); ok && d.property(node, "items", 0) == nil {
				node, parent, name = d.deref(it), nil, ""
				continue
			}
		}
		parent, name = node, step
		node = d.property(node, step, 0)
	}
	return node, parent, name
}

// parameter finds an operation's parameter by location and name; a path
// parameter it also finds by its position in the path when the name
// differs between versions.
func (d *rawDoc) parameter(opKey, in, name string, posIn string) map[string]any {
	o, ok := d.ops[matchKey(opKey)]
	if !ok {
		return nil
	}
	var all []map[string]any
	for _, src := range []map[string]any{o.item, o.op} {
		list, _ := src["parameters"].([]any)
		for _, v := range list {
			if m, ok := v.(map[string]any); ok {
				if m = d.deref(m); m != nil {
					all = append(all, m)
				}
			}
		}
	}
	for _, p := range slices.Backward(all) {
		if p["in"] == in && p["name"] == name {
			return p
		}
	}
	if in != "path" || posIn == "" {
		return nil
	}
	// The same position in the path: /contacts/{id} and /contacts/{contact_id}.
	want := paramIndex(posIn, name)
	if want < 0 {
		return nil
	}
	names := pathParamRE.FindAllString(o.path, -1)
	if want >= len(names) {
		return nil
	}
	other := strings.Trim(names[want], "{}")
	for _, p := range slices.Backward(all) {
		if p["in"] == "path" && p["name"] == other {
			return p
		}
	}
	return nil
}

// paramIndex is the position of parameter name in a path template.
func paramIndex(path, name string) int {
	for i, n := range pathParamRE.FindAllString(path, -1) {
		if strings.Trim(n, "{}") == name {
			return i
		}
	}
	return -1
}

// typeFormat says a schema's type and format: "string", "integer/int64".
func typeFormat(schema map[string]any) string {
	if schema == nil {
		return ""
	}
	t := fmt.Sprint(schema["type"])
	if schema["type"] == nil {
		t = ""
	}
	if f, ok := schema["format"].(string); ok && f != "" {
		return t + "/" + f
	}
	return t
}

// nullable reports whether a schema allows null: it says so, or every
// member of its allOf does.
func (d *rawDoc) nullable(schema map[string]any, depth int) bool {
	if schema == nil || depth > 16 {
		return false
	}
	if b, _ := schema["nullable"].(bool); b {
		return true
	}
	if list, ok := schema["type"].([]any); ok && slices.Contains(list, any("null")) {
		return true
	}
	members := d.members(schema, "allOf")
	for _, m := range members {
		if !d.nullable(m, depth+1) {
			return false
		}
	}
	return len(members) > 0
}

// successStatus is the status of an operation's one success response with
// a body, for findings that name none.
func (d *rawDoc) successStatus(opKey string) string {
	o, ok := d.ops[matchKey(opKey)]
	if !ok {
		return ""
	}
	responses := d.mapAt(o.op, "responses")
	found := ""
	for status := range responses {
		if strings.HasPrefix(status, "2") && d.mapAt(responses, status, "content") != nil {
			if found != "" {
				return "" // more than one: the finding could be about either
			}
			found = status
		}
	}
	return found
}
