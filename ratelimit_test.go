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

func TestPacerSpacesAdmissions(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(5, RateLimitWindow, clock.now, clock.sleep)
	iv := p.interval
	assert.Equal(t, 2*time.Second, iv)
	for range 4 {
		require.NoError(t, p.wait(context.Background()))
	}
	assert.Equal(t, []time.Duration{iv, iv, iv}, clock.recorded())

	clock.advance(10 * time.Second)
	assert.Equal(t, time.Duration(0), p.tryAdmit(), "the slot has long come")
	assert.Equal(t, iv, p.tryAdmit(), "the next one is an interval away")
	assert.Equal(t, iv, p.tryAdmit(), "asking again claims nothing")

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
				clock.advance(time.Duration(rng.Int64N(int64(3 * p.interval))))
			}
			require.NoError(t, p.wait(context.Background()))
			sent = append(sent, clock.now())
		}
		for i := 0; i+n < len(sent); i++ {
			span := sent[i+n].Sub(sent[i])
			require.GreaterOrEqual(t, span, RateLimitWindow,
				"n=%d: requests %d..%d fit in one window", n, i, i+n)
		}
	}
}

func TestPacerKeepsThroughput(t *testing.T) {
	// Pacing must not throttle to a trickle: 100 eager requests at 20 per
	// 10s need about 99 intervals of 500ms.
	clock := newFakeClock()
	p := newPacer(20, RateLimitWindow, clock.now, clock.sleep)
	start := clock.now()
	for range 100 {
		require.NoError(t, p.wait(context.Background()))
	}
	assert.InDelta(t, float64(99*500*time.Millisecond), float64(clock.now().Sub(start)), float64(time.Millisecond))
}

func TestPacerCancelledWaitTakesNoSlot(t *testing.T) {
	clock := newFakeClock()
	p := newPacer(5, RateLimitWindow, clock.now, clock.sleep)
	require.NoError(t, p.wait(context.Background())) // takes the free slot

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.wait(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, p.interval, p.tryAdmit(), "the next slot is still the one after the first request")
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
	assert.Equal(t, p.interval, p.tryAdmit(), "the failed wait claimed nothing")
}

func TestTransportPacesRequestsAndRetries(t *testing.T) {
	rec := newRecorder(t, statuses(http.StatusServiceUnavailable))
	clock := newFakeClock()
	tr := newTestTransport(t, rec.URL, WithRateLimit(20), withClock(clock.now), withSleep(clock.sleep),
		withJitter(noJitter))

	for range 3 {
		resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/contacts", "")
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	assert.Equal(t, 4, rec.count())
	// 20 per 10s is one every 500ms. The retry's own backoff is 0 here,
	// then the pacer waits before the retry and before each of the two
	// later calls.
	iv := tr.pacer.interval
	assert.Equal(t, 500*time.Millisecond, iv)
	assert.Equal(t, []time.Duration{0, iv, iv, iv}, clock.recorded())
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
