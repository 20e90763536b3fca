package workspace_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest/workspace"
)

func TestCursorPagesOverEveryVersion(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t, workspace.WithSeed(thousand())), version)
		seen := map[string]bool{}
		path := "/contacts?per_page=150"
		pages := 0
		for path != "" {
			page := a.must(200, "GET", path, nil)
			pages++
			for _, id := range ids(page["data"].([]any)) {
				assert.False(t, seen[id], "contact %s delivered twice", id)
				seen[id] = true
			}
			assert.EqualValues(t, 1000, page["total_count"])
			path = ""
			if next, ok := page["pages"].(obj)["next"].(obj); ok {
				path = "/contacts?per_page=150&starting_after=" + next["starting_after"].(string)
			}
		}
		assert.Len(t, seen, 1000)
		assert.Equal(t, 7, pages)
		status, _, e := a.call("GET", "/contacts?starting_after=not-a-cursor", nil)
		assert.Equal(t, 400, status)
		assert.Equal(t, "parameter_invalid", errCode(t, e))
		a.srv.AssertNoViolations(t)
	})
}

func TestCompanyPageNumbers(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t, workspace.WithSeed(thousand())), version)
		var got []string
		for page := 1; page <= 3; page++ {
			body := a.must(200, "GET", fmt.Sprintf("/companies?page=%d&per_page=50", page), nil)
			p := body["pages"].(obj)
			assert.EqualValues(t, page, p["page"])
			assert.EqualValues(t, 3, p["total_pages"])
			for _, c := range body["data"].([]any) {
				got = append(got, c.(obj)["company_id"].(string))
			}
		}
		require.Len(t, got, 120)
		assert.Equal(t, "co000", got[0])
		assert.Equal(t, "co119", got[119])
		// POST /companies/list answers newest first unless asked.
		first := a.must(200, "POST", "/companies/list?per_page=1", nil)
		assert.Equal(t, "co119", first["data"].([]any)[0].(obj)["company_id"])
		a.srv.AssertNoViolations(t)
	})
}

func TestCompanyScrollRules(t *testing.T) {
	clk := newClock()
	a := newAPI(t, workspace.MustNew(t, workspace.WithClock(clk.Now), workspace.WithSeed(thousand()), workspace.WithScrollExpiry(time.Minute)), lastVersion())
	first := a.must(200, "GET", "/companies/scroll", nil)
	param := first["scroll_param"].(string)
	assert.Len(t, first["data"], 50)

	// One scroll at a time per workspace.
	status, _, e := a.call("GET", "/companies/scroll", nil)
	assert.Equal(t, 400, status)
	assert.Equal(t, "scroll_exists", errCode(t, e))

	second := a.must(200, "GET", "/companies/scroll?scroll_param="+param, nil)
	assert.Len(t, second["data"], 50)
	assert.NotEqual(t, ids(first["data"].([]any)), ids(second["data"].([]any)))

	// Unused for longer than the expiry, the scroll is gone, and a new
	// one may start.
	clk.Add(time.Minute)
	status, _, e = a.call("GET", "/companies/scroll?scroll_param="+param, nil)
	assert.Equal(t, 404, status)
	assert.Equal(t, "not_found", errCode(t, e))
	again := a.must(200, "GET", "/companies/scroll", nil)
	assert.Equal(t, ids(first["data"].([]any)), ids(again["data"].([]any)), "a new scroll starts from the beginning")
}
