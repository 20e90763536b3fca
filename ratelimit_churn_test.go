package intercom

import (
	"context"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pacerSim runs real goroutines through pacer.wait on a simulated clock:
// sleep parks the goroutine, and the test advances the clock to the next
// event only when every goroutine is parked or finished, so each run is
// deterministic whatever the machine's load.
type pacerSim struct {
	mu       sync.Mutex
	cond     *sync.Cond
	t        time.Time
	busy     int // goroutines running (neither parked nor finished)
	sleepers []*simSleeper
	seq      int
	// late, when set, is added to every sleep: a loaded machine wakes
	// sleepers after the time they asked for.
	late func() time.Duration
}

type simSleeper struct {
	wake time.Time
	seq  int
	ch   chan struct{}
	w    *simWaiter
}

// simWaiter is one caller: it arrives, may be cancelled at cancelAt, and is
// admitted at admittedAt.
type simWaiter struct {
	arrive, cancelAt time.Time
	ctx              context.Context
	cancel           context.CancelFunc
	admittedAt       time.Time
	admitted         bool
	endedAt          time.Time // admission or cancellation
}

func newPacerSim() *pacerSim {
	s := &pacerSim{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *pacerSim) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t
}

func (s *pacerSim) sleeperFor(ctx context.Context) *simWaiter {
	w, _ := ctx.Value(simWaiterKey{}).(*simWaiter)
	return w
}

type simWaiterKey struct{}

func (s *pacerSim) sleep(ctx context.Context, d time.Duration) error {
	sl := &simSleeper{ch: make(chan struct{}), w: s.sleeperFor(ctx)}
	s.mu.Lock()
	if s.late != nil {
		d += s.late()
	}
	sl.wake, sl.seq = s.t.Add(d), s.seq
	s.seq++
	s.sleepers = append(s.sleepers, sl)
	s.busy--
	s.cond.Broadcast()
	s.mu.Unlock()
	select {
	case <-sl.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// quiesce waits until every goroutine is parked or finished.
func (s *pacerSim) quiesce() {
	s.mu.Lock()
	for s.busy > 0 {
		s.cond.Wait()
	}
	s.mu.Unlock()
}

// run plays the waiters through p and returns once all have finished.
func (s *pacerSim) run(p *pacer, waiters []*simWaiter) {
	sort.SliceStable(waiters, func(i, j int) bool { return waiters[i].arrive.Before(waiters[j].arrive) })
	next := 0
	live := map[*simWaiter]bool{}
	start := func(w *simWaiter) {
		w.ctx, w.cancel = context.WithCancel(context.WithValue(context.Background(), simWaiterKey{}, w))
		live[w] = true
		if !w.cancelAt.After(s.now()) {
			w.cancel() // gave up before asking
		}
		s.mu.Lock()
		s.busy++
		s.mu.Unlock()
		go func() {
			err := p.wait(w.ctx)
			s.mu.Lock()
			if err == nil {
				w.admitted, w.admittedAt = true, s.t
			}
			w.endedAt = s.t
			s.busy--
			s.cond.Broadcast()
			s.mu.Unlock()
		}()
		s.quiesce()
	}
	for {
		s.quiesce()
		for w := range live {
			if !w.endedAt.IsZero() {
				delete(live, w)
			}
		}
		// The next event: an arrival, a cancellation or a wake-up.
		var at time.Time
		consider := func(t time.Time) {
			if at.IsZero() || t.Before(at) {
				at = t
			}
		}
		if next < len(waiters) {
			consider(waiters[next].arrive)
		}
		for w := range live {
			consider(w.cancelAt)
		}
		s.mu.Lock()
		for _, sl := range s.sleepers {
			consider(sl.wake)
		}
		if at.IsZero() {
			s.mu.Unlock()
			return
		}
		if at.After(s.t) {
			s.t = at
		}
		s.mu.Unlock()

		// Cancellations first: a caller whose deadline is now does not send.
		for w := range live {
			if !w.cancelAt.After(at) {
				s.mu.Lock()
				kept := s.sleepers[:0]
				for _, sl := range s.sleepers {
					if sl.w == w {
						s.busy++ // it wakes to return ctx.Err()
					} else {
						kept = append(kept, sl)
					}
				}
				s.sleepers = kept
				s.mu.Unlock()
				w.cancel()
				s.quiesce()
				delete(live, w)
				if w.endedAt.IsZero() {
					w.endedAt = at
				}
			}
		}
		for next < len(waiters) && !waiters[next].arrive.After(at) {
			start(waiters[next])
			next++
		}
		// Wake-ups in the order the sleeps began.
		for {
			s.mu.Lock()
			idx := -1
			for i, sl := range s.sleepers {
				if !sl.wake.After(at) && (idx < 0 || sl.seq < s.sleepers[idx].seq) {
					idx = i
				}
			}
			if idx < 0 {
				s.mu.Unlock()
				break
			}
			sl := s.sleepers[idx]
			s.sleepers = append(s.sleepers[:idx], s.sleepers[idx+1:]...)
			s.busy++
			s.mu.Unlock()
			close(sl.ch)
			s.quiesce()
		}
	}
}

// TestPacerUnderCancellationChurn drives many callers with random arrival
// times and random deadlines through the pacer and checks the two promises:
// no window of RateLimitWindow ever holds more than n admissions, and a slot
// never goes unused while a caller that has not given up is waiting for one
// (a cancelled wait delays nobody).
func TestPacerUnderCancellationChurn(t *testing.T) {
	for _, tc := range []struct {
		n, callers int
		patience   time.Duration // the longest a caller waits before giving up
		spread     time.Duration // arrivals are spread over this long
	}{
		{n: 31, callers: 300, patience: 3 * time.Second, spread: 20 * time.Second},
		{n: 100, callers: 600, patience: 10 * time.Second, spread: 15 * time.Second},
		{n: 31, callers: 200, patience: 50 * time.Millisecond, spread: 10 * time.Second},
		{n: 5, callers: 100, patience: 4 * time.Second, spread: 30 * time.Second},
		{n: 1, callers: 40, patience: 25 * time.Second, spread: 60 * time.Second},
	} {
		for seed := uint64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewPCG(seed, uint64(tc.n)))
			sim := newPacerSim()
			p := newPacer(tc.n, RateLimitWindow, sim.now, sim.sleep)
			base := sim.now()
			var waiters []*simWaiter
			for range tc.callers {
				arrive := base.Add(time.Duration(rng.Int64N(int64(tc.spread))))
				// Bursts: a third of callers arrive at one instant.
				if rng.IntN(3) == 0 {
					arrive = base.Add(tc.spread / 2)
				}
				cancelAt := arrive.Add(time.Duration(rng.Int64N(int64(tc.patience))))
				waiters = append(waiters, &simWaiter{arrive: arrive, cancelAt: cancelAt})
			}
			sim.run(p, waiters)

			var admissions []time.Time
			for _, w := range waiters {
				require.False(t, w.endedAt.IsZero(), "every caller finished")
				if w.admitted {
					require.True(t, w.admittedAt.Before(w.cancelAt), "admitted after giving up")
					require.False(t, w.admittedAt.Before(w.arrive))
					admissions = append(admissions, w.admittedAt)
				}
			}
			sort.Slice(admissions, func(i, j int) bool { return admissions[i].Before(admissions[j]) })
			require.NotEmpty(t, admissions)
			// Never more than n in any window.
			for i := 0; i+tc.n < len(admissions); i++ {
				require.GreaterOrEqual(t, admissions[i+tc.n].Sub(admissions[i]), RateLimitWindow,
					"n=%d seed=%d: admissions %d..%d fit in one window", tc.n, seed, i, i+tc.n)
			}
			// Work-conserving: between admissions j-1 and j a slot is free
			// from the moment the admission n places before j has left the
			// window (at once if there is none); no caller may be waiting,
			// still willing, at a moment a slot is free.
			freeFrom := func(j int) (from, until time.Time, ok bool) {
				until = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
				if j < len(admissions) {
					until = admissions[j]
				}
				if j == 0 {
					return time.Time{}, until, true
				}
				from = admissions[j-1]
				if j >= tc.n {
					if left := admissions[j-tc.n].Add(RateLimitWindow); left.After(from) {
						from = left
					}
				}
				return from, until, true
			}
			for _, w := range waiters {
				end := w.cancelAt
				if w.admitted {
					end = w.admittedAt
				}
				for j := 0; j <= len(admissions); j++ {
					from, until, _ := freeFrom(j)
					x := w.arrive
					if from.After(x) {
						x = from
					}
					if x.Before(until) && x.Before(end) {
						t.Fatalf("n=%d seed=%d: the slot was free at %v while a caller (arrived %v, gives up %v) waited; next admission %v",
							tc.n, seed, x.Sub(base), w.arrive.Sub(base), w.cancelAt.Sub(base), until.Sub(base))
					}
				}
			}
		}
	}
}

// TestPacerChurnRace runs the pacer on the real clock with goroutines whose
// waits are cancelled at random, for the race detector, and checks the
// admission times the pacer itself recorded: never more than n in a window.
func TestPacerChurnRace(t *testing.T) {
	const n, window = 10, 200 * time.Millisecond
	p := newPacer(n, window, time.Now, sleepContext)
	var mu sync.Mutex
	var admissions []time.Time
	p.admitted = func(at time.Time) { admissions = append(admissions, at) } // under p.mu
	var wg sync.WaitGroup
	var ok atomic.Int64
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 99))
			for range 6 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.Int64N(int64(60*time.Millisecond))))
				if rng.IntN(3) == 0 {
					cancel() // some give up before they start
				}
				if p.wait(ctx) == nil {
					ok.Add(1)
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, int(ok.Load()), len(admissions))
	for i := 0; i+n < len(admissions); i++ {
		require.GreaterOrEqual(t, admissions[i+n].Sub(admissions[i]), window, "admissions %d..%d fit in one window", i, i+n)
	}
}

// TestPacerLateWakeUpsKeepThroughput wakes every sleeping caller up to 6ms
// late (on a simulated clock), more than the 4ms between requests at 250
// a second, with more callers waiting than the limit lets through. A late
// wake-up may delay the admission it was waiting for by as much as it was
// late, but the delay must not carry over to later admissions: admission k
// comes at most 6ms after both the moment admission k-n left the window and
// the moment caller k arrived.
func TestPacerLateWakeUpsKeepThroughput(t *testing.T) {
	const maxLate = 6 * time.Millisecond
	for _, tc := range []struct {
		name       string
		n          int
		window     time.Duration
		callers    int
		arrivalGap time.Duration // between consecutive arrivals
	}{
		{name: "all at once", n: 100, window: RateLimitWindow, callers: 1000},
		{name: "arriving faster than the limit", n: 250, window: time.Second, callers: 700, arrivalGap: time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, uint64(tc.n)))
			sim := newPacerSim()
			sim.late = func() time.Duration { return time.Duration(rng.Int64N(int64(maxLate) + 1)) }
			p := newPacer(tc.n, tc.window, sim.now, sim.sleep)
			base := sim.now()
			never := base.Add(1000 * time.Hour)
			var waiters []*simWaiter
			var arrivals []time.Time
			for i := range tc.callers {
				at := base.Add(time.Duration(i) * tc.arrivalGap)
				arrivals = append(arrivals, at)
				waiters = append(waiters, &simWaiter{arrive: at, cancelAt: never})
			}
			sim.run(p, waiters)

			var admissions []time.Time
			for _, w := range waiters {
				require.True(t, w.admitted, "every caller is admitted")
				admissions = append(admissions, w.admittedAt)
			}
			sort.Slice(admissions, func(i, j int) bool { return admissions[i].Before(admissions[j]) })
			// ideal[k] is when admission k would come with punctual wake-ups.
			ideal := make([]time.Time, len(admissions))
			for k, at := range admissions {
				due := arrivals[k]
				ideal[k] = arrivals[k]
				if k >= tc.n {
					if left := admissions[k-tc.n].Add(tc.window); left.After(due) {
						due = left
					}
					if left := ideal[k-tc.n].Add(tc.window); left.After(ideal[k]) {
						ideal[k] = left
					}
					require.GreaterOrEqual(t, at.Sub(admissions[k-tc.n]), tc.window, "admissions %d..%d fit in one window", k-tc.n, k)
				}
				require.LessOrEqual(t, at.Sub(due), maxLate, "admission %d came %v after it was due", k, at.Sub(due))
			}
			// Over the whole run the late wake-ups cost at most maxLate once
			// per window, not once per request.
			windows := (tc.callers - 1) / tc.n
			last := len(admissions) - 1
			assert.LessOrEqual(t, admissions[last].Sub(ideal[last]), time.Duration(windows+1)*maxLate)
		})
	}
}
