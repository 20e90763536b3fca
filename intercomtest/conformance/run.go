package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// token is the bearer token the suite sends.
const token = "conformance-token"

// callTimeout bounds one call, so that a server that never answers fails
// the call instead of hanging the suite.
const callTimeout = 30 * time.Second

// Run checks every operation of version through the typed client built by
// newClient, as adapted by calls (keyed by operationId): first against the
// fake server, then against Prism (see EnvPrism for how Prism is found,
// installed or skipped). It fails the test for an operation missing from
// calls or in calls but not in the description, for a defect of the
// description's examples that KnownDefects does not list or a listed one
// that no longer occurs, and for every operation that fails, unless
// KnownFailures lists it. It logs the coverage of each half,
// "conformance 2.11: 108/108 operations (fake server)".
func Run[C any](t *testing.T, version string, newClient func(...intercom.Option) (C, error), calls map[string]Call[C]) {
	t.Helper()
	doc, err := oas.Load(version)
	if err != nil {
		t.Fatal(err)
	}
	plans := plan(doc)
	if missing, unknown := coverage(doc, calls); len(missing) > 0 || len(unknown) > 0 {
		t.Errorf("the table of calls does not match the description of %s (regenerate with `go run ./cmd/intercom-gen generate`): missing %v, not in the description %v", version, missing, unknown)
	}
	var found []Defect
	for _, p := range plans {
		for _, d := range p.defects {
			found = append(found, d)
			t.Logf("known spec defect (%s): %s %s %s: %s", d.Class, d.Version, d.Operation, d.Where, d.Why)
			for _, u := range d.unexplained {
				t.Errorf("spec defect of a class no rule explains: %q, at %s %s (%s). Check it is the description's fault, then add a DefectClass to intercomtest/conformance/classes.go", u, d.Operation, d.Where, d.Why)
			}
		}
	}
	fresh, stale := reconcile(version, found, KnownDefects)
	for _, d := range stale {
		t.Errorf("the generated defect report lists %s %s %q (%s), which no longer occurs: run `make generate`", d.Version, d.Operation, d.Where, d.Class)
	}
	if len(fresh) > 0 {
		lines := make([]string, len(fresh))
		for i, d := range fresh {
			lines[i] = "\t" + d.String()
		}
		t.Errorf("the generated defect report (%s) lacks defects of %s: run `make generate`:\n%s", ReportFile, version, strings.Join(lines, "\n"))
	}

	t.Run("fake", func(t *testing.T) {
		runFake(t, doc, plans, newClient, calls)
	})
	t.Run("prism", func(t *testing.T) {
		runPrism(t, doc, plans, newClient, calls)
	})
}

// coverage lists the operations of doc that calls lacks, and the entries of
// calls that doc lacks.
func coverage[C any](doc *oas.Doc, calls map[string]Call[C]) (missing, unknown []string) {
	for _, op := range doc.Operations {
		if _, ok := calls[op.ID]; !ok {
			missing = append(missing, op.ID)
		}
	}
	for id := range calls {
		if _, ok := doc.Operation(id); !ok {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	return missing, unknown
}

// reconcile compares the defects found in version with the known ones:
// fresh are found but not known, stale known but not found.
func reconcile(version string, found, known []Defect) (fresh, stale []Defect) {
	seen := map[string]bool{}
	for _, d := range found {
		seen[d.key()] = true
	}
	listed := map[string]bool{}
	for _, d := range known {
		if d.Version != version {
			continue
		}
		listed[d.key()] = true
		if !seen[d.key()] {
			stale = append(stale, d)
		}
	}
	for _, d := range found {
		if !listed[d.key()] {
			fresh = append(fresh, d)
			listed[d.key()] = true
		}
	}
	slices.SortFunc(fresh, func(a, b Defect) int { return strings.Compare(a.key(), b.key()) })
	return fresh, stale
}

// exchange is one request and answer as the client saw them.
type exchange struct {
	status int
	header http.Header
	body   []byte
	sent   []byte
	// sentType is the Content-Type of the request body.
	sentType string
}

// recorder is an http.RoundTripper that keeps the last exchange with the
// server under test. A request to another host (where a documented
// redirect points: a signed download URL) is answered by the recorder
// itself with a few bytes, standing in for that host, so that the suite
// never leaves the machine.
type recorder struct {
	next http.RoundTripper
	host string // the server under test; "" records every host
	mu   sync.Mutex
	last *exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.host != "" && req.URL.Host != r.host {
		if req.Body != nil {
			req.Body.Close()
		}
		return &http.Response{
			StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:  http.Header{"Content-Type": {"application/octet-stream"}},
			Body:    io.NopCloser(strings.NewReader("stand-in for " + req.URL.Host)),
			Request: req,
		}, nil
	}
	var sent []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		sent = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.last = &exchange{status: resp.StatusCode, header: resp.Header.Clone(), body: body, sent: sent, sentType: req.Header.Get("Content-Type")}
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) take() *exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	x := r.last
	r.last = nil
	return x
}

// client builds a typed client for baseURL that records its exchanges and
// never retries, so that each call is exactly one request.
func client[C any](t *testing.T, baseURL string, newClient func(...intercom.Option) (C, error)) (C, *recorder) {
	t.Helper()
	rec := &recorder{next: http.DefaultTransport}
	if u, err := url.Parse(baseURL); err == nil {
		rec.host = u.Host
	}
	c, err := newClient(
		intercom.WithToken(token),
		intercom.WithBaseURL(baseURL),
		intercom.WithMaxRetries(0),
		intercom.WithHTTPClient(&http.Client{Transport: rec}),
	)
	if err != nil {
		t.Fatalf("building the client: %v", err)
	}
	return c, rec
}

// invoke runs one call with a bound on its time, turning a panic in the
// client into an error.
func invoke[C any](t *testing.T, call Call[C], c C, in *Input) (res any, err error) {
	ctx, cancel := context.WithTimeout(t.Context(), callTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%s panicked: %v", call.Method, p)
		}
	}()
	return call.Do(ctx, c, in)
}

func runFake[C any](t *testing.T, doc *oas.Doc, plans []*planned, newClient func(...intercom.Option) (C, error), calls map[string]Call[C]) {
	srv := intercomtest.NewServer(t, doc.Version, intercomtest.WithTokens(token))
	c, rec := client(t, srv.URL(), newClient)
	drive(t, doc.Version, "fake server", plans, calls, func(t *testing.T, p *planned, call Call[C]) []string {
		return fakeProblems(t, srv, c, rec, p, call)
	})
}

// fakeProblems makes one call against the fake server and lists what went
// wrong: not exactly one request, a violation, the wrong operation, a body
// other than the one set, an error, or a result that lost values.
func fakeProblems[C any](t *testing.T, srv *intercomtest.Server, c C, rec *recorder, p *planned, call Call[C]) []string {
	if p.answerErr != nil {
		return []string{fmt.Sprintf("the fake has no valid answer: %v", p.answerErr)}
	}
	before := len(srv.Requests())
	res, err := invoke(t, call, c, p.in)
	x := rec.take()
	reqs := srv.Requests()[before:]
	if len(reqs) != 1 {
		return []string{fmt.Sprintf("%s sent %d requests, want exactly 1 (error: %v)", call.Method, len(reqs), err)}
	}
	var problems []string
	got := reqs[0]
	for _, v := range got.Violations {
		problems = append(problems, "the fake rejected the request: "+v.String())
	}
	if got.OperationID != p.op.ID {
		problems = append(problems, fmt.Sprintf("%s was routed to operation %q, want %q (%s %s)", call.Method, got.OperationID, p.op.ID, got.Method, got.Path))
	}
	if p.in.body != nil && !jsonEqual(got.Body, p.in.body) {
		problems = append(problems, fmt.Sprintf("%s sent a body other than the one set:\n set:  %s\n sent: %s", call.Method, p.in.body, got.Body))
	}
	if p.in.form != nil {
		problems = append(problems, formProblems(call.Method, p.in.form, got.Header.Get("Content-Type"), got.Body)...)
	}
	if err != nil {
		return append(problems, fmt.Sprintf("%s failed: %v", call.Method, err))
	}
	return append(problems, checkResult(call, p.result, res, x)...)
}

// outcome is how one operation fared.
type outcome int

const (
	failed outcome = iota
	passed
	blocked // no valid request exists, by a known spec defect
	xfailed // failed, as KnownFailures says it does
)

// drive runs check for every operation as a subtest, reconciles the result
// with the known defects and failures, and reports the coverage.
func drive[C any](t *testing.T, version, target string, plans []*planned, calls map[string]Call[C], check func(*testing.T, *planned, Call[C]) []string) {
	t.Helper()
	counts := map[outcome]int{}
	var skipped []string
	for _, p := range plans {
		result := failed
		t.Run(p.op.ID, func(t *testing.T) {
			call, ok := calls[p.op.ID]
			if !ok {
				t.Fatalf("the generated table has no call for %s: regenerate with `go run ./cmd/intercom-gen generate`", p.op.ID)
			}
			if p.err != nil {
				if d, ok := knownBlocker(p); ok {
					result = blocked
					t.Skipf("blocked by a known spec defect in the %s: %s", d.Where, d.Why)
				}
				t.Fatalf("no valid request could be built: %v", p.err)
			}
			problems := check(t, p, call)
			if f, ok := knownFailure(version, p.op.ID); ok {
				if len(problems) == 0 {
					t.Errorf("%s %s passes now but is listed in KnownFailures (%s): remove the entry", version, p.op.ID, f.Why)
					return
				}
				result = xfailed
				t.Skipf("known failure: %s\nit fails with: %s", f.Why, problems[0])
			}
			for _, m := range problems {
				t.Error(m)
			}
			if len(problems) == 0 {
				result = passed
			}
		})
		counts[result]++
		switch result {
		case blocked:
			skipped = append(skipped, p.op.ID+" (blocked by a known spec defect)")
		case xfailed:
			skipped = append(skipped, p.op.ID+" (known failure)")
		}
	}
	line := fmt.Sprintf("conformance %s: %d/%d operations (%s)", version, counts[passed], len(plans), target)
	if len(skipped) > 0 {
		line += "; not passing, as listed: " + strings.Join(skipped, ", ")
	}
	t.Log(line)
	if n := counts[failed]; n > 0 {
		t.Errorf("conformance %s: %d of %d operations failed against the %s", version, n, len(plans), target)
	}
}

// knownBlocker returns the listed defect that keeps a valid request from
// being built for p.
func knownBlocker(p *planned) (Defect, bool) {
	for _, d := range p.defects {
		if d.Class == "" || len(d.unexplained) > 0 {
			continue
		}
		for _, k := range KnownDefects {
			if k.key() == d.key() {
				return k, true
			}
		}
	}
	return Defect{}, false
}

func knownFailure(version, op string) (Failure, bool) {
	for _, f := range KnownFailures {
		if f.Version == version && f.Operation == op {
			return f, true
		}
	}
	return Failure{}, false
}

// checkResult checks that a call that documents a body returned one, and
// that it holds what the server sent: encoding it again must give back
// every value of the answer that the schema declares.
func checkResult[C any](call Call[C], schema *openapi3.Schema, res any, x *exchange) []string {
	if !call.Result {
		return nil
	}
	if res == nil || reflect.ValueOf(res).IsNil() {
		return []string{call.Method + " returned no body"}
	}
	if x == nil {
		return nil
	}
	again, err := json.Marshal(res)
	if err != nil {
		return []string{fmt.Sprintf("%s: the decoded %T does not encode again: %v", call.Method, res, err)}
	}
	if lost := missingFrom(schema, x.body, again); len(lost) > 0 {
		return []string{fmt.Sprintf("%s: the decoded %T lost %d value(s) of the answer, first %s\n answer:  %s\n decoded: %s", call.Method, res, len(lost), lost[0], clip(x.body), clip(again))}
	}
	return nil
}

func clip(b []byte) string {
	const n = 600
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// jsonEqual reports whether a and b hold the same JSON value, comparing
// scalars with sameValue.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return equalValues(x, y)
}

func equalValues(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			w, ok := bv[k]
			if !ok || !equalValues(v, w) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equalValues(av[i], bv[i]) {
				return false
			}
		}
		return true
	default:
		return sameValue(a, b)
	}
}

// sameValue compares two JSON scalars. RFC 3339 timestamps compare as the
// instants they name: a date-time field decodes into time.Time, which
// writes "2025-01-24T09:01:00.000Z" back as "2025-01-24T09:01:00Z", the
// same instant; anything else must be equal.
func sameValue(w, g any) bool {
	if reflect.DeepEqual(w, g) {
		return true
	}
	ws, ok1 := w.(string)
	gs, ok2 := g.(string)
	if !ok1 || !ok2 {
		return false
	}
	wt, err1 := time.Parse(time.RFC3339Nano, ws)
	gt, err2 := time.Parse(time.RFC3339Nano, gs)
	return err1 == nil && err2 == nil && wt.Equal(gt)
}

// missingFrom lists the JSON pointers of values in want (a response body)
// that got (the decoded result encoded again) lacks or holds differently.
// A null in want may be absent from got: Go's omitempty drops it.
func missingFrom(schema *openapi3.Schema, want, got []byte) []string {
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return []string{"/ (the answer is not JSON: " + err.Error() + ")"}
	}
	// Keys the schema does not declare have no field to land in.
	w = oas.Declared(schema, w)
	if err := json.Unmarshal(got, &g); err != nil {
		return []string{"/ (the result does not encode as JSON: " + err.Error() + ")"}
	}
	var out []string
	diff("", w, g, &out)
	return out
}

func diff(ptr string, w, g any, out *[]string) {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			*out = append(*out, orRoot(ptr))
			return
		}
		for _, k := range slices.Sorted(maps.Keys(wv)) {
			if wv[k] == nil {
				continue
			}
			if _, ok := gv[k]; !ok {
				*out = append(*out, ptr+"/"+k)
				continue
			}
			diff(ptr+"/"+k, wv[k], gv[k], out)
		}
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			*out = append(*out, orRoot(ptr))
			return
		}
		for i := range wv {
			diff(fmt.Sprintf("%s/%d", ptr, i), wv[i], gv[i], out)
		}
	case float64:
		// Numbers may pass through float32 fields; compare at that
		// precision.
		gv, ok := g.(float64)
		if !ok || float32(gv) != float32(wv) {
			*out = append(*out, orRoot(ptr))
		}
	default:
		if !sameValue(w, g) {
			*out = append(*out, orRoot(ptr))
		}
	}
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

// apiError returns the *intercom.Error in err, if any.
func apiError(err error) (*intercom.Error, bool) {
	var e *intercom.Error
	ok := errors.As(err, &e)
	return e, ok
}
