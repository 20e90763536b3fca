package workspace_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest/workspace"
)

// people are created one day apart, from day 0, in this order.
var people = []obj{
	{"name": "Ann", "email": "ann@acme.com", "role": "user", "custom_attributes": obj{"plan": "pro", "seats": 5, "trial": false}},
	{"name": "Ben", "email": "ben@acme.com", "role": "lead", "custom_attributes": obj{"plan": "free", "seats": 1, "trial": true}},
	{"name": "Cat", "email": "cat@globex.com", "role": "user", "custom_attributes": obj{"plan": "team", "seats": 12, "trial": false}},
	{"name": "Dan", "email": "dan@globex.com", "role": "user", "custom_attributes": obj{"plan": "free", "seats": 2, "trial": true}},
	{"name": "Eve", "email": "eve@initech.com", "role": "user"},
}

// searchFixture creates people on days 0..4 and returns the API and the
// timestamp of day 0 at 09:00.
func searchFixture(t *testing.T, version string) (*api, int64) {
	clk := newClock()
	ws := workspace.MustNew(t, workspace.WithClock(clk.Now), workspace.WithSeed(&workspace.Seed{
		DataAttributes: []map[string]any{
			{"name": "plan", "model": "contact", "data_type": "string"},
			{"name": "seats", "model": "contact", "data_type": "integer"},
			{"name": "trial", "model": "contact", "data_type": "boolean"},
		},
	}))
	a := newAPI(t, ws, version)
	day0 := clk.Now().Unix()
	for _, p := range people {
		a.must(200, "POST", "/contacts", p)
		clk.Add(24 * time.Hour)
	}
	return a, day0
}

// names runs a contact search and returns the names found, walking every
// page.
func (a *api) names(query obj) []string {
	a.t.Helper()
	var out []string
	pagination := obj{"per_page": 2}
	for range 10 {
		page := a.must(200, "POST", "/contacts/search", obj{"query": query, "pagination": pagination})
		for _, c := range page["data"].([]any) {
			out = append(out, c.(obj)["name"].(string))
		}
		next, _ := page["pages"].(obj)["next"].(obj)
		if next == nil {
			return out
		}
		pagination = obj{"per_page": 2, "starting_after": next["starting_after"]}
	}
	a.t.Fatal("the search did not end")
	return nil
}

func TestNestedSearchReturnsExactlyTheMatches(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a, day0 := searchFixture(t, version)
		// Users on a paid plan or at globex, created after day 0.
		// Each group holds only filters or only groups: from 2.13 on, the
		// spec types a group's value as one or the other.
		q := obj{"operator": "AND", "value": []any{
			obj{"operator": "AND", "value": []any{
				obj{"field": "role", "operator": "=", "value": "user"},
				obj{"field": "created_at", "operator": ">", "value": day0},
			}},
			obj{"operator": "OR", "value": []any{
				obj{"field": "custom_attributes.plan", "operator": "IN", "value": []any{"pro", "team"}},
				obj{"field": "email", "operator": "$", "value": "@globex.com"},
			}},
		}}
		assert.Equal(t, []string{"Cat", "Dan"}, a.names(q))
		a.srv.AssertNoViolations(t)
	})
}

func TestSearchOperators(t *testing.T) {
	a, day0 := searchFixture(t, lastVersion())
	day := int64(24 * 3600)
	cases := []struct {
		field, op string
		value     any
		want      []string
	}{
		{"name", "=", "ann", []string{"Ann"}},
		{"name", "!=", "Ann", []string{"Ben", "Cat", "Dan", "Eve"}},
		{"custom_attributes.plan", "IN", []any{"free", "team"}, []string{"Ben", "Cat", "Dan"}},
		{"custom_attributes.plan", "NIN", []any{"free", "team"}, []string{"Ann", "Eve"}},
		{"custom_attributes.seats", "<", 5, []string{"Ben", "Dan"}},
		{"custom_attributes.seats", ">", 4, []string{"Ann", "Cat"}},
		{"email", "~", "GLOBEX", []string{"Cat", "Dan"}},
		{"email", "!~", "acme", []string{"Cat", "Dan", "Eve"}},
		{"email", "^", "e", []string{"Eve"}},
		{"email", "$", ".com", []string{"Ann", "Ben", "Cat", "Dan", "Eve"}},
		{"custom_attributes.trial", "=", true, []string{"Ben", "Dan"}},
		{"custom_attributes.plan", "=", nil, []string{"Eve"}},
		{"custom_attributes.plan", "!=", nil, []string{"Ann", "Ben", "Cat", "Dan"}},
		// Timestamps compare by day: any time on day 2 finds Cat.
		{"created_at", "=", day0 + 2*day + 13*3600, []string{"Cat"}},
		{"created_at", "<", day0 + 2*day - 3600, []string{"Ann", "Ben"}},
		{"created_at", ">", day0 + 2*day + 14*3600, []string{"Dan", "Eve"}},
		{"role", "=", "lead", []string{"Ben"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s %v", c.field, c.op, c.value), func(t *testing.T) {
			got := a.names(obj{"field": c.field, "operator": c.op, "value": c.value})
			slices.Sort(got)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestSearchLimits(t *testing.T) {
	a, _ := searchFixture(t, lastVersion())
	leaf := obj{"field": "role", "operator": "=", "value": "user"}
	group := func(op string, n int, sub any) obj {
		list := []any{}
		for range n {
			list = append(list, sub)
		}
		return obj{"operator": op, "value": list}
	}
	// Two levels of groups and 15 filters per group are fine.
	assert.Equal(t, []string{"Ann", "Cat", "Dan", "Eve"}, a.names(group("AND", 15, group("OR", 15, leaf))))
	for name, c := range map[string]struct {
		q    obj
		want string
	}{
		"three levels":     {group("AND", 1, group("OR", 1, group("AND", 1, leaf))), "deeper than 2 levels"},
		"16 filters":       {group("AND", 16, leaf), "at most 15"},
		"unknown operator": {obj{"field": "name", "operator": "LIKE", "value": "a"}, ""},
		"IN without list":  {obj{"field": "name", "operator": "IN", "value": "a"}, ""},
		"no field":         {obj{"operator": "=", "value": "a"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			status, _, e := a.call("POST", "/contacts/search", obj{"query": c.q})
			require.Equal(t, 400, status, "%v", e)
			assert.Equal(t, "parameter_invalid", errCode(t, e))
			assert.Contains(t, errMessage(e), c.want)
			assert.Regexp(t, requestID, e["request_id"])
		})
	}
}
