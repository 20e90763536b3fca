package workspace

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Limits of Intercom's search query language.
const (
	maxNesting      = 2  // groups inside groups
	maxGroupFilters = 15 // filters in one AND or OR group
)

// filter is a parsed search query: a group (AND or OR over subs) or a
// single comparison of field with value.
type filter struct {
	group string
	subs  []*filter
	field string
	op    string
	value any
}

var operators = []string{"=", "!=", "IN", "NIN", "<", ">", "~", "!~", "^", "$"}

// parseQuery checks a search query as Intercom does and parses it. level
// counts the groups around q.
func parseQuery(q any, level int) (*filter, *apiError) {
	m, isObject := q.(map[string]any)
	if !isObject {
		return nil, invalid("query", "query must be an object with field, operator and value, or operator AND/OR and a value list")
	}
	op, _ := m["operator"].(string)
	if op == "AND" || op == "OR" {
		if level >= maxNesting {
			return nil, invalid("query", fmt.Sprintf("query nests groups deeper than %d levels, the most Intercom allows: flatten it", maxNesting))
		}
		list, isList := m["value"].([]any)
		if !isList || len(list) == 0 {
			return nil, invalid("query", "an "+op+" group needs a non-empty list of filters as its value")
		}
		if len(list) > maxGroupFilters {
			return nil, invalid("query", fmt.Sprintf("an %s group holds %d filters; Intercom allows at most %d per group", op, len(list), maxGroupFilters))
		}
		f := &filter{group: op}
		for _, sub := range list {
			sf, err := parseQuery(sub, level+1)
			if err != nil {
				return nil, err
			}
			f.subs = append(f.subs, sf)
		}
		return f, nil
	}
	field, _ := m["field"].(string)
	if field == "" {
		return nil, invalid("query", "a filter needs a field (or an AND/OR operator with a list of filters)")
	}
	if !slices.Contains(operators, op) {
		return nil, invalid("query", fmt.Sprintf("operator %q is not one of %s, AND, OR", op, strings.Join(operators, " ")))
	}
	value, has := m["value"]
	if !has {
		return nil, invalid("query", fmt.Sprintf("the filter on %q has no value (use null to match a missing one)", field))
	}
	switch op {
	case "IN", "NIN":
		if _, isList := value.([]any); !isList {
			return nil, invalid("query", fmt.Sprintf("operator %s on %q needs a list value", op, field))
		}
	case "<", ">":
		if _, isNum := toFloat(value); !isNum {
			return nil, invalid("query", fmt.Sprintf("operator %s on %q needs a number or a timestamp", op, field))
		}
	case "~", "!~", "^", "$":
		if _, isStr := value.(string); !isStr {
			return nil, invalid("query", fmt.Sprintf("operator %s on %q needs a string value", op, field))
		}
	}
	return &filter{field: field, op: op, value: value}, nil
}

// match evaluates the filter against a record.
func (f *filter) match(r record) bool {
	switch f.group {
	case "AND":
		for _, s := range f.subs {
			if !s.match(r) {
				return false
			}
		}
		return true
	case "OR":
		for _, s := range f.subs {
			if s.match(r) {
				return true
			}
		}
		return false
	}
	values := resolve(r, strings.Split(f.field, "."))
	isTime := strings.HasSuffix(f.field, "_at")
	switch f.op {
	case "!=", "NIN", "!~":
		// Negative operators hold when no value matches the positive one.
		pos := map[string]string{"!=": "=", "NIN": "IN", "!~": "~"}[f.op]
		for _, v := range values {
			if compare(pos, v, f.value, isTime) {
				return false
			}
		}
		return true
	default:
		for _, v := range values {
			if compare(f.op, v, f.value, isTime) {
				return true
			}
		}
		return false
	}
}

// resolve returns the values at a dotted path; a list on the way yields
// each element's value, and a missing value yields nil.
func resolve(v any, path []string) []any {
	if len(path) == 0 {
		if list, isList := v.([]any); isList {
			return list
		}
		if list, isList := v.([]string); isList {
			out := make([]any, len(list))
			for i, s := range list {
				out[i] = s
			}
			return out
		}
		return []any{v}
	}
	switch x := v.(type) {
	case map[string]any:
		return resolve(x[path[0]], path[1:])
	case []any:
		var out []any
		for _, e := range x {
			out = append(out, resolve(e, path)...)
		}
		return out
	}
	return []any{nil}
}

// day turns a Unix timestamp into a day number: Intercom compares
// timestamps in searches by day.
func day(f float64) float64 { return math.Floor(f / 86400) }

func compare(op string, have, want any, isTime bool) bool {
	switch op {
	case "=":
		return equal(have, want, isTime)
	case "IN":
		for _, w := range want.([]any) {
			if equal(have, w, isTime) {
				return true
			}
		}
		return false
	case "<", ">":
		h, ok1 := toFloat(have)
		w, ok2 := toFloat(want)
		if !ok1 || !ok2 {
			return false
		}
		if isTime {
			h, w = day(h), day(w)
		}
		if op == "<" {
			return h < w
		}
		return h > w
	case "~", "^", "$":
		h, isStr := have.(string)
		if !isStr {
			return false
		}
		h, w := lower(h), lower(want.(string))
		switch op {
		case "~":
			return strings.Contains(h, w)
		case "^":
			return strings.HasPrefix(h, w)
		default:
			return strings.HasSuffix(h, w)
		}
	}
	return false
}

func equal(have, want any, isTime bool) bool {
	if want == nil || have == nil {
		return want == nil && have == nil
	}
	switch h := have.(type) {
	case string:
		if w, isStr := want.(string); isStr {
			return lower(h) == lower(w)
		}
		if w, isNum := want.(float64); isNum {
			f, ok := toFloat(h)
			return ok && f == w
		}
	case float64:
		w, ok := toFloat(want)
		if !ok {
			return false
		}
		if isTime {
			return day(h) == day(w)
		}
		return h == w
	case bool:
		switch w := want.(type) {
		case bool:
			return h == w
		case string:
			return fmt.Sprint(h) == lower(w)
		}
	}
	return false
}

// search runs a search body (query, pagination, sort) over items.
func search(items []record, body map[string]any) ([]record, record, int, *apiError) {
	q, has := body["query"]
	if !has {
		return nil, nil, 0, &apiError{Status: 400, Code: "parameter_not_found", Message: "a search needs a query", Field: "query"}
	}
	f, err := parseQuery(q, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	var hits []record
	for _, r := range items {
		if f.match(r) {
			hits = append(hits, r)
		}
	}
	if s, isObj := body["sort"].(map[string]any); isObj {
		field := strings.Split(str(s, "field"), ".")
		desc := str(s, "order") == "descending"
		slices.SortStableFunc(hits, func(a, b record) int {
			c := compareAny(first(resolve(a, field)), first(resolve(b, field)))
			if desc {
				return -c
			}
			return c
		})
	}
	pag, _ := body["pagination"].(map[string]any)
	size, perr := perPage(pag["per_page"], defaultPerPage, maxPerPage)
	if perr != nil {
		return nil, nil, 0, perr
	}
	page, pages, perr := cursorPage(hits, size, str(pag, "starting_after"))
	if perr != nil {
		return nil, nil, 0, perr
	}
	return page, pages, len(hits), nil
}

func first(vs []any) any {
	if len(vs) == 0 {
		return nil
	}
	return vs[0]
}

func compareAny(a, b any) int {
	fa, okA := toFloat(a)
	fb, okB := toFloat(b)
	if okA && okB {
		return cmp.Compare(fa, fb)
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}
