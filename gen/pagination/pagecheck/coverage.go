package pagecheck

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// Paginated lists the operations of an OpenAPI document (as JSON) whose
// success response is paginated, by operationId. It is deliberately broader
// and simpler than the generator's rules, so that it catches what they miss:
// an operation counts when a 2xx JSON response's schema has a "pages" or
// "scroll_param" property, or its JSON request body a "pagination"
// property.
func Paginated(specJSON []byte) (map[string]string, error) {
	var doc map[string]any
	if err := json.Unmarshal(specJSON, &doc); err != nil {
		return nil, fmt.Errorf("pagecheck: spec is not JSON: %w", err)
	}
	out := map[string]string{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method, raw := range ops {
			op, ok := raw.(map[string]any)
			if !ok || !isMethod(method) {
				continue
			}
			id, _ := op["operationId"].(string)
			where := strings.ToUpper(method) + " " + path
			if hasBodyProperty(doc, op, "pagination") {
				out[id] = where
				continue
			}
			responses, _ := op["responses"].(map[string]any)
			for code, r := range responses {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				if s := jsonSchema(doc, r); s != nil {
					p := properties(doc, s, 0)
					// A pages object, a scroll, page numbers at the top
					// level, or a cursor with has_more.
					if p["pages"] != nil || p["scroll_param"] != nil ||
						(p["page"] != nil && p["total_pages"] != nil) ||
						(p["next_cursor"] != nil && p["has_more"] != nil) {
						out[id] = where
					}
				}
			}
		}
	}
	return out, nil
}

func isMethod(m string) bool {
	switch m {
	case "get", "put", "post", "delete", "patch", "head", "options", "trace":
		return true
	}
	return false
}

func hasBodyProperty(doc, op map[string]any, name string) bool {
	s := jsonSchema(doc, op["requestBody"])
	return s != nil && properties(doc, s, 0)[name] != nil
}

// jsonSchema returns the schema of the JSON content of a response or
// request body (following $refs), or nil.
func jsonSchema(doc map[string]any, holder any) map[string]any {
	h := deref(doc, holder, 0)
	content, _ := h["content"].(map[string]any)
	for mt, m := range content {
		if !strings.Contains(mt, "json") {
			continue
		}
		media, _ := m.(map[string]any)
		if s := deref(doc, media["schema"], 0); s != nil {
			return s
		}
	}
	return nil
}

// deref follows local $refs.
func deref(doc map[string]any, v any, depth int) map[string]any {
	m, _ := v.(map[string]any)
	ref, ok := m["$ref"].(string)
	if !ok || depth > 32 {
		return m
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		next, _ := cur.(map[string]any)
		cur = next[part]
	}
	return deref(doc, cur, depth+1)
}

// properties merges a schema's properties with those of its allOf parts.
func properties(doc, s map[string]any, depth int) map[string]any {
	out := map[string]any{}
	if s == nil || depth > 32 {
		return out
	}
	if p, ok := s["properties"].(map[string]any); ok {
		for k, v := range p {
			out[k] = v
		}
	}
	all, _ := s["allOf"].([]any)
	for _, part := range all {
		for k, v := range properties(doc, deref(doc, part, 0), depth+1) {
			out[k] = v
		}
	}
	return out
}

// Coverage fails t with every Problem found.
func Coverage(t testing.TB, specJSON []byte, methods map[string]string, client reflect.Type) {
	t.Helper()
	problems, err := Problems(specJSON, methods, client)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// Problems checks that the client type (a *Client of a version package)
// has, for every paginated operation of specJSON, a method <name>Pages and
// a method <name>All returning iterators, where methods maps operationIds to
// Go method names; and that every such iterator pair belongs to a paginated
// operation. It returns what is wrong, sorted.
func Problems(specJSON []byte, methods map[string]string, client reflect.Type) ([]string, error) {
	paged, err := Paginated(specJSON)
	if err != nil {
		return nil, err
	}
	if len(paged) == 0 {
		return nil, fmt.Errorf("pagecheck: the spec has no paginated operation; the detector no longer matches its shapes")
	}
	var problems []string
	want := map[string]bool{}
	ids := make([]string, 0, len(paged))
	for id := range paged {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		name, ok := methods[id]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s (%s) has no Client method", paged[id], id))
			continue
		}
		want[name] = true
		for _, suffix := range []string{"Pages", "All"} {
			if !isIterator(client, name+suffix) {
				problems = append(problems, fmt.Sprintf("%s (%s) returns a paginated response but the Client has no iterator %s%s: "+
					"extend the rules in gen/pagination so that they recognise its shape", paged[id], id, name, suffix))
			}
		}
	}
	for i := range client.NumMethod() {
		m := client.Method(i)
		base, ok := strings.CutSuffix(m.Name, "Pages")
		if !ok || !isIterator(client, m.Name) {
			continue
		}
		if !want[base] {
			problems = append(problems, fmt.Sprintf("Client.%s iterates over %s, which the spec does not describe as paginated", m.Name, base))
		}
	}
	return problems, nil
}

// isIterator reports whether client has a method name returning an
// iter.Seq2.
func isIterator(client reflect.Type, name string) bool {
	m, ok := client.MethodByName(name)
	if !ok || m.Type.NumOut() != 1 {
		return false
	}
	out := m.Type.Out(0)
	return out.Kind() == reflect.Func && strings.HasPrefix(out.String(), "iter.Seq2[")
}
