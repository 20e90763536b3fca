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

// rateLimitMargin widens the window WithRateLimit paces in beyond
// RateLimitWindow. The pacer counts requests when they leave the client,
// Intercom when they arrive, in fixed windows of its own: a request held up
// on the way (a slow connection, a loaded machine) could otherwise land in
// the same server window as one sent a full window after it. The margin
// absorbs such differences in delay up to its size, for 1% of throughput;
// a 429 past it is still retried after the wait Intercom asks for.
const rateLimitMargin = RateLimitWindow / 100

// pacer keeps a sliding-window log: it remembers when each of the last n
// requests was admitted and admits a caller at t only if fewer than n were
// admitted in (t-window, t], that is if the n-th most recent admission is at
// or before t-window. Any window of that length (half-open, wherever it
// starts) therefore holds at most n admissions, and so does each of
// Intercom's fixed windows. Up to n requests may go out back to back, as
// Intercom's own window allows; after that a request goes out as soon as the
// one n places before it has left the window.
//
// The decision depends only on when admissions happened, never on when a
// waiter happened to wake: a waiter that wakes late finds every slot that
// freed meanwhile still free, so late wake-ups on a loaded machine cost
// nothing in throughput.
//
// A waiter claims a slot only at the moment it is admitted, under the
// mutex. Nothing is booked ahead, so a wait that is cancelled leaves no
// reservation to give back: it can neither let an extra request through nor
// hold a slot that another waiter could have used. Waiters that lose a race
// for a slot sleep again until the next one frees.
type pacer struct {
	n      int
	window time.Duration
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error

	mu sync.Mutex
	// log holds the admission times still inside the window, oldest first,
	// from log[head] on; at most n of them. It grows with the traffic, not
	// with n, so a large n costs memory only if it is used.
	log  []time.Time
	head int
	// admitted, when set (by tests), is called under the mutex with each
	// admission time.
	admitted func(time.Time)
}

func newPacer(n int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	if n <= 0 {
		return nil
	}
	return &pacer{n: n, window: window, now: now, sleep: sleep}
}

// tryAdmit admits the caller if fewer than n requests were admitted in the
// last window, and otherwise returns how long until the oldest of them
// leaves it, without claiming anything.
func (p *pacer) tryAdmit() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	// Forget admissions that have left the window: they limit nobody.
	for p.head < len(p.log) && !now.Before(p.log[p.head].Add(p.window)) {
		p.head++
	}
	if len(p.log)-p.head >= p.n {
		return p.log[p.head].Add(p.window).Sub(now)
	}
	if p.head > 0 && p.head >= len(p.log)/2 {
		// Compact so the log's backing array stays within about 2n.
		p.log = append(p.log[:0], p.log[p.head:]...)
		p.head = 0
	}
	p.log = append(p.log, now)
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
