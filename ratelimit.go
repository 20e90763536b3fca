package intercom

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit holds the rate-limit figures Intercom reports on each response.
// A zero field means the header was absent or unparsable.
type RateLimit struct {
	// Limit is the number of requests allowed per window (X-RateLimit-Limit).
	Limit int
	// Remaining is the number of requests left in the current window
	// (X-RateLimit-Remaining).
	Remaining int
	// Reset is when the current window ends and Remaining is refilled
	// (X-RateLimit-Reset, Unix time in seconds).
	Reset time.Time
}

// IsZero reports whether no rate-limit header was seen.
func (r RateLimit) IsZero() bool { return r.Limit == 0 && r.Remaining == 0 && r.Reset.IsZero() }

// ParseRateLimit reads the X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset headers.
func ParseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	rl.Limit, _ = headerInt(h, "X-RateLimit-Limit")
	rl.Remaining, _ = headerInt(h, "X-RateLimit-Remaining")
	if secs, ok := headerInt(h, "X-RateLimit-Reset"); ok && secs > 0 {
		rl.Reset = time.Unix(int64(secs), 0)
	}
	return rl
}

func headerInt(h http.Header, key string) (int, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// pacer spaces requests evenly so that at most n start in any window. A
// token bucket with burst 1 keeps consecutive requests at least window/n
// apart, so any half-open window of that length holds at most n of them,
// which matches Intercom's fixed windows.
type pacer struct {
	lim      *rate.Limiter
	interval time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

// pacerMargin is added to the spacing because rate.Limiter computes in
// floating point and can place a slot a nanosecond early; without it, n+1
// requests could land a nanosecond inside one window.
const pacerMargin = time.Microsecond

func newPacer(n int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	if n <= 0 {
		return nil
	}
	// Round up: truncating window/n would allow slightly more than n.
	interval := (window+time.Duration(n)-1)/time.Duration(n) + pacerMargin
	return &pacer{
		lim:      rate.NewLimiter(rate.Every(interval), 1),
		interval: interval,
		now:      now,
		sleep:    sleep,
	}
}

// reserve books the next send slot and returns how long to wait for it.
// cancel gives the slot back if the caller does not use it.
func (p *pacer) reserve() (wait time.Duration, cancel func()) {
	now := p.now()
	r := p.lim.ReserveN(now, 1)
	return r.DelayFrom(now), func() { r.CancelAt(p.now()) }
}

// wait blocks until the next slot or until ctx is done. A cancelled wait
// gives its slot back so later requests are not delayed by it.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	d, cancel := p.reserve()
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		// Sleeping until the deadline would only delay the same failure.
		cancel()
		return fmt.Errorf("client-side rate limit wait of %v exceeds the context deadline: %w", d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	if err := p.sleep(ctx, d); err != nil {
		cancel()
		return err
	}
	return nil
}
