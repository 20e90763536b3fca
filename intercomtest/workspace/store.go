package workspace

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// record is one stored object, at the JSON level.
type record = map[string]any

// table keeps records in creation order.
type table struct {
	ids  []string
	rows map[string]record
}

func newTable() *table { return &table{rows: map[string]record{}} }

func (t *table) put(id string, r record) {
	if _, exists := t.rows[id]; !exists {
		t.ids = append(t.ids, id)
	}
	t.rows[id] = r
}

func (t *table) get(id string) (record, bool) {
	r, ok := t.rows[id]
	return r, ok
}

func (t *table) remove(id string) {
	if _, ok := t.rows[id]; !ok {
		return
	}
	delete(t.rows, id)
	t.ids = slices.DeleteFunc(t.ids, func(s string) bool { return s == id })
}

// all returns the records in creation order.
func (t *table) all() []record {
	out := make([]record, 0, len(t.ids))
	for _, id := range t.ids {
		out = append(out, t.rows[id])
	}
	return out
}

func (t *table) find(match func(record) bool) (record, bool) {
	for _, id := range t.ids {
		if r := t.rows[id]; match(r) {
			return r, true
		}
	}
	return nil, false
}

// store is everything a workspace holds.
type store struct {
	counter    int64
	app        record
	admins     *table
	teams      *table
	contacts   *table
	companies  *table
	tags       *table
	notes      *table
	convs      *table
	tickets    *table
	ticketType *table
	attributes *table
	exports    *table
	events     []record
	// contactTags and contactCompanies hold the ids attached to a contact.
	contactTags      map[string][]string
	contactCompanies map[string][]string
	// users maps a user's email and external_id (userKeys) to its id.
	users  map[string]string
	scroll *scroll
}

// scroll is the one companies scroll a workspace allows at a time.
type scroll struct {
	param   string
	offset  int
	expires time.Time
}

func newStore() *store {
	return &store{
		counter: 1000000,
		admins:  newTable(), teams: newTable(), contacts: newTable(), companies: newTable(),
		tags: newTable(), notes: newTable(), convs: newTable(), tickets: newTable(),
		ticketType: newTable(), attributes: newTable(), exports: newTable(),
		contactTags: map[string][]string{}, contactCompanies: map[string][]string{},
		users: map[string]string{},
	}
}

// Limits on page sizes, as Intercom applies them.
const (
	defaultPerPage = 50
	maxPerPage     = 150
)

// cursor is an opaque starting_after: the offset of the next item.
func encodeCursor(offset int) string {
	data, _ := json.Marshal([]int{offset})
	return base64.RawURLEncoding.EncodeToString(data)
}

func decodeCursor(s string) (int, bool) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	var v []int
	if json.Unmarshal(data, &v) != nil || len(v) != 1 || v[0] < 0 {
		return 0, false
	}
	return v[0], true
}

// perPage reads a page size, capping it at max.
func perPage(v any, def, max int) (int, *apiError) {
	if v == nil {
		return def, nil
	}
	n, ok := toInt(v)
	if !ok || n < 1 {
		return 0, invalid("per_page", "per_page must be a positive integer")
	}
	return min(n, max), nil
}

// cursorPage cuts items into the page starting at starting_after and
// returns it with Intercom's pages object.
func cursorPage(items []record, size int, startingAfter string) ([]record, record, *apiError) {
	offset := 0
	if startingAfter != "" {
		o, ok := decodeCursor(startingAfter)
		if !ok {
			return nil, nil, invalid("starting_after", "starting_after is not a cursor this workspace handed out")
		}
		offset = min(o, len(items))
	}
	end := min(offset+size, len(items))
	pages := record{
		"type":        "pages",
		"page":        float64(offset/size + 1),
		"per_page":    float64(size),
		"total_pages": float64(max(1, int(math.Ceil(float64(len(items))/float64(size))))),
	}
	if end < len(items) {
		pages["next"] = record{"per_page": float64(size), "starting_after": encodeCursor(end)}
	}
	return items[offset:end], pages, nil
}

// queryPage cuts items into the page a list request asks for with its
// per_page (def when absent) and starting_after query parameters.
func queryPage(c *call, items []record, def int) ([]record, record, *apiError) {
	size, err := perPage(queryValue(c, "per_page"), def, maxPerPage)
	if err != nil {
		return nil, nil, err
	}
	return cursorPage(items, size, c.query.Get("starting_after"))
}

// numberPage cuts items into page number page (from 1).
func numberPage(items []record, page, size int) ([]record, record) {
	page = max(page, 1)
	start := min((page-1)*size, len(items))
	end := min(start+size, len(items))
	return items[start:end], record{
		"type":        "pages",
		"page":        float64(page),
		"per_page":    float64(size),
		"total_pages": float64(int(math.Ceil(float64(len(items)) / float64(size)))),
	}
}

func queryInt(q url.Values, key string, def int) (int, *apiError) {
	s := q.Get(key)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, invalid(key, key+" must be a positive integer")
	}
	return n, nil
}

// toInt reads a JSON number (or a numeric string) as an int.
func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) {
			return 0, false
		}
		return int(x), true
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	case bool:
		return 0, false
	}
	return 0, false
}

// str reads a string field; "" when absent or not a string.
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// idOf reads an id that may be sent as a string or a number.
func idOf(m map[string]any, key string) string {
	switch x := m[key].(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// link adds id to the ids m holds for key (a contact's tags or
// companies) unless it is there already, and reports whether it was added.
func link(m map[string][]string, key, id string) bool {
	if slices.Contains(m[key], id) {
		return false
	}
	m[key] = append(m[key], id)
	return true
}

func listOf(items []record) []any {
	out := make([]any, len(items))
	for i, r := range items {
		out[i] = r
	}
	return out
}

func (t *table) len() int { return len(t.ids) }
