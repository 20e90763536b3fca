package workspace_test

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions/v2_12"
)

func TestRateLimitHeadersAnd429(t *testing.T) {
	clk := newClock()
	clk.Add(3 * time.Second) // 09:00:03, inside the window 09:00:00-09:00:10
	ws := workspace.MustNew(t, workspace.WithClock(clk.Now), workspace.WithRateLimit(3, 0))
	a := newAPI(t, ws, lastVersion())
	windowEnd := strconv.FormatInt(time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC).Unix(), 10)
	for i := range 3 {
		status, h, _ := a.call("GET", "/me", nil)
		require.Equal(t, 200, status)
		assert.Equal(t, "3", h.Get("X-RateLimit-Limit"))
		assert.Equal(t, strconv.Itoa(2-i), h.Get("X-RateLimit-Remaining"))
		assert.Equal(t, windowEnd, h.Get("X-RateLimit-Reset"))
	}
	status, h, e := a.call("POST", "/contacts", obj{"email": "late@example.com"})
	assert.Equal(t, 429, status)
	assert.Equal(t, "rate_limit_exceeded", errCode(t, e))
	assert.Regexp(t, requestID, e["request_id"])
	assert.Equal(t, "0", h.Get("X-RateLimit-Remaining"))
	assert.Equal(t, windowEnd, h.Get("X-RateLimit-Reset"))

	// At the end of the window the count starts over; the turned-away
	// create stored nothing.
	clk.Add(7 * time.Second)
	status, h, found := a.call("POST", "/contacts/search", obj{"query": obj{"field": "email", "operator": "=", "value": "late@example.com"}})
	require.Equal(t, 200, status)
	assert.Empty(t, found["data"])
	assert.Equal(t, "2", h.Get("X-RateLimit-Remaining"))
}

// Under a burst from many goroutines the limiter admits exactly the limit
// in a window, and the SDK surfaces the rest as *intercom.Error with the
// rate-limit figures.
func TestRateLimiterHoldsUnderABurst(t *testing.T) {
	clk := newClock()
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clk.Now() }
	ws := workspace.MustNew(t, workspace.WithClock(now), workspace.WithRateLimit(25, 0))
	srv := ws.NewServer(t, v2_12.APIVersion)
	client, err := v2_12.NewClient(intercom.WithToken("t"), intercom.WithBaseURL(srv.URL()), intercom.WithMaxRetries(0))
	require.NoError(t, err)

	var (
		wg              sync.WaitGroup
		admitted, extra int
		other           []error
		resMu           sync.Mutex
	)
	for range 100 {
		wg.Go(func() {
			_, err := client.IdentifyAdmin(t.Context())
			resMu.Lock()
			defer resMu.Unlock()
			var apiErr *intercom.Error
			switch {
			case err == nil:
				admitted++
			case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
				extra++
				assert.Equal(t, 25, apiErr.RateLimit.Limit)
				assert.Equal(t, 0, apiErr.RateLimit.Remaining)
				assert.Equal(t, "rate_limit_exceeded", apiErr.Errors[0].Code)
			default:
				other = append(other, err)
			}
		})
	}
	wg.Wait()
	assert.Empty(t, other)
	assert.Equal(t, 25, admitted)
	assert.Equal(t, 75, extra)
}
