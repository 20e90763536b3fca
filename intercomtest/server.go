package intercomtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// DefaultMaxBodyBytes is the largest request body the server reads unless
// WithMaxBodyBytes says otherwise.
const DefaultMaxBodyBytes = 8 << 20

// Option configures a Server.
type Option func(*config)

type config struct {
	tokens           []string
	logger           *slog.Logger
	maxBody          int64
	maxHistory       int // 0: keep every request
	validateResponse bool
	state            State
	errs             []error
}

// WithTokens accepts only the given bearer tokens. Without it any
// non-empty bearer token is accepted.
func WithTokens(tokens ...string) Option {
	return func(c *config) {
		for _, t := range tokens {
			if strings.TrimSpace(t) == "" {
				c.errs = append(c.errs, errors.New("intercomtest: WithTokens: empty token (omit the option to accept any bearer token)"))
				return
			}
		}
		c.tokens = append(c.tokens, tokens...)
	}
}

// WithLogger logs every request at info level, and every violation at warn
// level, to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithMaxBodyBytes sets the largest request body read; a larger one is
// answered 413. The default is DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("intercomtest: WithMaxBodyBytes: need a positive size, got %d", n))
			return
		}
		c.maxBody = n
	}
}

// WithMaxHistory keeps only the n most recent requests (with their
// violations) for Requests and Violations, so that a long-running fake uses
// bounded memory. Without it every request is kept, which suits tests.
func WithMaxHistory(n int) Option {
	return func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("intercomtest: WithMaxHistory: need a positive count, got %d", n))
			return
		}
		c.maxHistory = n
	}
}

// WithResponseValidation also checks the answers scripted with On against
// the description (status, headers and body of that status), recording a
// violation for each problem; the answer is sent as scripted all the same.
// Leave it off to script answers that deliberately break the description.
func WithResponseValidation() Option {
	return func(c *config) { c.validateResponse = true }
}

// Server is a fake Intercom API for one version. It is an http.Handler; Start
// and NewServer also listen on a loopback port. A Server is safe for
// concurrent use.
type Server struct {
	doc  *oas.Doc
	cfg  config
	tb   testing.TB
	http *httptest.Server

	mu         sync.Mutex
	seq        int
	requests   []*Request
	setup      []Violation // problems in how the test configured the server
	responders map[string]Responder
	answers    map[string]*oas.Answer
}

// New builds a fake for the named version ("2.11"; "v2_11" works too) without
// listening: serve it with any http.Server, or use Start.
func New(version string, opts ...Option) (*Server, error) {
	cfg := config{maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(cfg.errs) > 0 {
		return nil, errors.Join(cfg.errs...)
	}
	doc, err := oas.Load(version)
	if err != nil {
		return nil, fmt.Errorf("intercomtest: %w", err)
	}
	return newServer(doc, cfg), nil
}

// newServer builds a fake for a loaded description.
func newServer(doc *oas.Doc, cfg config) *Server {
	return &Server{
		doc:        doc,
		cfg:        cfg,
		responders: map[string]Responder{},
		answers:    map[string]*oas.Answer{},
	}
}

// Start builds a fake for the named version and serves it on a loopback
// port. Close it when done.
func Start(version string, opts ...Option) (*Server, error) {
	s, err := New(version, opts...)
	if err != nil {
		return nil, err
	}
	s.http = httptest.NewServer(s)
	return s, nil
}

// NewServer starts a fake for the named version for the duration of a test:
// it is closed when the test ends, a bad version or option ends the test,
// and misnamed operations given to On fail it.
func NewServer(tb testing.TB, version string, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(version, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// URL is the base URL of a started server, "http://127.0.0.1:PORT", to pass
// to intercom.WithBaseURL; "" for a server built with New.
func (s *Server) URL() string {
	if s.http == nil {
		return ""
	}
	return s.http.URL
}

// Close stops a started server and waits for its requests to finish.
func (s *Server) Close() {
	if s.http != nil {
		s.http.Close()
	}
}

// Version is the API version the server speaks, "2.11".
func (s *Server) Version() string { return s.doc.Version }

// Operations lists the IDs of every operation the server knows, sorted.
func (s *Server) Operations() []string {
	ids := make([]string, len(s.doc.Operations))
	for i, o := range s.doc.Operations {
		ids[i] = o.ID
	}
	return ids
}

// On scripts the answer to every valid request for an operation, in place
// of the documented success response; a nil Responder restores that. The
// operation is named by its operationId or by the Go method that calls it,
// in any case: "listTags", "ListTags" and "listtags" are the same.
// Requests that break the description are still answered with the
// violation. An unknown operation is recorded as a violation (and fails
// the test of a server from NewServer).
func (s *Server) On(operation string, r Responder) {
	operationID, ok := s.resolve(operation)
	if !ok {
		v := Violation{In: InSetup, Code: "not_found", Message: s.unknownOperation(operation)}
		s.mu.Lock()
		s.setup = append(s.setup, v)
		s.mu.Unlock()
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Error(v.String())
		}
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r == nil {
		delete(s.responders, operationID)
		return
	}
	s.responders[operationID] = r
}

// foldName reduces an operationId or Go method name to the letters and
// digits that identify it, in lower case.
func foldName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// resolve finds the operationId an operation or method name stands for:
// the exact operationId first, then one that differs only in case or
// punctuation, as long as exactly one does.
func (s *Server) resolve(name string) (string, bool) {
	if _, ok := s.doc.Operation(name); ok {
		return name, true
	}
	if found := s.folded(name); len(found) == 1 {
		return found[0], true
	}
	return "", false
}

// folded lists the operationIds that differ from name only in case or
// punctuation.
func (s *Server) folded(name string) []string {
	want := foldName(name)
	var found []string
	for _, o := range s.doc.Operations {
		if foldName(o.ID) == want {
			found = append(found, o.ID)
		}
	}
	return found
}

func (s *Server) unknownOperation(id string) string {
	msg := fmt.Sprintf("On: Intercom API %s has no operation %q", s.doc.Version, id)
	if close := s.folded(id); len(close) > 1 {
		return msg + fmt.Sprintf(" (it could be any of %s: use the exact operationId)", strings.Join(close, ", "))
	}
	return msg + " (Operations lists them)"
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// RequestsFor returns the requests received so far for one operation,
// named as for On.
func (s *Server) RequestsFor(operation string) []Request {
	operationID, ok := s.resolve(operation)
	if !ok {
		return nil
	}
	var out []Request
	for _, r := range s.Requests() {
		if r.OperationID == operationID {
			out = append(out, r)
		}
	}
	return out
}

// Violations returns every violation found so far: in the requests
// received, in scripted answers (with WithResponseValidation), and in how
// the server was configured.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.setup)
	for _, r := range s.requests {
		out = append(out, r.Violations...)
	}
	return out
}

// AssertNoViolations fails the test, listing them, if any violation was
// found so far. It reports whether there were none.
func (s *Server) AssertNoViolations(tb testing.TB) bool {
	tb.Helper()
	vs := s.Violations()
	if len(vs) == 0 {
		return true
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = "  " + v.String()
	}
	tb.Errorf("the fake Intercom API %s found %d violation(s):\n%s", s.doc.Version, len(vs), strings.Join(lines, "\n"))
	return false
}

// Reset forgets the requests received and the violations found; scripted
// answers stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.setup = nil
}

// RedirectPath is where the fake's documented redirects point (a recording,
// say): it answers there with a few bytes of application/octet-stream, and
// does not record the request, which is not one of the API.
const RedirectPath = "/_intercomtest/redirect/"

// RequestID returns the request id the server gives its n-th request (from
// 1): 20 lowercase letters and digits, shaped like Intercom's own (for
// example "002d37gmte7nhkf9o4eg"), which are not UUIDs. It is
// deterministic, so tests can expect it.
func RequestID(n int) string {
	a := strconv.FormatUint(mix(uint64(n)), 36)
	b := strconv.FormatUint(mix(uint64(n)^0x9e3779b97f4a7c15), 36)
	id := strings.Repeat("0", 13-len(a)) + a + strings.Repeat("0", 13-len(b)) + b
	return id[:20]
}

// mix is splitmix64's finalizer: a cheap bijection that spreads sequence
// numbers over the id space.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// ServeHTTP validates and answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, RedirectPath) && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(oas.BinaryBody)
		return
	}
	s.mu.Lock()
	s.seq++
	id := RequestID(s.seq)
	if s.cfg.state != nil {
		id = s.cfg.state.RequestID()
	}
	rec := &Request{
		Seq:    s.seq,
		ID:     id,
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
	}
	s.mu.Unlock()

	var extra http.Header
	var resp Response
	if s.cfg.state != nil {
		var turned *Response
		extra, turned = s.cfg.state.Admit(r, rec.ID)
		if turned != nil {
			resp = *turned
		}
	}
	if resp.Status == 0 {
		resp = s.handle(r, rec)
	}
	rec.Status = resp.Status

	s.mu.Lock()
	s.requests = append(s.requests, rec)
	if over := len(s.requests) - s.cfg.maxHistory; s.cfg.maxHistory > 0 && over > 0 {
		// Drop the oldest, clearing their slots so they can be collected.
		n := copy(s.requests, s.requests[over:])
		clear(s.requests[n:])
		s.requests = s.requests[:n]
	}
	s.mu.Unlock()
	s.log(rec)

	h := w.Header()
	for k, vs := range extra {
		h[k] = slices.Clone(vs)
	}
	for k, vs := range resp.Header {
		h[k] = slices.Clone(vs)
	}
	h.Set("X-Request-Id", rec.ID)
	if len(resp.Body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.Body)
	}
}

// handle decides the answer to r, filling in rec.
func (s *Server) handle(r *http.Request, rec *Request) Response {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.cfg.maxBody))
	rec.Body = body
	if err != nil {
		v := Violation{In: InBody, Code: "parameter_invalid", Message: "reading the request body: " + err.Error()}
		status := http.StatusBadRequest
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			v.Code = "request_too_large"
			v.Message = fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)
			status = http.StatusRequestEntityTooLarge
		}
		return s.reject(rec, status, []Violation{v}, nil)
	}
	// The router and validator read the body again.
	r.Body = io.NopCloser(bytes.NewReader(body))

	route, pathParams, err := s.doc.Router.FindRoute(r)
	if err != nil {
		if allowed := s.doc.Methods(r); len(allowed) > 0 {
			v := Violation{In: InRoute, Code: "method_not_allowed",
				Message: fmt.Sprintf("%s is not allowed on %s in Intercom API %s: use %s", r.Method, r.URL.Path, s.doc.Version, strings.Join(allowed, ", "))}
			return s.reject(rec, http.StatusMethodNotAllowed, []Violation{v}, http.Header{"Allow": {strings.Join(allowed, ", ")}})
		}
		v := Violation{In: InRoute, Code: "not_found",
			Message: fmt.Sprintf("no operation of Intercom API %s matches %s %s", s.doc.Version, r.Method, r.URL.Path)}
		return s.reject(rec, http.StatusNotFound, []Violation{v}, nil)
	}
	op, _ := s.doc.Operation(operationID(route.Operation, route.Method, route.Path))
	rec.OperationID = op.ID

	if vs := s.validate(r, route, pathParams, op, body); len(vs) > 0 {
		return s.reject(rec, statusOf(vs), vs, nil)
	}

	s.mu.Lock()
	responder := s.responders[op.ID]
	s.mu.Unlock()
	if responder != nil {
		resp, err := call(responder, rec)
		if err == nil {
			err = resp.err
		}
		if err != nil {
			v := Violation{In: InSetup, Code: "server_error", Message: err.Error()}
			return s.reject(rec, http.StatusInternalServerError, []Violation{v}, nil)
		}
		if resp.overrides != nil {
			resp, err = s.documentedWith(op, resp)
			if err != nil {
				v := Violation{In: InSetup, Code: "server_error", Message: err.Error()}
				return s.reject(rec, http.StatusInternalServerError, []Violation{v}, nil)
			}
		}
		if resp.Status != 0 {
			if s.cfg.validateResponse {
				rec.Violations = append(rec.Violations, s.validateResponse(r, route, pathParams, resp)...)
			}
			return resp
		}
	}
	if s.cfg.state != nil {
		if resp, ok := s.cfg.state.Answer(StateCall{
			Version: s.doc.Version, OperationID: op.ID, Method: op.Method, PathTemplate: op.Path,
			PathParams: pathParams, Query: rec.Query, Header: rec.Header, Body: body, RequestID: rec.ID,
		}); ok {
			return resp
		}
	}
	return s.documented(rec, op)
}

// call runs a test's responder, turning a panic into an error.
func call(responder Responder, rec *Request) (resp Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the responder scripted for %s panicked: %v", rec.OperationID, p)
		}
	}()
	// A copy, so that a responder that keeps it sees no later changes.
	c := rec.clone()
	return responder(&c), nil
}

// documented answers with the operation's documented success response.
func (s *Server) documented(rec *Request, op *oas.Operation) Response {
	a, err := s.answer(op)
	if err != nil {
		v := Violation{In: InSetup, Code: "server_error",
			Message: fmt.Sprintf("the description documents no valid success response: %v; script one with On(%q, ...)", err, op.ID)}
		return s.reject(rec, http.StatusInternalServerError, []Violation{v}, nil)
	}
	resp := Response{Status: a.Status, Body: a.Body, Header: http.Header{}}
	if a.ContentType != "" {
		resp.Header.Set("Content-Type", a.ContentType)
	}
	if a.Redirect {
		// Relative, so that it works wherever the fake is served.
		resp.Header.Set("Location", RedirectPath+url.PathEscape(op.ID))
	}
	return resp
}

// answer builds an operation's documented answer once.
func (s *Server) answer(op *oas.Operation) (*oas.Answer, error) {
	s.mu.Lock()
	a, ok := s.answers[op.ID]
	s.mu.Unlock()
	if ok {
		return a, nil
	}
	a, err := op.SuccessAnswer()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.answers[op.ID] = a
	s.mu.Unlock()
	return a, nil
}

// reject records the violations and answers with Intercom's error shape.
func (s *Server) reject(rec *Request, status int, vs []Violation, header http.Header) Response {
	for i := range vs {
		vs[i].Method, vs[i].Path, vs[i].OperationID = rec.Method, rec.Path, rec.OperationID
		vs[i].Status = status
	}
	rec.Violations = append(rec.Violations, vs...)
	body := errorList{Type: "error.list", RequestID: rec.ID}
	for _, v := range vs {
		body.Errors = append(body.Errors, errorEntry{Code: v.Code, Message: v.Message, Field: v.Field})
	}
	data, _ := json.Marshal(body)
	if header == nil {
		header = http.Header{}
	}
	header.Set("Content-Type", "application/json; charset=utf-8")
	return Response{Status: status, Header: header, Body: data}
}

// errorList is Intercom's error body.
type errorList struct {
	Type      string       `json:"type"`
	RequestID string       `json:"request_id"`
	Errors    []errorEntry `json:"errors"`
}

type errorEntry struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (s *Server) log(rec *Request) {
	l := s.cfg.logger
	if l == nil {
		return
	}
	l.Info("request", "method", rec.Method, "path", rec.Path, "operation", rec.OperationID, "status", rec.Status, "request_id", rec.ID)
	for _, v := range rec.Violations {
		l.Warn("violation", "request_id", rec.ID, "in", v.In, "field", v.Field, "code", v.Code, "message", v.Message)
	}
}

// operationID names an operation as oas.Doc does.
func operationID(op *openapi3.Operation, method, path string) string {
	if op.OperationID != "" {
		return op.OperationID
	}
	return strings.ToUpper(method) + " " + path
}

// Request is one request the server received.
type Request struct {
	// Seq numbers the requests from 1 in the order they arrived.
	Seq int
	// ID is the request_id the server answered with.
	ID string
	// Method is the HTTP method, "GET".
	Method string
	// Path is the URL path, "/contacts/123".
	Path string
	// Query is the parsed query string.
	Query url.Values
	// OperationID is the operation the request was routed to; "" when no
	// operation matched.
	OperationID string
	// Header is the request header as received.
	Header http.Header
	// Body is the request body as received.
	Body []byte
	// Status is the status the server answered with.
	Status int
	// Violations are the ways the request broke the description (and, with
	// WithResponseValidation, the ways a scripted answer did).
	Violations []Violation
}

func (r *Request) clone() Request {
	c := *r
	c.Query = url.Values(http.Header(r.Query).Clone())
	c.Header = r.Header.Clone()
	c.Body = slices.Clone(r.Body)
	c.Violations = slices.Clone(r.Violations)
	return c
}

// JSON decodes the request body into v.
func (r Request) JSON(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("intercomtest: request %s %s body: %w", r.Method, r.Path, err)
	}
	return nil
}

// Where a violation was found.
const (
	InRoute    = "route"    // no operation for the method and path
	InAuth     = "auth"     // authentication
	InVersion  = "version"  // the Intercom-Version header
	InPath     = "path"     // a path parameter
	InQuery    = "query"    // a query parameter
	InHeader   = "header"   // a header parameter
	InCookie   = "cookie"   // a cookie parameter
	InBody     = "body"     // the request body
	InResponse = "response" // a scripted answer (WithResponseValidation)
	InSetup    = "setup"    // how the test configured the server
)

// Violation is one way a request broke the description.
type Violation struct {
	// OperationID, Method and Path identify the request; OperationID is ""
	// when no operation matched, and all three are "" for InSetup.
	OperationID string
	Method      string
	Path        string
	// In says where: InRoute, InAuth, InVersion, InPath, InQuery, InHeader,
	// InCookie, InBody, InResponse or InSetup.
	In string
	// Field is the parameter's name, or the JSON pointer of the offending
	// value in the body ("/email"); it may be empty.
	Field string
	// Code is the Intercom error code answered, "parameter_invalid".
	Code string
	// Status is the HTTP status answered.
	Status int
	// Message says what is wrong and what the description expects.
	Message string
}

// String renders the violation on one line.
func (v Violation) String() string {
	var b strings.Builder
	if v.Method != "" {
		fmt.Fprintf(&b, "%s %s", v.Method, v.Path)
		if v.OperationID != "" {
			fmt.Fprintf(&b, " (%s)", v.OperationID)
		}
		b.WriteString(": ")
	}
	b.WriteString(v.In)
	if v.Field != "" {
		fmt.Fprintf(&b, " %s", v.Field)
	}
	fmt.Fprintf(&b, ": %s [%s", v.Message, v.Code)
	if v.Status != 0 {
		fmt.Fprintf(&b, ", %d", v.Status)
	}
	b.WriteString("]")
	return b.String()
}

// documentedWith builds a DocumentedWith answer: the documented success
// body with the scripted fields merged in.
func (s *Server) documentedWith(op *oas.Operation, scripted Response) (Response, error) {
	a, err := s.answer(op)
	if err != nil {
		return Response{}, fmt.Errorf("DocumentedWith: the description documents no valid success response for %s: %w", op.ID, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(a.Body, &doc); err != nil || doc == nil {
		return Response{}, fmt.Errorf("DocumentedWith: the documented answer of %s is not a JSON object; script it with Respond", op.ID)
	}
	mergeFields(doc, scripted.overrides)
	body, err := json.Marshal(doc)
	if err != nil {
		return Response{}, fmt.Errorf("DocumentedWith: a field for %s does not encode as JSON: %w", op.ID, err)
	}
	resp := Response{Status: a.Status, Body: body, Header: scripted.Header}
	if a.ContentType != "" && resp.Header.Get("Content-Type") == "" {
		resp.Header = resp.Header.Clone()
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		resp.Header.Set("Content-Type", a.ContentType)
	}
	return resp, nil
}
