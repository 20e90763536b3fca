package intercom

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
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

// pacer spaces requests evenly so that at most n start in any window:
// consecutive requests are admitted at least window/n (rounded up) apart, so
// any half-open window of that length holds at most n of them, which also
// keeps every one of Intercom's fixed windows within the limit.
//
// A waiter claims a send slot only at the moment it is admitted, under the
// mutex. Nothing is booked ahead, so a wait that is cancelled leaves no
// reservation to give back: it can neither let an extra request through nor
// hold a slot that another waiter could have used. Waiters that lose a race
// for a slot sleep again until the next one.
type pacer struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu   sync.Mutex
	last time.Time // when the latest request was admitted
	used bool      // whether any request has been admitted
	// admitted, when set (by tests), is called under the mutex with each
	// admission time.
	admitted func(time.Time)
}

func newPacer(n int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	if n <= 0 {
		return nil
	}
	// Round up: truncating window/n would allow slightly more than n.
	interval := (window + time.Duration(n) - 1) / time.Duration(n)
	return &pacer{interval: interval, now: now, sleep: sleep}
}

// tryAdmit admits the caller if the next send slot has come, and otherwise
// returns how long until it comes, without claiming it.
func (p *pacer) tryAdmit() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.used {
		if next := p.last.Add(p.interval); now.Before(next) {
			return next.Sub(now)
		}
	}
	p.last, p.used = now, true
	if p.admitted != nil {
		p.admitted(now)
	}
	return 0
}

// wait blocks until the caller is admitted or until ctx is done. A caller
// whose next possible slot lies past ctx's deadline fails at once.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := p.tryAdmit()
		if d <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			// Sleeping until the deadline would only delay the same failure.
			return fmt.Errorf("client-side rate limit wait of %v exceeds the context deadline: %w", d.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := p.sleep(ctx, d); err != nil {
			return err
		}
	}
}
