// Package pagecheck holds what the pagination tests share: a fake Intercom
// server that serves a list in each pagination style, optionally injecting
// faults, and a check, independent of the generator, that every paginated
// operation of a version has its iterators. The generated tests of each
// version package and the tests of the root package use it.
package pagecheck

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Styles, spelled as intercom.PageStyle's String method spells them.
const (
	Cursor     = "cursor"
	Search     = "search"
	Scroll     = "scroll"
	PageNumber = "page number"
	NextURL    = "next URL"
	// Any serves pages whose next page is given in turn by a cursor, a
	// link and only page numbers, for clients that follow whichever a
	// response gives.
	Any = "any"
)

// Styles lists every style.
var Styles = []string{Cursor, Search, Scroll, PageNumber, NextURL, Any}

// Fault is a failure the server can answer a request with instead of a page.
type Fault int

const (
	// RateLimited answers 429 with Retry-After: 0.
	RateLimited Fault = iota
	// ServerError answers 500, 502, 503 or 504.
	ServerError
	// Dropped closes the connection without answering.
	Dropped
)

// String names the fault.
func (f Fault) String() string {
	switch f {
	case RateLimited:
		return "429"
	case ServerError:
		return "5xx"
	case Dropped:
		return "dropped connection"
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// Misbehaviour makes the server break the pagination contract, to test that
// a client notices.
type Misbehaviour int

const (
	// Behave follows the contract.
	Behave Misbehaviour = iota
	// RepeatCursor answers every page after the first with the cursor (or
	// next link) it was asked with.
	RepeatCursor
	// CycleCursor answers page 4 with the cursor (or link) of page 2, so
	// that a client following it goes round pages 2-4 forever.
	CycleCursor
	// IgnorePage ignores the page query parameter and always answers with
	// page 1.
	IgnorePage
)

// Config describes the list a Server serves.
type Config struct {
	// Style is one of Styles.
	Style string
	// Items is the length of the list.
	Items int
	// PerPage is the page size when the request does not set per_page
	// (scroll pages always have this size). Default 50.
	PerPage int
	// ItemsPath is where the items array sits in a page, such as
	// ["data"] or ["data", "articles"]. Default ["data"].
	ItemsPath []string
	// Item renders item i (from 0) as JSON. Default {"id":i}.
	Item func(i int) string
	// FaultRate is the fraction of requests answered with a fault drawn
	// from Faults (default: all kinds), with randomness seeded by Seed so
	// that a run is repeatable.
	FaultRate float64
	Faults    []Fault
	Seed      uint64
	// Misbehave breaks the contract; see Misbehaviour.
	Misbehave Misbehaviour
	// Layout puts the pagination fields elsewhere than in a pages object:
	// "top-level pages" (page, per_page and total_pages at the top, with
	// PageNumber) or "next_cursor" (next_cursor and has_more at the top,
	// the cursor read from the cursor query parameter, with Cursor).
	Layout string
	// RecordQueries keeps the query of every request for Queries. It is
	// off by default so that long runs keep the server's memory constant.
	RecordQueries bool
}

// Server is a fake Intercom endpoint serving one list. Every path is
// served; the method is not checked, except that search reads its cursor
// from the JSON body. A Server is safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, for intercom.WithBaseURL.
	URL string

	cfg Config
	srv *httptest.Server

	mu       sync.Mutex
	rng      *rand.Rand
	served   []int // pages answered, numbered from 1, in order
	requests int
	faults   map[Fault]int
	queries  []url.Values
	scrolls  int            // scrolls opened
	scroll   map[string]int // open scrolls: offset of the next batch
}

// NewServer starts a Server and stops it when the test ends.
func NewServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server; Close stops it.
func Start(cfg Config) (*Server, error) {
	known := false
	for _, st := range Styles {
		known = known || st == cfg.Style
	}
	if !known {
		return nil, fmt.Errorf("pagecheck: unknown style %q (want one of %s)", cfg.Style, strings.Join(Styles, ", "))
	}
	if cfg.PerPage <= 0 {
		cfg.PerPage = 50
	}
	if len(cfg.ItemsPath) == 0 {
		cfg.ItemsPath = []string{"data"}
	}
	if cfg.Item == nil {
		cfg.Item = func(i int) string { return `{"id":` + strconv.Itoa(i) + `}` }
	}
	if len(cfg.Faults) == 0 {
		cfg.Faults = []Fault{RateLimited, ServerError, Dropped}
	}
	s := &Server{
		cfg:    cfg,
		rng:    rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		faults: map[Fault]int{},
		scroll: map[string]int{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Served returns the numbers of the pages answered successfully, in the
// order they were answered. A client that delivers every item once, in
// order, without fetching a page twice, leaves 1, 2, ..., n.
func (s *Server) Served() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.served...)
}

// Requests returns how many requests reached the server, faults included.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Faults returns how many requests were answered with each fault.
func (s *Server) Faults() map[Fault]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Fault]int, len(s.faults))
	for k, v := range s.faults {
		out[k] = v
	}
	return out
}

// Queries returns the query of every request, faults included, when
// Config.RecordQueries is set.
func (s *Server) Queries() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.queries...)
}

// Scrolls returns how many scrolls were opened.
func (s *Server) Scrolls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scrolls
}

// TotalPages is the number of pages of n items at perPage a page.
func TotalPages(n, perPage int) int { return (n + perPage - 1) / perPage }

// restartMessage is what Intercom answers when a scroll breaks.
const restartMessage = "Request failed due to an internal network error. Please restart the scroll operation."

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	q := r.URL.Query()
	if s.cfg.RecordQueries {
		s.queries = append(s.queries, q)
	}

	if s.cfg.FaultRate > 0 && s.rng.Float64() < s.cfg.FaultRate {
		f := s.cfg.Faults[s.rng.IntN(len(s.cfg.Faults))]
		s.faults[f]++
		if s.cfg.Style == Scroll && f != RateLimited {
			// Intercom cannot continue a scroll after a failure: whatever
			// state the batch was in is lost.
			delete(s.scroll, q.Get("scroll_param"))
		}
		s.fault(w, f)
		return
	}

	perPage := s.cfg.PerPage
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 && s.cfg.Style != Scroll {
		perPage = n
	}
	total := TotalPages(s.cfg.Items, perPage)
	switch {
	case s.cfg.Style == Cursor && s.cfg.Layout == "next_cursor":
		page, ok := cursorPage(w, q.Get("cursor"), perPage, "cursor")
		if !ok {
			return
		}
		extra := map[string]any{"has_more": page < total, "next_cursor": nil}
		if page < total {
			extra["next_cursor"] = makeCursor(page * perPage)
		}
		s.page(w, page, perPage, nil, extra)
		return
	case s.cfg.Style == PageNumber && s.cfg.Layout == "top-level pages":
		page, ok := pageParam(w, q, s.cfg.Misbehave != IgnorePage)
		if !ok {
			return
		}
		s.page(w, page, perPage, nil, map[string]any{"page": page, "per_page": perPage, "total_pages": total})
		return
	}
	switch s.cfg.Style {
	case Cursor, Search, Any:
		cursor := q.Get("starting_after")
		if s.cfg.Style == Search {
			// Intercom reads a search's cursor from the body only; one in the
			// query string is ignored and the first page comes back.
			var req struct {
				Pagination *struct {
					PerPage       *int    `json:"per_page"`
					StartingAfter *string `json:"starting_after"`
				} `json:"pagination"`
			}
			if err := json.Unmarshal(body, &req); err != nil {
				writeError(w, http.StatusBadRequest, "parameter_invalid", "request body is not JSON: "+err.Error())
				return
			}
			cursor = ""
			if p := req.Pagination; p != nil {
				if p.StartingAfter != nil {
					cursor = *p.StartingAfter
				}
				if p.PerPage != nil && *p.PerPage > 0 {
					perPage = *p.PerPage
					total = TotalPages(s.cfg.Items, perPage)
				}
			}
		}
		page, ok := cursorPage(w, cursor, perPage, "starting_after cursor")
		if ok && cursor == "" {
			page, ok = pageParam(w, q, s.cfg.Style == Any)
		}
		if !ok {
			return
		}
		next := ""
		if page < total {
			next = makeCursor(page * perPage)
		}
		switch {
		case s.cfg.Misbehave == RepeatCursor && cursor != "":
			next = cursor
		case s.cfg.Misbehave == CycleCursor && page == 4:
			next = makeCursor(perPage)
		}
		pages := map[string]any{"type": "pages", "page": page, "per_page": perPage, "total_pages": total}
		switch {
		case next == "":
		case s.cfg.Style == Any && page%3 == 2 && s.cfg.Misbehave == Behave:
			pages["next"] = fmt.Sprintf("https://api.intercom.io%s?page=%d&per_page=%d", r.URL.Path, page+1, perPage)
		case s.cfg.Style == Any && page%3 == 0 && s.cfg.Misbehave == Behave:
			// Only page and total_pages say that there is more.
		default:
			pages["next"] = map[string]any{"per_page": perPage, "starting_after": next}
		}
		s.page(w, page, perPage, pages, nil)

	case PageNumber, NextURL:
		page, ok := pageParam(w, q, s.cfg.Misbehave != IgnorePage)
		if !ok {
			return
		}
		pages := map[string]any{"type": "pages", "page": page, "per_page": perPage, "total_pages": total, "next": nil}
		if s.cfg.Style == NextURL {
			nextPage := page + 1
			switch {
			case s.cfg.Misbehave == RepeatCursor && page > 1:
				nextPage = page
			case s.cfg.Misbehave == CycleCursor && page == 4:
				nextPage = 2
			}
			if page < total {
				// Intercom's links name its own host; the client must keep
				// sending to its base URL.
				pages["next"] = fmt.Sprintf("https://api.intercom.io%s?page=%d&per_page=%d", r.URL.Path, nextPage, perPage)
			}
		}
		s.page(w, page, perPage, pages, nil)

	case Scroll:
		param := q.Get("scroll_param")
		if param == "" {
			s.scrolls++
			param = fmt.Sprintf("scroll-%d", s.scrolls)
			s.scroll[param] = 0
		}
		off, ok := s.scroll[param]
		if !ok {
			writeError(w, http.StatusNotFound, "scroll_param_not_found", "scroll_param is unknown or has expired")
			return
		}
		s.scroll[param] = min(off+perPage, s.cfg.Items)
		// The scroll parameter stays the same for the whole scroll.
		s.write(w, off, perPage, nil, map[string]any{"scroll_param": param})
	}
}

// cursorPage returns the page (from 1) a cursor starts, 1 for no cursor.
// It answers 400 and reports false for a cursor the server did not give
// out; what names the cursor in that answer.
func cursorPage(w http.ResponseWriter, cursor string, perPage int, what string) (int, bool) {
	if cursor == "" {
		return 1, true
	}
	off, ok := parseCursor(cursor)
	if !ok || off%perPage != 0 {
		writeError(w, http.StatusBadRequest, "parameter_invalid", "unknown "+what)
		return 0, false
	}
	return off/perPage + 1, true
}

// pageParam returns the page query parameter, 1 when it is absent or
// read is false. It answers 400 and reports false when the value is not a
// positive integer.
func pageParam(w http.ResponseWriter, q url.Values, read bool) (int, bool) {
	v := q.Get("page")
	if !read || v == "" {
		return 1, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		writeError(w, http.StatusBadRequest, "parameter_invalid", "page must be a positive integer")
		return 0, false
	}
	return n, true
}

// page writes page number page (from 1) of the list.
func (s *Server) page(w http.ResponseWriter, page, perPage int, pages, extra map[string]any) {
	s.write(w, (page-1)*perPage, perPage, pages, extra)
}

// write writes the page of the list that starts at item start.
func (s *Server) write(w http.ResponseWriter, start, perPage int, pages, extra map[string]any) {
	start = min(start, s.cfg.Items)
	end := min(start+perPage, s.cfg.Items)
	var items strings.Builder
	items.WriteByte('[')
	for i := start; i < end; i++ {
		if i > start {
			items.WriteByte(',')
		}
		items.WriteString(s.cfg.Item(i))
	}
	items.WriteByte(']')
	var value any = json.RawMessage(items.String())
	for i := len(s.cfg.ItemsPath) - 1; i > 0; i-- {
		value = map[string]any{s.cfg.ItemsPath[i]: value}
	}
	doc := map[string]any{"type": "list", s.cfg.ItemsPath[0]: value, "total_count": s.cfg.Items}
	if pages != nil {
		doc["pages"] = pages
	}
	for k, v := range extra {
		doc[k] = v
	}
	out, err := json.Marshal(doc)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	if end > start || start == 0 {
		s.served = append(s.served, start/perPage+1)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (s *Server) fault(w http.ResponseWriter, f Fault) {
	switch f {
	case RateLimited:
		w.Header().Set("Retry-After", "0")
		writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Exceeded rate limit")
	case ServerError:
		codes := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
		code := codes[s.rng.IntN(len(codes))]
		msg := "server error"
		if s.cfg.Style == Scroll {
			code, msg = http.StatusInternalServerError, restartMessage
		}
		writeError(w, code, "server_error", msg)
	case Dropped:
		hj, ok := w.(http.Hijacker)
		if !ok {
			writeError(w, http.StatusInternalServerError, "server_error", "cannot drop the connection")
			return
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	out, _ := json.Marshal(map[string]any{
		"type":       "error.list",
		"request_id": "req-fake",
		"errors":     []map[string]string{{"code": code, "message": msg}},
	})
	_, _ = w.Write(out)
}

// Cursors are opaque to clients; the server encodes the offset of the next
// page in them.
func makeCursor(offset int) string { return "WzE3MDAwMDAwMDAsIm" + strconv.Itoa(offset) + "Il0=" }

func parseCursor(c string) (int, bool) {
	s, ok := strings.CutPrefix(c, "WzE3MDAwMDAwMDAsIm")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, "Il0=")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// Count drains seq and returns how many values it yielded before the
// first error, and that error.
func Count[V any](seq iter.Seq2[V, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
