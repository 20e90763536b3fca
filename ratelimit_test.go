package intercom

import (
	"context"
	"math/rand/v2"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRateLimit(t *testing.T) {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "10000")
	h.Set("X-RateLimit-Remaining", " 9987 ")
	h.Set("X-RateLimit-Reset", "1740830410")
	assert.Equal(t, RateLimit{Limit: 10000, Remaining: 9987, Reset: time.Unix(1740830410, 0)}, ParseRateLimit(h))

	assert.True(t, ParseRateLimit(http.Header{}).IsZero())

	bad := http.Header{}
	bad.Set("X-RateLimit-Limit", "lots")
	bad.Set("X-RateLimit-Remaining", "-3")
	bad.Set("X-RateLimit-Reset", "soon")
	assert.True(t, ParseRateLimit(bad).IsZero(), "unparsable values read as absent")

	zeroLeft := http.Header{}
	zeroLeft.Set("X-RateLimit-Limit", "166")
	zeroLeft.Set("X-RateLimit-Remaining", "0")
	rl := ParseRateLimit(zeroLeft)
	assert.Equal(t, 0, rl.Remaining)
	assert.False(t, rl.IsZero())
}

func TestPacerAdmitsUpToNThenWaitsForTheWindow(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(5, RateLimitWindow, clock.now, clock.sleep)
	for i := range 5 {
		if i > 0 {
			clock.advance(time.Second)
		}
		require.NoError(t, p.wait(context.Background())) // at 0s, 1s, ... 4s
	}
	assert.Empty(t, clock.recorded(), "up to n go out at once, as Intercom's window allows")

	clock.advance(3 * time.Second) // 7s
	require.NoError(t, p.wait(context.Background()))
	assert.Equal(t, []time.Duration{3 * time.Second}, clock.recorded(), "the sixth waits until the first leaves the window, at 10s")
	assert.Equal(t, time.Second, p.tryAdmit(), "the next slot frees when the one sent at 1s leaves")
	assert.Equal(t, time.Second, p.tryAdmit(), "asking again claims nothing")

	// Arriving late (at 12s) loses nothing: both slots freed meanwhile
	// are still there.
	clock.advance(2 * time.Second)
	assert.Equal(t, time.Duration(0), p.tryAdmit())
	assert.Equal(t, time.Duration(0), p.tryAdmit())
	assert.Equal(t, time.Second, p.tryAdmit(), "then the one sent at 3s is next, at 13s")

	assert.Nil(t, newPacer(0, RateLimitWindow, clock.now, clock.sleep), "0 disables pacing")
	assert.NoError(t, (*pacer)(nil).wait(context.Background()))
}

func TestPacerNeverExceedsLimitInAnyWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{1, 2, 3, 4, 7, 8, 10, 13, 100, 166, 1666} {
		clock := newFakeClock()
		p := newPacer(n, RateLimitWindow, clock.now, clock.sleep)
		var sent []time.Time
		for range 3*n + 10 {
			// Irregular demand: sometimes idle for a while, mostly eager.
			if rng.IntN(4) == 0 {
				clock.advance(time.Duration(rng.Int64N(int64(3 * RateLimitWindow / time.Duration(n)))))
			}
			require.NoError(t, p.wait(context.Background()))
			sent = append(sent, clock.now())
		}
		for i := 0; i+n < len(sent); i++ {
			span := sent[i+n].Sub(sent[i])
			require.GreaterOrEqual(t, span, RateLimitWindow,
				"n=%d: requests %d..%d fit in one window", n, i, i+n)
		}
		require.LessOrEqual(t, len(p.log), 2*n+1, "n=%d: the log stays bounded", n)
	}
}

func TestPacerKeepsThroughput(t *testing.T) {
	// Pacing must not throttle below the limit: 100 eager requests at 20
	// per 10s go out in five windows, the last at 40s.
	clock := newFakeClock()
	p := newPacer(20, RateLimitWindow, clock.now, clock.sleep)
	start := clock.now()
	for range 100 {
		require.NoError(t, p.wait(context.Background()))
	}
	assert.Equal(t, 4*RateLimitWindow, clock.now().Sub(start))
}

func TestPacerCancelledWaitTakesNoSlot(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(2, RateLimitWindow, clock.now, clock.sleep)
	require.NoError(t, p.wait(context.Background())) // takes a free slot
	clock.advance(time.Second)
	require.NoError(t, p.wait(context.Background())) // and the other

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.wait(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 9*time.Second, p.tryAdmit(), "the next slot still frees when the first request leaves the window, at 10s")
}

func TestPacerFailsFastPastDeadline(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(1, RateLimitWindow, clock.now, clock.sleep)
	require.NoError(t, p.wait(context.Background()))

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "rate limit")
	assert.Empty(t, clock.recorded(), "no sleep for a wait that cannot finish in time")
	assert.Equal(t, RateLimitWindow, p.tryAdmit(), "the failed wait claimed nothing")
}

func TestTransportPacesRequestsAndRetries(t *testing.T) {
	rec := newRecorder(t, statuses(http.StatusServiceUnavailable))
	clock := newFakeClock()
	tr := newTestTransport(t, rec.URL, WithRateLimit(2), withClock(clock.now), withSleep(clock.sleep),
		withJitter(noJitter))

	for range 3 {
		resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/contacts", "")
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	assert.Equal(t, 4, rec.count())
	// 2 per window: the first call and its retry (whose own backoff is 0
	// here) take both slots at once; the second call waits until the first
	// attempt leaves the window (widened by the margin), and the third
	// goes out with it, as the retry left at the same instant.
	w := RateLimitWindow + rateLimitMargin
	assert.Equal(t, w, tr.pacer.window)
	assert.Equal(t, []time.Duration{0, w}, clock.recorded())
}

func TestTransportRateLimitWaitRespectsCancellation(t *testing.T) {
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL, WithRateLimit(1)) // one request per 10s, real clock

	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, _, err = doRequest(t, tr, ctx, http.MethodGet, "/me", "")
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 1, rec.count(), "the paced request was never sent")
}

func TestTransportRateLimitWaitPastDeadline(t *testing.T) {
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL, WithRateLimit(1), WithTimeout(time.Second))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)

	start := time.Now()
	_, _, err = doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 500*time.Millisecond, "fails at once instead of sleeping into the deadline")
	assert.Regexp(t, `^intercom: GET "`+regexp.QuoteMeta(rec.URL)+`/me": client-side rate limit wait of [0-9.]+s exceeds the context deadline: context deadline exceeded$`, err.Error())
	assert.Equal(t, 1, rec.count())
}
