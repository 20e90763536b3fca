package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Operator compares a field with a value in a search filter.
type Operator string

// Intercom's search operators. Which of them a field accepts depends on its
// type (the search operation's documentation lists them per field):
// strings take Equals, NotEquals, In, NotIn, Contains, NotContains,
// StartsWith and EndsWith; integers take the comparisons; timestamps take
// Equals, LessThan and GreaterThan.
const (
	Equals              Operator = "="
	NotEquals           Operator = "!="
	In                  Operator = "IN"
	NotIn               Operator = "NIN"
	LessThan            Operator = "<"
	LessThanOrEquals    Operator = "<="
	GreaterThan         Operator = ">"
	GreaterThanOrEquals Operator = ">="
	Contains            Operator = "~"
	NotContains         Operator = "!~"
	StartsWith          Operator = "^"
	EndsWith            Operator = "$"
)

var operators = map[Operator]bool{
	Equals: true, NotEquals: true, In: true, NotIn: true, LessThan: true, LessThanOrEquals: true,
	GreaterThan: true, GreaterThanOrEquals: true, Contains: true, NotContains: true, StartsWith: true, EndsWith: true,
}

// Intercom's documented limits on one search query.
const (
	// MaxSearchNesting is how many AND/OR groups deep a query may go.
	MaxSearchNesting = 2
	// MaxSearchGroupSize is how many filters one AND or OR group may hold.
	MaxSearchGroupSize = 15
)

// Query is a search query for Intercom's search operations (contacts,
// conversations, tickets, in every API version): a single filter made with
// [Where], or a group made with [And] or [Or]. It marshals to the JSON
// Intercom expects; each version package turns it into its request body
// with BuildSearchRequest.
//
// Intercom compares timestamps by day, not by second: a filter on
// created_at with GreaterThan and a Unix time matches from the day after
// that time's day (UTC), and Equals matches the whole day.
//
// A Query is checked before it is sent: at most [MaxSearchNesting] levels
// of groups, at most [MaxSearchGroupSize] filters in one group, a known
// operator, a field name and a value of a type Intercom takes. The zero
// Query is invalid.
type Query struct {
	field    string
	operator Operator
	value    any
	group    string // "AND" or "OR" for a group
	children []Query
}

// Where is one filter: field operator value. value is a string, an
// integer, a bool, nil (for "is not set", with Equals or NotEquals), or a
// slice of strings or integers for In and NotIn. Timestamps are Unix
// seconds, compared by day.
func Where(field string, op Operator, value any) Query {
	return Query{field: field, operator: op, value: value}
}

// And matches what every query in it matches.
func And(queries ...Query) Query { return Query{group: "AND", children: queries} }

// Or matches what any query in it matches.
func Or(queries ...Query) Query { return Query{group: "OR", children: queries} }

// Validate reports the first way q breaks Intercom's rules, or nil.
func (q Query) Validate() error {
	return q.validate(0, "query")
}

func (q Query) validate(depth int, where string) error {
	if q.group == "" {
		if q.field == "" && q.operator == "" && q.value == nil {
			return fmt.Errorf("intercom: search %s is empty: build it with intercom.Where, And or Or", where)
		}
		if strings.TrimSpace(q.field) == "" {
			return fmt.Errorf("intercom: search %s has no field name", where)
		}
		if !operators[q.operator] {
			return fmt.Errorf("intercom: search %s (field %q) has unknown operator %q; use one of =, !=, IN, NIN, <, <=, >, >=, ~, !~, ^, $", where, q.field, q.operator)
		}
		return checkValue(q, where)
	}
	if depth+1 > MaxSearchNesting {
		return fmt.Errorf("intercom: search %s nests groups %d deep; Intercom allows at most %d levels of AND/OR", where, depth+1, MaxSearchNesting)
	}
	if len(q.children) == 0 {
		return fmt.Errorf("intercom: search %s is an empty %s group", where, q.group)
	}
	if len(q.children) > MaxSearchGroupSize {
		return fmt.Errorf("intercom: search %s is an %s group of %d filters; Intercom allows at most %d in one group (split it into nested groups)", where, q.group, len(q.children), MaxSearchGroupSize)
	}
	for i, c := range q.children {
		if err := c.validate(depth+1, fmt.Sprintf("%s.%s[%d]", where, strings.ToLower(q.group), i)); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(q Query, where string) error {
	list := q.operator == In || q.operator == NotIn
	switch v := q.value.(type) {
	case []string, []int, []int64:
		if !list {
			return fmt.Errorf("intercom: search %s (field %q): a list value needs IN or NIN, not %s", where, q.field, q.operator)
		}
		return nil
	case string, int, int32, int64, uint, uint32, uint64, float64, bool, nil:
		if list {
			return fmt.Errorf("intercom: search %s (field %q): %s needs a list value ([]string or []int), got %T", where, q.field, q.operator, v)
		}
		return nil
	default:
		return fmt.Errorf("intercom: search %s (field %q): value of type %T; use a string, integer, bool, nil, []string or []int", where, q.field, v)
	}
}

// MarshalJSON encodes q as Intercom's query object, after checking it.
func (q Query) MarshalJSON() ([]byte, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(q.wire())
}

func (q Query) wire() any {
	if q.group == "" {
		return struct {
			Field    string   `json:"field"`
			Operator Operator `json:"operator"`
			Value    any      `json:"value"`
		}{q.field, q.operator, q.value}
	}
	children := make([]any, len(q.children))
	for i, c := range q.children {
		children[i] = c.wire()
	}
	return struct {
		Operator string `json:"operator"`
		Value    []any  `json:"value"`
	}{q.group, children}
}

// ErrInvalidQuery is wrapped by the error a version package's
// BuildSearchRequest returns for a query that breaks Intercom's rules.
var ErrInvalidQuery = errors.New("intercom: invalid search query")

// QueryInto checks q and decodes it into dst, a version package's query
// type. The version packages' BuildSearchRequest functions use it.
func QueryInto(q Query, dst any) error {
	raw, err := q.MarshalJSON()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidQuery, err)
	}
	return json.Unmarshal(raw, dst)
}
