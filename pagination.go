package intercom

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PageStyle is one of the ways the Intercom API splits a list into pages.
// The version packages derive each operation's style from the shape of its
// response and request; docs/pagination.md lists them.
type PageStyle uint8

const (
	// PageCursor: the response's pages.next.starting_after is sent back as
	// the starting_after query parameter. When a response has no cursor but
	// says pages.page < pages.total_pages, the next page is asked for by
	// number instead, because some lists described this way page by number.
	PageCursor PageStyle = iota + 1
	// PageSearch: like PageCursor, but the cursor goes into the request
	// body's pagination.starting_after. Intercom ignores a starting_after in
	// the query string of a search and answers with the first page again.
	PageSearch
	// PageScroll: the response's scroll_param is sent back as the
	// scroll_param query parameter until a page comes back empty. A scroll
	// cannot be resumed after a failure; see ErrScrollRestart.
	PageScroll
	// PageNumber: the page query parameter counts up from the page the
	// response reports until pages.total_pages.
	PageNumber
	// PageNextURL: pages.next is a link to the next page, whose query is
	// sent with the next request.
	PageNextURL
	// PageAny: the spec leaves the pages object untyped, so each response
	// decides: a pages.next link is followed, a pages.next.starting_after
	// cursor is sent back as the starting_after query parameter, and
	// otherwise the next page is asked for by number while pages.page is
	// below pages.total_pages.
	PageAny
)

// String names the style as docs/pagination.md does: "cursor", "search",
// "scroll", "page number", "next URL" or "any".
func (s PageStyle) String() string {
	switch s {
	case PageCursor:
		return "cursor"
	case PageSearch:
		return "search"
	case PageScroll:
		return "scroll"
	case PageNumber:
		return "page number"
	case PageNextURL:
		return "next URL"
	case PageAny:
		return "any"
	}
	return "PageStyle(" + strconv.Itoa(int(s)) + ")"
}

// Errors that end a walk over pages. They are wrapped in a *PageError, so
// test for them with errors.Is.
var (
	// ErrNoProgress ends a walk whose next request would ask for a page it
	// has already asked for: a cursor or link that comes back unchanged or
	// repeats an earlier one, or a page other than the one asked for. The
	// walk stops rather than deliver items twice or loop forever.
	ErrNoProgress = errors.New("intercom: pagination is not advancing")
	// ErrScrollRestart ends a scroll that cannot continue. Intercom keeps
	// a scroll's position on its side, so after a failed request (a 5xx
	// status such as "Please restart the scroll operation", a lost
	// connection, an expired scroll_param) it cannot tell which batch comes
	// next, and repeating the request could skip one. The iterator does not
	// restart on its own, because that would deliver the items already seen
	// a second time: start a new iteration to read everything again.
	ErrScrollRestart = errors.New("intercom: the scroll cannot continue; start a new iteration from the beginning (the items already delivered will come again)")
)

// PageError reports why a walk over the pages of an operation ended early.
// Err is the cause: an *Error for an error status, a network or context
// error, or one of ErrNoProgress and ErrScrollRestart wrapping the cause.
type PageError struct {
	// Operation is the Go name of the operation, "ListContacts".
	Operation string
	// Page counts the pages of this walk from 1: the page being fetched,
	// or the one after the last page delivered.
	Page int
	// Err is the cause.
	Err error
}

// Error returns the cause followed by the operation and page.
func (e *PageError) Error() string {
	return fmt.Sprintf("%v (%s, page %d)", e.Err, e.Operation, e.Page)
}

// Unwrap returns the cause.
func (e *PageError) Unwrap() error { return e.Err }

// PageRequest is the position of the page a Pager's Fetch must ask for.
// For the first page every field is zero, and Fetch sends the caller's
// parameters unchanged. At most one of StartingAfter, Page, ScrollParam and
// NextURL is set.
type PageRequest struct {
	// StartingAfter is the cursor from the previous page (cursor and
	// search styles).
	StartingAfter string
	// Page is the page number to ask for (page-number style, and cursor
	// style when the API pages by number).
	Page int
	// PerPage is the page size the previous page reported, or 0. A search
	// body whose pagination object requires per_page is filled with it.
	PerPage int
	// ScrollParam is the scroll_param from the previous page.
	ScrollParam string
	// NextURL is the link to the next page from the previous page.
	NextURL string
}

// Editor returns a request editor that puts r into the query string:
// starting_after, page, scroll_param, or the query of NextURL in place of
// the request's own. It returns nil for the first page. The editor is
// assignable to each version package's RequestEditorFn, and fails, without
// changing the request, when NextURL is not a link to the endpoint being
// called.
func (r PageRequest) Editor() func(context.Context, *http.Request) error {
	switch {
	case r.NextURL != "":
		next, err := url.Parse(r.NextURL)
		return func(_ context.Context, req *http.Request) error {
			if err != nil {
				return fmt.Errorf("intercom: the next-page link %q is not a URL: %w", sanitize(r.NextURL, 200), err)
			}
			// The link names Intercom's host, which may differ from the base
			// URL (a proxy, a test server); the request keeps its own host
			// and only takes the link's query, after checking that the link
			// is for the same endpoint.
			if next.Path != "" && !strings.HasSuffix(req.URL.Path, next.Path) {
				return fmt.Errorf("intercom: the next-page link %q is for %s, not for the endpoint being paged (%s); not following it",
					sanitize(r.NextURL, 200), sanitize(next.Path, 200), sanitize(req.URL.Path, 200))
			}
			req.URL.RawQuery = next.RawQuery
			return nil
		}
	case r.StartingAfter != "":
		return queryEditor("starting_after", r.StartingAfter, "page")
	case r.Page > 0:
		return queryEditor("page", strconv.Itoa(r.Page), "starting_after")
	case r.ScrollParam != "":
		return queryEditor("scroll_param", r.ScrollParam, "")
	}
	return nil
}

// queryEditor sets one query parameter and removes another that would
// contradict it (a page number beside a cursor).
func queryEditor(name, value, drop string) func(context.Context, *http.Request) error {
	return func(_ context.Context, req *http.Request) error {
		q := req.URL.Query()
		q.Set(name, value)
		if drop != "" {
			q.Del(drop)
		}
		req.URL.RawQuery = q.Encode()
		return nil
	}
}

// SetQuery returns a request editor that sets a query parameter, for
// parameters the API accepts but a version's spec does not declare (such as
// per_page on GET /contacts in 2.10). It is assignable to each version
// package's RequestEditorFn.
func SetQuery(name, value string) func(context.Context, *http.Request) error {
	return queryEditor(name, value, "")
}

// PageInfo is what a page says about the pages after it. Fields the
// response does not carry are zero.
type PageInfo struct {
	// NextCursor is pages.next.starting_after (cursor and search styles)
	// or scroll_param (scroll style).
	NextCursor string
	// NextURL is pages.next when it is a link.
	NextURL string
	// Page is the number of this page, pages.page.
	Page int
	// PerPage is the page size, pages.per_page.
	PerPage int
	// TotalPages is pages.total_pages.
	TotalPages int
}

// PageInfoFromMap reads the pagination fields of a pages object that the
// spec leaves untyped, so that it was decoded as a generic JSON object: next
// (a link, or an object with starting_after), page, per_page and
// total_pages. Fields that are missing or of another type stay zero.
func PageInfoFromMap(pages map[string]any) PageInfo {
	var in PageInfo
	switch next := pages["next"].(type) {
	case string:
		in.NextURL = next
	case map[string]any:
		in.NextCursor, _ = next["starting_after"].(string)
	}
	in.Page = jsonInt(pages["page"])
	in.PerPage = jsonInt(pages["per_page"])
	in.TotalPages = jsonInt(pages["total_pages"])
	return in
}

// jsonInt returns a decoded JSON number that is a non-negative integer, or 0.
func jsonInt(v any) int {
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 0
		}
		f = float64(i)
	case int:
		f = float64(n)
	default:
		return 0
	}
	if f < 0 || f > math.MaxInt32 || f != math.Trunc(f) {
		return 0
	}
	return int(f)
}

// Pager describes how to walk the pages of one operation. The version
// packages build one for each paginated operation; Pages and All walk it.
// P is the type of a page (the operation's result), T of an item.
type Pager[P, T any] struct {
	// Operation is the operation's Go name, used in errors.
	Operation string
	// Style is how the operation paginates.
	Style PageStyle
	// Fetch sends the request for the page at.
	Fetch func(ctx context.Context, at PageRequest) (P, error)
	// Info reads the pagination fields of a page.
	Info func(page P) PageInfo
	// Items returns the items of a page.
	Items func(page P) []T
	// ItemsPath is the path of JSON names from a page to its items array,
	// used to give each item raw access to its own JSON (see Raw).
	ItemsPath []string
}

// Pages returns the pages of the operation in order, lazily: a page is
// requested only when the loop asks for the one after the previous, and
// breaking out of the loop sends no further request. Every request goes
// through the client's Transport and so its retry policy; search pages are
// sent as Idempotent (a 5xx answer is retried although the method is POST)
// and scroll pages as NotIdempotent (see ErrScrollRestart). A page that
// cannot be fetched ends the sequence with a *PageError and no page is ever
// skipped or fetched twice, so each item is delivered once, in order. The
// walk also ends with an error, wrapping ErrNoProgress, instead of asking
// again for a page it has already had. ctx is checked before each request.
// An empty page is delivered only when it is the first.
func (p Pager[P, T]) Pages(ctx context.Context) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		if err := p.validate(); err != nil {
			yield(zero, &PageError{Operation: p.Operation, Page: 1, Err: err})
			return
		}
		reqCtx := p.requestContext(ctx)
		w := walk{style: p.Style}
		var at PageRequest
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(zero, &PageError{Operation: p.Operation, Page: n, Err: fmt.Errorf("intercom: %w", err)})
				return
			}
			page, err := p.Fetch(reqCtx, at)
			if err != nil {
				if p.Style == PageScroll && ctx.Err() == nil {
					err = fmt.Errorf("%w: %w", ErrScrollRestart, err)
				}
				yield(zero, &PageError{Operation: p.Operation, Page: n, Err: err})
				return
			}
			info, items := p.Info(page), len(p.Items(page))
			if err := w.check(at, info); err != nil {
				// The page is not the one asked for; delivering it would
				// repeat or skip items.
				yield(zero, &PageError{Operation: p.Operation, Page: n, Err: err})
				return
			}
			next, more, err := w.next(at, info, items)
			if n == 1 || items > 0 {
				if !yield(page, nil) {
					return
				}
			}
			if err != nil {
				yield(zero, &PageError{Operation: p.Operation, Page: n + 1, Err: err})
				return
			}
			if !more {
				return
			}
			at = next
		}
	}
}

// All returns the items of every page in order, fetching pages as Pages
// does. An error ends the sequence, after the items of every page before
// it; a done ctx ends it at the next item with an error wrapping ctx.Err().
func (p Pager[P, T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		n := 0
		ptr := ItemsPointer(p.ItemsPath)
		for page, err := range p.Pages(ctx) {
			if err != nil {
				yield(zero, err)
				return
			}
			n++
			src := rawOf(any(page))
			for i, item := range p.Items(page) {
				attachItemRaw(&item, src, ptr, i)
				if err := ctx.Err(); err != nil {
					yield(zero, &PageError{Operation: p.Operation, Page: n, Err: fmt.Errorf("intercom: %w", err)})
					return
				}
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

func (p Pager[P, T]) validate() error {
	switch {
	case p.Style < PageCursor || p.Style > PageAny:
		return fmt.Errorf("intercom: Pager has unknown style %v", p.Style)
	case p.Fetch == nil || p.Info == nil || p.Items == nil:
		return errors.New("intercom: Pager needs Fetch, Info and Items")
	}
	return nil
}

// requestContext marks the requests of a walk: every page request only
// reads, except that a scroll request moves the scroll forward.
func (p Pager[P, T]) requestContext(ctx context.Context) context.Context {
	if p.Style == PageScroll {
		return WithIdempotency(ctx, NotIdempotent)
	}
	return WithIdempotency(ctx, Idempotent)
}

// walk is the state kept between pages: only what detects a lack of
// progress.
type walk struct {
	style PageStyle
	seen  tokenSet
}

// check verifies that a page answers the request for it.
func (w *walk) check(at PageRequest, info PageInfo) error {
	if at.Page > 0 && info.Page > 0 && info.Page != at.Page {
		return fmt.Errorf("%w: asked for page %d, the API answered with page %d (it may not support the page parameter here)",
			ErrNoProgress, at.Page, info.Page)
	}
	return nil
}

// next computes the request for the page after the one described by info,
// or reports that there is none.
func (w *walk) next(at PageRequest, info PageInfo, items int) (PageRequest, bool, error) {
	next := PageRequest{PerPage: info.PerPage}
	switch w.style {
	case PageCursor, PageSearch, PageNextURL, PageAny:
		switch {
		case info.NextURL != "" && (w.style == PageNextURL || w.style == PageAny):
			if err := w.advance(at.NextURL, info.NextURL, "next-page link"); err != nil {
				return next, false, err
			}
			next.NextURL = info.NextURL
			return next, true, nil
		case info.NextCursor != "" && w.style != PageNextURL:
			if err := w.advance(at.StartingAfter, info.NextCursor, "cursor"); err != nil {
				return next, false, err
			}
			next.StartingAfter = info.NextCursor
			return next, true, nil
		case (w.style == PageCursor || w.style == PageAny) && info.Page > 0 && info.Page < info.TotalPages && items > 0:
			// An empty page ends the walk whatever total_pages claims.
			next.Page = info.Page + 1
			return next, true, nil
		}
		return next, false, nil

	case PageScroll:
		// The scroll ends with an empty page. Its scroll_param may stay the
		// same throughout, so an unchanged one is not a lack of progress.
		if items == 0 {
			return next, false, nil
		}
		if info.NextCursor == "" {
			return next, false, errors.New("intercom: a scroll page has items but no scroll_param to fetch the rest with")
		}
		next.ScrollParam = info.NextCursor
		return next, true, nil

	case PageNumber:
		cur := info.Page
		if cur == 0 {
			cur = max(at.Page, 1)
		}
		next.Page = cur + 1
		switch {
		case items == 0:
			// An empty page ends the walk: a total_pages that claims more
			// would otherwise have it ask for empty pages without end.
			return next, false, nil
		case info.TotalPages > 0:
			return next, cur < info.TotalPages, nil
		case info.Page > 0:
			// No total, but the API confirms page numbers: read on until a
			// page comes back empty.
			return next, items > 0, nil
		}
		// Neither a total nor a page number: nothing says there is more.
		return next, false, nil
	}
	return next, false, nil
}

// advance accepts token (a cursor or link) for the next request unless it
// would ask for a page already asked for.
func (w *walk) advance(prev, token, what string) error {
	if token == prev {
		return fmt.Errorf("%w: the API answered the %s %q with the same %s; stopping instead of fetching the same page again",
			ErrNoProgress, what, sanitize(token, 100), what)
	}
	if w.seen.repeats(token) {
		return fmt.Errorf("%w: the %s %q was already followed; stopping instead of going round in a loop",
			ErrNoProgress, what, sanitize(token, 100))
	}
	return nil
}

// tokenSet remembers every token (cursor or link) a walk has followed, as
// a digest of fixed size, so that a cycle of any length is caught before a
// page is fetched twice. Memory grows by 32 bytes per page walked.
type tokenSet map[[sha256.Size]byte]struct{}

// repeats reports whether token was seen before, and records it.
func (s *tokenSet) repeats(token string) bool {
	if *s == nil {
		*s = tokenSet{}
	}
	k := sha256.Sum256([]byte(token))
	if _, ok := (*s)[k]; ok {
		return true
	}
	(*s)[k] = struct{}{}
	return false
}
