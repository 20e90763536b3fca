package workspace

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter counts requests in fixed windows aligned on the clock, as
// Intercom does.
type limiter struct {
	limit  int
	window time.Duration

	mu    sync.Mutex
	start time.Time
	used  int
}

func (l *limiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.start, l.used = time.Time{}, 0
}

// take counts one request at now and returns the rate-limit headers, and
// whether the request is within the limit.
func (l *limiter) take(now time.Time) (http.Header, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := now.Truncate(l.window)
	if !start.Equal(l.start) {
		l.start, l.used = start, 0
	}
	allowed := l.used < l.limit
	if allowed {
		l.used++
	}
	end := start.Add(l.window)
	// X-RateLimit-Reset is a Unix second: round up so a client waiting
	// until then is never early.
	reset := end.Unix()
	if end.Nanosecond() != 0 {
		reset++
	}
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(l.limit-l.used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	return h, allowed
}
