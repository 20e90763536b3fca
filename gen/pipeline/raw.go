package pipeline

import (
	"fmt"
	"sort"
	"strings"
)

// rawImport is the import the embedded intercom.Raw field needs.
const rawImport = "\t\"github.com/intercomgo/intercom\"\n"

// MarkRaw records that the named type of the package is returned by a
// typed method or iterator, so that it embeds intercom.Raw and its values
// can read the JSON they came from. Pointers and non-struct types are
// ignored when the field is injected.
func (r *Result) MarkRaw(typ string) {
	typ = strings.TrimPrefix(typ, "*")
	if typ == "" || strings.ContainsAny(typ, "[]{} .") {
		return
	}
	if r.RawTypes == nil {
		r.RawTypes = map[string]bool{}
	}
	r.RawTypes[typ] = true
}

// injectRaw embeds intercom.Raw in each named struct type of api.gen.go
// listed in types. A struct that already has a field named Raw keeps its
// own: the embedded field would collide with it.
func injectRaw(api string, types map[string]bool) (string, error) {
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	injected := 0
	for _, n := range names {
		head := "\ntype " + n + " struct {\n"
		i := strings.Index(api, head)
		if i < 0 {
			continue // not a struct type (a slice, a map, a union alias)
		}
		body := api[i+len(head):]
		end := strings.Index(body, "\n}\n")
		if end < 0 || strings.Contains(body[:end+1], "\n\tRaw ") || strings.HasPrefix(body, "\tRaw ") {
			continue
		}
		field := "\t// Raw gives access to the JSON this value was decoded from.\n\tintercom.Raw `json:\"-\"`\n\n"
		api = api[:i+len(head)] + field + api[i+len(head):]
		injected++
	}
	if injected == 0 {
		return api, nil
	}
	// The import joins the block's group of non-standard imports (a
	// package with no parameters to style may have none, and then it ends
	// the block).
	const anchor = "\nimport (\n"
	if strings.Count(api, anchor) != 1 {
		return "", fmt.Errorf("oapi-codegen's output changed shape: expected one import block; update injectRaw")
	}
	start := strings.Index(api, anchor) + len(anchor)
	end := strings.Index(api[start:], "\n)\n")
	if end < 0 {
		return "", fmt.Errorf("oapi-codegen's output changed shape: the import block does not end; update injectRaw")
	}
	at := start + end + 1
	for off := start; off < start+end; {
		line := api[off:]
		line = line[:strings.IndexByte(line, '\n')]
		if path := strings.Trim(strings.TrimSpace(line), `"`); strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
			at = off
			break
		}
		off += len(line) + 1
	}
	return api[:at] + rawImport + api[at:], nil
}
