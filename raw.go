package intercom

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
)

// Raw gives a decoded value access to the JSON it was decoded from, so that
// fields the types do not model (a contact's sms_consent, say) can be read
// without a second request. The version packages embed it in the result
// type of every typed method and in the item type of every iterator; it is
// filled by the typed call (or iterator) that returned the value and is
// empty in values built any other way. It holds a reference to the
// response body, not a copy, and locates an iterator item's JSON only when
// asked. encoding/json ignores it.
type Raw struct {
	src *rawSource
	// ptr is the JSON Pointer of the value within the body ("" for the
	// body itself, "/data/3" for an item).
	ptr string
}

// rawSource is one response body, shared by the values decoded from it.
type rawSource struct {
	body       []byte
	mismatches []Mismatch

	items map[string][]json.RawMessage // arrays split on first use, by pointer
	mu    sync.Mutex
}

// rawHolder is implemented by every type that embeds Raw.
type rawHolder interface{ setRaw(*rawSource, string) }

func (r *Raw) setRaw(src *rawSource, ptr string) { r.src, r.ptr = src, ptr }

// attachRaw points v's embedded Raw, if it has one, at the body.
func attachRaw(v any, src *rawSource) {
	if h, ok := v.(rawHolder); ok {
		h.setRaw(src, "")
	}
}

// RawJSON returns the JSON the value was decoded from, exactly as received,
// or nil for a value that did not come from a response.
func (r Raw) RawJSON() json.RawMessage {
	if r.src == nil {
		return nil
	}
	if r.ptr == "" {
		return r.src.body
	}
	return r.src.locate(r.ptr)
}

// RawField returns the JSON of the value's member at path (object keys,
// or array indexes written as numbers), for example
// RawField("sms_consent") or RawField("custom_attributes", "plan"). ok is
// false when the value did not come from a response or has no such member.
func (r Raw) RawField(path ...string) (json.RawMessage, bool) {
	cur := r.RawJSON()
	if cur == nil {
		return nil, false
	}
	for _, key := range path {
		next, ok := member(cur, key)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// Mismatches returns the places where the value's JSON disagreed with its
// Go type (see Decode), with paths relative to the whole response body.
func (r Raw) Mismatches() []Mismatch {
	if r.src == nil {
		return nil
	}
	if r.ptr == "" {
		return r.src.mismatches
	}
	var out []Mismatch
	for _, m := range r.src.mismatches {
		if m.Path == r.ptr || strings.HasPrefix(m.Path, r.ptr+"/") {
			out = append(out, m)
		}
	}
	return out
}

// member returns the JSON of one object key or array index of doc.
func member(doc json.RawMessage, key string) (json.RawMessage, bool) {
	doc = bytes.TrimSpace(doc)
	if len(doc) == 0 {
		return nil, false
	}
	switch doc[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(doc, &obj) != nil {
			return nil, false
		}
		v, ok := obj[key]
		return v, ok
	case '[':
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 {
			return nil, false
		}
		var arr []json.RawMessage
		if json.Unmarshal(doc, &arr) != nil || i >= len(arr) {
			return nil, false
		}
		return arr[i], true
	}
	return nil, false
}

// locate returns the JSON at ptr, an array element "<array pointer>/<i>".
// Each array is split once and shared by all its items, so reading the raw
// JSON of every item of a page costs one pass over the page.
func (s *rawSource) locate(ptr string) json.RawMessage {
	cut := strings.LastIndexByte(ptr, '/')
	if cut < 0 {
		return nil
	}
	arrPtr := ptr[:cut]
	i, err := strconv.Atoi(ptr[cut+1:])
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items == nil {
		s.items = map[string][]json.RawMessage{}
	}
	arr, ok := s.items[arrPtr]
	if !ok {
		cur := json.RawMessage(s.body)
		if arrPtr != "" {
			for _, tok := range strings.Split(arrPtr[1:], "/") {
				next, ok := member(cur, unescapeToken(tok))
				if !ok {
					cur = nil
					break
				}
				cur = next
			}
		}
		if cur != nil {
			_ = json.Unmarshal(cur, &arr)
		}
		s.items[arrPtr] = arr
	}
	if i < 0 || i >= len(arr) {
		return nil
	}
	return arr[i]
}

func unescapeToken(t string) string {
	if !strings.Contains(t, "~") {
		return t
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
}

// ItemsPointer returns the JSON Pointer of the array that holds a page's
// items, from the path of JSON names the version packages record.
func ItemsPointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(escapeToken(p))
	}
	return b.String()
}

// rawOf returns the source of a value that embeds Raw, or nil.
func rawOf(v any) *rawSource {
	if r, ok := v.(interface{ rawSource() *rawSource }); ok {
		return r.rawSource()
	}
	return nil
}

func (r *Raw) rawSource() *rawSource { return r.src }

// attachItemRaw points the Raw of *item (an item type that embeds Raw, or
// a pointer to one) at element i of the page's items array.
func attachItemRaw[T any](item *T, src *rawSource, itemsPtr string, i int) {
	if src == nil {
		return
	}
	h, ok := any(*item).(rawHolder) // a pointer item
	if !ok {
		h, ok = any(item).(rawHolder)
	}
	if ok {
		h.setRaw(src, itemsPtr+"/"+strconv.Itoa(i))
	}
}
