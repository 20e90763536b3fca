// Package workspace is a stateful fake Intercom workspace for package
// intercomtest: contacts, companies, tags, notes, conversations, tickets,
// data attributes, data events and data exports are stored, searched and
// paged for real, so that a test can create a contact and then find it.
//
// One Workspace holds the data at the JSON level and may serve several API
// versions at once: each answer is cut to the shape of the response schema
// of the version asked (from the version's embedded, normalized
// description), so a new version needs no code here. Every success answer
// is checked against that schema; one that breaks it is answered 500 with
// the problems, so that a test notices.
//
//	ws := workspace.New()
//	srv := ws.NewServer(t, "2.12")
//	// point a client at srv.URL()
//
// The workspace behaves as Intercom does where tests tend to depend on it:
// 24-hex contact ids and numeric-string conversation ids, 404 not_found for
// unknown ids, 409 conflict for a duplicate email or external_id, 400
// validation errors in Intercom's error.list shape with 20-character
// request ids, archived contacts, updated_at moving on every change, the
// search query language with its nesting limits, cursor pagination,
// companies scroll, page numbers, and (on demand) rate limits with
// X-RateLimit headers and 429 answers.
//
// Operations the workspace does not model (articles, help center, news,
// segments, subscriptions, visitors and the like) are answered as the
// stateless fake answers them, with the description's example; scripted
// answers (Server.On) still take precedence over the workspace, which
// makes injecting a failure into a stateful test one line.
package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercomgo/intercom/intercomtest"
)

// Option configures a Workspace.
type Option func(*config)

type config struct {
	clock        func() time.Time
	limit        int
	window       time.Duration
	seed         *Seed
	scrollExpiry time.Duration
	exportDelay  time.Duration
	errs         []error
}

// WithClock makes the workspace read the time from now: timestamps,
// rate-limit windows, scroll expiry and export progress all follow it, so
// a test can move time forward without sleeping.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now == nil {
			c.errs = append(c.errs, errors.New("workspace: WithClock: nil clock"))
			return
		}
		c.clock = now
	}
}

// DefaultWindow is Intercom's rate-limit window.
const DefaultWindow = 10 * time.Second

// WithRateLimit allows n requests in each window (fixed windows aligned on
// the clock, as Intercom counts them; 0 means DefaultWindow) and answers
// 429 rate_limit_exceeded after that until the window ends. Every answer
// carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset
// (the Unix second the window ends).
func WithRateLimit(n int, window time.Duration) Option {
	return func(c *config) {
		if n <= 0 || window < 0 {
			c.errs = append(c.errs, fmt.Errorf("workspace: WithRateLimit(%d, %v): need a positive count and a window >= 0", n, window))
			return
		}
		if window == 0 {
			window = DefaultWindow
		}
		c.limit, c.window = n, window
	}
}

// WithSeed loads s into the workspace, after the seeded admins; Reset
// goes back to it.
func WithSeed(s *Seed) Option {
	return func(c *config) { c.seed = s }
}

// WithScrollExpiry sets how long a companies scroll lives after its last
// use; the default is one minute, as Intercom's.
func WithScrollExpiry(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("workspace: WithScrollExpiry: need a positive duration, got %v", d))
			return
		}
		c.scrollExpiry = d
	}
}

// WithExportDelay sets how long a data export stays pending before it
// completes; the default is 2 seconds of the workspace clock.
func WithExportDelay(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.errs = append(c.errs, fmt.Errorf("workspace: WithExportDelay: need a duration >= 0, got %v", d))
			return
		}
		c.exportDelay = d
	}
}

// Workspace is a fake Intercom workspace. It implements
// intercomtest.State; it is safe for concurrent use and may back servers
// of several versions at once.
type Workspace struct {
	cfg  config
	rate *limiter

	mu  sync.Mutex
	rng *rand.Rand
	seq int64
	db  *store
}

// New builds a workspace with its seeded admins and app, and the seed
// given with WithSeed.
func New(opts ...Option) (*Workspace, error) {
	cfg := config{clock: time.Now, scrollExpiry: time.Minute, exportDelay: 2 * time.Second}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(cfg.errs) > 0 {
		return nil, errors.Join(cfg.errs...)
	}
	w := &Workspace{cfg: cfg, rng: rand.New(rand.NewPCG(1, 2))}
	if cfg.limit > 0 {
		w.rate = &limiter{limit: cfg.limit, window: cfg.window}
	}
	if err := w.Reset(); err != nil {
		return nil, err
	}
	return w, nil
}

// MustNew is New for tests: it ends the test on a bad option or seed.
func MustNew(tb testing.TB, opts ...Option) *Workspace {
	tb.Helper()
	w, err := New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// NewServer starts an intercomtest server for version backed by the
// workspace, for the duration of the test.
func (w *Workspace) NewServer(tb testing.TB, version string, opts ...intercomtest.Option) *intercomtest.Server {
	tb.Helper()
	return intercomtest.NewServer(tb, version, append([]intercomtest.Option{intercomtest.WithState(w)}, opts...)...)
}

// Reset forgets everything stored and loads the seed again; the rate-limit
// counts start over too.
func (w *Workspace) Reset() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seq = 0
	w.rng = rand.New(rand.NewPCG(1, 2))
	w.db = newStore()
	if w.rate != nil {
		w.rate.reset()
	}
	return w.load(w.cfg.seed)
}

func (w *Workspace) now() time.Time { return w.cfg.clock() }

// unix is the workspace time as Intercom's timestamps, seconds since 1970.
func (w *Workspace) unix() float64 { return float64(w.now().Unix()) }

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// RequestID returns a request id shaped like Intercom's, 20 lower-case
// letters and digits.
func (w *Workspace) RequestID() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.randomString(idAlphabet, 20)
}

func (w *Workspace) randomString(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[w.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// hexID returns a 24-hex id like Intercom's contact and company ids: a
// timestamp, then a counter. Callers hold w.mu.
func (w *Workspace) hexID() string {
	w.seq++
	return fmt.Sprintf("%08x%016x", uint32(w.now().Unix()), 0x5f0000000000+w.seq)
}

// numID returns a numeric-string id from the store's counter. Callers
// hold w.mu.
func (w *Workspace) numID() string {
	w.db.counter++
	return strconv.FormatInt(w.db.counter, 10)
}

// Admit applies the rate limit, if any.
func (w *Workspace) Admit(_ *http.Request, requestID string) (http.Header, *intercomtest.Response) {
	if w.rate == nil {
		return nil, nil
	}
	h, ok := w.rate.take(w.now())
	if ok {
		return h, nil
	}
	resp := errorResponse(requestID, &apiError{Status: http.StatusTooManyRequests, Code: "rate_limit_exceeded", Message: "Rate Limit Exceeded"})
	return h, &resp
}

// apiError is an answer in Intercom's error.list shape.
type apiError struct {
	Status  int
	Code    string
	Message string
	Field   string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func errorBody(requestID string, e *apiError) []byte {
	entry := map[string]any{"code": e.Code, "message": e.Message}
	if e.Field != "" {
		entry["field"] = e.Field
	}
	data, _ := json.Marshal(map[string]any{"type": "error.list", "request_id": requestID, "errors": []any{entry}})
	return data
}

func notFound(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

func badRequest(code, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: msg}
}

func invalid(field, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "parameter_invalid", Message: msg, Field: field}
}

// LoadSeedFile reads a seed from a JSON file (see Seed).
func LoadSeedFile(path string) (*Seed, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("workspace: seed: %w", err)
	}
	defer f.Close()
	return ReadSeed(f)
}

// maxSeedBytes bounds a seed file.
const maxSeedBytes = 64 << 20

// ReadSeed decodes a seed (see Seed) from r, rejecting unknown fields so
// that a misspelt key is reported instead of ignored.
func ReadSeed(r io.Reader) (*Seed, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxSeedBytes))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("workspace: seed: %w (the seed is a JSON object with admins, data_attributes, tags, companies and contacts)", err)
	}
	return &s, nil
}

// lower is strings.ToLower for comparisons Intercom makes case-blind.
func lower(s string) string { return strings.ToLower(s) }
