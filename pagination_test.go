package intercom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pagination/pagecheck"
)

// testPage is the answer of the fake server, decoded the way a version
// package's typed client would; its pages object is read generically.
type testPage struct {
	Data        []testItem     `json:"data"`
	Pages       map[string]any `json:"pages"`
	ScrollParam string         `json:"scroll_param"`
}

type testItem struct {
	ID int `json:"id"`
}

var styleOf = map[string]intercom.PageStyle{
	pagecheck.Cursor:     intercom.PageCursor,
	pagecheck.Search:     intercom.PageSearch,
	pagecheck.Scroll:     intercom.PageScroll,
	pagecheck.PageNumber: intercom.PageNumber,
	pagecheck.NextURL:    intercom.PageNextURL,
	pagecheck.Any:        intercom.PageAny,
}

// newTransport returns a transport for srv that retries often and fast.
func newTransport(t testing.TB, url string, opts ...intercom.Option) *intercom.Transport {
	t.Helper()
	tr, err := intercom.NewTransport("2.11", append([]intercom.Option{
		intercom.WithToken("test-token"),
		intercom.WithBaseURL(url),
		intercom.WithMaxRetries(20),
		intercom.WithRetryBackoff(time.Microsecond, 20*time.Microsecond),
	}, opts...)...)
	require.NoError(t, err)
	return tr
}

// pager builds the Pager a version package would generate for a list at
// /things served in style.
func pager(tr *intercom.Transport, style string) intercom.Pager[*testPage, testItem] {
	return intercom.Pager[*testPage, testItem]{
		Operation: "ListThings",
		Style:     styleOf[style],
		Fetch: func(ctx context.Context, at intercom.PageRequest) (*testPage, error) {
			method, body := http.MethodGet, []byte(nil)
			if style == pagecheck.Search {
				method = http.MethodPost
				req := map[string]any{"query": map[string]any{}}
				if at.StartingAfter != "" {
					req["pagination"] = map[string]any{"starting_after": at.StartingAfter}
				}
				body, _ = json.Marshal(req)
			}
			req, err := http.NewRequestWithContext(ctx, method, tr.BaseURL()+"/things", bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			if ed := at.Editor(); ed != nil && style != pagecheck.Search {
				if err := ed(ctx, req); err != nil {
					return nil, err
				}
			}
			resp, err := tr.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				return nil, err
			}
			if err := intercom.CheckResponse(resp, raw); err != nil {
				return nil, err
			}
			var p testPage
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, err
			}
			return &p, nil
		},
		Info: func(p *testPage) intercom.PageInfo {
			in := intercom.PageInfoFromMap(p.Pages)
			if style == pagecheck.Scroll {
				in.NextCursor = p.ScrollParam
			}
			return in
		},
		Items: func(p *testPage) []testItem { return p.Data },
	}
}

// collect drains an item sequence.
func collect(seq func(func(testItem, error) bool)) ([]int, error) {
	var ids []int
	for item, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, item.ID)
	}
	return ids, nil
}

func seqTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestEveryItemOnceDespiteFaults pages 10,000 items in each style while a
// fifth of the requests fail with a 429, a 5xx or a dropped connection.
func TestEveryItemOnceDespiteFaults(t *testing.T) {
	const items = 10_000
	for i, style := range pagecheck.Styles {
		if style == pagecheck.Scroll {
			continue // TestScrollFaultsEndWithRestart
		}
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			srv := pagecheck.NewServer(t, pagecheck.Config{Style: style, Items: items, PerPage: 100, FaultRate: 0.2, Seed: uint64(i + 1)})
			ids, err := collect(pager(newTransport(t, srv.URL), style).All(context.Background()))
			require.NoError(t, err)
			require.Equal(t, seqTo(items), ids, "every item once, in order")
			pages := make([]int, 100)
			for i := range pages {
				pages[i] = i + 1
			}
			assert.Equal(t, pages, srv.Served(), "every page fetched once, in order")
			faults := srv.Faults()
			t.Logf("%d requests for 100 pages; faults injected: %v", srv.Requests(), faults)
			for _, f := range []pagecheck.Fault{pagecheck.RateLimited, pagecheck.ServerError, pagecheck.Dropped} {
				assert.Positive(t, faults[f], "no %v was injected", f)
			}
		})
	}
}

// TestScrollFaultsEndWithRestart scrolls 10,000 items with the same faults.
// A 429 is retried inside the scroll; any other fault ends the iteration
// with ErrScrollRestart after an exact prefix of the items, and a new
// iteration starts over, until one gets through.
func TestScrollFaultsEndWithRestart(t *testing.T) {
	const items = 10_000
	srv := pagecheck.NewServer(t, pagecheck.Config{Style: pagecheck.Scroll, Items: items, PerPage: 1000, FaultRate: 0.2, Seed: 7})
	p := pager(newTransport(t, srv.URL), pagecheck.Scroll)
	restarts := 0
	for {
		ids, err := collect(p.All(context.Background()))
		require.Equal(t, seqTo(len(ids)), ids, "an iteration delivers a prefix of the list, each item once")
		if err == nil {
			require.Len(t, ids, items)
			break
		}
		require.ErrorIs(t, err, intercom.ErrScrollRestart)
		var pe *intercom.PageError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "ListThings", pe.Operation)
		restarts++
		require.Less(t, restarts, 200, "the scroll never got through")
	}
	assert.Positive(t, restarts, "no scroll was interrupted")
	assert.LessOrEqual(t, srv.Scrolls(), restarts+1, "at most one scroll per iteration")
	faults := srv.Faults()
	t.Logf("%d restarts, %d requests; faults injected: %v", restarts, srv.Requests(), faults)
	assert.Positive(t, faults[pagecheck.RateLimited])
	assert.LessOrEqual(t, restarts, faults[pagecheck.ServerError]+faults[pagecheck.Dropped],
		"only a 5xx or a dropped connection ends a scroll; a 429 is retried")
}

// TestLazyAndBreak checks that pages are fetched only as items are needed
// and that breaking out sends no further request.
func TestLazyAndBreak(t *testing.T) {
	for _, style := range pagecheck.Styles {
		t.Run(style, func(t *testing.T) {
			t.Parallel()
			srv := pagecheck.NewServer(t, pagecheck.Config{Style: style, Items: 20, PerPage: 5})
			p := pager(newTransport(t, srv.URL), style)
			n := 0
			for item, err := range p.All(context.Background()) {
				require.NoError(t, err)
				require.Equal(t, n, item.ID)
				require.Equal(t, n/5+1, srv.Requests(), "requests after item %d", n)
				n++
				if n == 10 { // the last item of page 2
					break
				}
			}
			assert.Equal(t, 2, srv.Requests(), "break must not fetch page 3")

			before := srv.Requests()
			for page, err := range p.Pages(context.Background()) {
				require.NoError(t, err)
				require.Len(t, page.Data, 5)
				break
			}
			assert.Equal(t, before+1, srv.Requests(), "breaking out of Pages")
		})
	}
}

func TestContextCancellation(t *testing.T) {
	srv := pagecheck.NewServer(t, pagecheck.Config{Style: pagecheck.Cursor, Items: 20, PerPage: 5})
	p := pager(newTransport(t, srv.URL), pagecheck.Cursor)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []int
	var last error
	for item, err := range p.All(ctx) {
		if err != nil {
			last = err
			break
		}
		got = append(got, item.ID)
		if item.ID == 1 {
			cancel()
		}
	}
	assert.Equal(t, []int{0, 1}, got, "no item after the cancellation")
	require.ErrorIs(t, last, context.Canceled)
	assert.Equal(t, 1, srv.Requests())

	// A context done before the walk starts sends nothing.
	n, err := pagecheck.Count(p.Pages(ctx))
	assert.Zero(t, n)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, srv.Requests())

	// A deadline that passes while waiting for a page.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer slow.Close()
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	_, err = pagecheck.Count(pager(newTransport(t, slow.URL), pagecheck.Cursor).All(dctx))
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestNoProgress checks that a server breaking the contract ends the walk
// with ErrNoProgress, without delivering an item twice.
func TestNoProgress(t *testing.T) {
	tests := []struct {
		style     string
		misbehave pagecheck.Misbehaviour
		items     int // delivered before the error
		requests  int
		message   string
	}{
		{pagecheck.Cursor, pagecheck.RepeatCursor, 10, 2, "with the same cursor"},
		{pagecheck.Search, pagecheck.RepeatCursor, 10, 2, "with the same cursor"},
		{pagecheck.Any, pagecheck.RepeatCursor, 10, 2, "with the same cursor"},
		{pagecheck.NextURL, pagecheck.RepeatCursor, 10, 2, "with the same next-page link"},
		{pagecheck.Cursor, pagecheck.CycleCursor, 20, 4, "already followed"},
		{pagecheck.NextURL, pagecheck.CycleCursor, 20, 4, "already followed"},
		{pagecheck.PageNumber, pagecheck.IgnorePage, 5, 2, "asked for page 2, the API answered with page 1"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.style, tt.misbehave), func(t *testing.T) {
			t.Parallel()
			srv := pagecheck.NewServer(t, pagecheck.Config{Style: tt.style, Items: 50, PerPage: 5, Misbehave: tt.misbehave})
			ids, err := collect(pager(newTransport(t, srv.URL), tt.style).All(context.Background()))
			require.ErrorIs(t, err, intercom.ErrNoProgress)
			assert.Contains(t, err.Error(), tt.message)
			assert.Contains(t, err.Error(), "ListThings")
			assert.Equal(t, seqTo(tt.items), ids, "items before the error, each once")
			assert.Equal(t, tt.requests, srv.Requests())
		})
	}
}

// TestEndOfList checks where each style stops: on lists that fill their
// last page exactly, on a single short page and on an empty list.
func TestEndOfList(t *testing.T) {
	for _, style := range pagecheck.Styles {
		for _, n := range []int{0, 3, 10} {
			t.Run(fmt.Sprintf("%s/%d", style, n), func(t *testing.T) {
				t.Parallel()
				srv := pagecheck.NewServer(t, pagecheck.Config{Style: style, Items: n, PerPage: 5})
				p := pager(newTransport(t, srv.URL), style)
				ids, err := collect(p.All(context.Background()))
				require.NoError(t, err)
				assert.Equal(t, seqTo(n), append([]int{}, ids...))
				want := max(pagecheck.TotalPages(n, 5), 1)
				if style == pagecheck.Scroll && n > 0 {
					want++ // a scroll ends at an empty page
				}
				assert.Equal(t, want, srv.Requests(), "requests")

				// Pages delivers the first page even when it is empty, and
				// never an empty page after it.
				var sizes []int
				for page, err := range p.Pages(context.Background()) {
					require.NoError(t, err)
					sizes = append(sizes, len(page.Data))
				}
				wantSizes := map[int][]int{0: {0}, 3: {3}, 10: {5, 5}}[n]
				assert.Equal(t, wantSizes, sizes)
			})
		}
	}
}

// TestPageNumberStartsWhereAsked checks that a walk started on a later page
// (through the caller's own parameters) counts up from the page answered.
func TestPageNumberStartsWhereAsked(t *testing.T) {
	srv := pagecheck.NewServer(t, pagecheck.Config{Style: pagecheck.PageNumber, Items: 20, PerPage: 5})
	p := pager(newTransport(t, srv.URL), pagecheck.PageNumber)
	fetch := p.Fetch
	p.Fetch = func(ctx context.Context, at intercom.PageRequest) (*testPage, error) {
		if at.Page == 0 {
			at.Page = 3 // as if the caller's params asked for page 3
		}
		return fetch(ctx, at)
	}
	ids, err := collect(p.All(context.Background()))
	require.NoError(t, err)
	assert.Equal(t, seqTo(20)[10:], ids)
	assert.Equal(t, []int{3, 4}, srv.Served())
}

func TestScrollServerErrorIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("scroll_param") == "" {
			_, _ = io.WriteString(w, `{"data":[{"id":0}],"scroll_param":"s1"}`)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"type":"error.list","errors":[{"code":"server_error","message":"Request failed due to an internal network error. Please restart the scroll operation."}]}`)
	}))
	defer srv.Close()
	ids, err := collect(pager(newTransport(t, srv.URL), pagecheck.Scroll).All(context.Background()))
	assert.Equal(t, []int{0}, ids)
	require.ErrorIs(t, err, intercom.ErrScrollRestart)
	apiErr, ok := intercom.AsError(err)
	require.True(t, ok, "the *Error stays reachable: %v", err)
	assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
	assert.Contains(t, err.Error(), "restart the scroll")
	assert.EqualValues(t, 2, calls.Load(), "the failed scroll request must not be repeated")
}

func TestScrollPageWithoutParam(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[{"id":0}]}`)
	}))
	defer srv.Close()
	ids, err := collect(pager(newTransport(t, srv.URL), pagecheck.Scroll).All(context.Background()))
	assert.Equal(t, []int{0}, ids)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no scroll_param")
}

// TestIdempotency checks the request-scoped override of the retry policy.
func TestIdempotency(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	tr := newTransport(t, srv.URL)
	send := func(ctx context.Context, method string) int {
		calls.Store(0)
		req, err := http.NewRequestWithContext(ctx, method, srv.URL+"/x", strings.NewReader("{}"))
		require.NoError(t, err)
		resp, err := tr.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	bg := context.Background()
	assert.Equal(t, http.StatusServiceUnavailable, send(bg, http.MethodPost), "POST 5xx is not retried by default")
	assert.Equal(t, http.StatusOK, send(intercom.WithIdempotency(bg, intercom.Idempotent), http.MethodPost))
	assert.Equal(t, http.StatusOK, send(bg, http.MethodGet))
	assert.Equal(t, http.StatusServiceUnavailable, send(intercom.WithIdempotency(bg, intercom.NotIdempotent), http.MethodGet))

	unsafe := newTransport(t, srv.URL, intercom.WithRetryUnsafe(true))
	calls.Store(0)
	req, _ := http.NewRequestWithContext(intercom.WithIdempotency(bg, intercom.NotIdempotent), http.MethodPost, srv.URL+"/x", nil)
	resp, err := unsafe.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "NotIdempotent overrides WithRetryUnsafe")

	assert.Equal(t, intercom.IdempotencyByMethod, intercom.IdempotencyOf(bg))
	assert.Equal(t, "NotIdempotent", intercom.NotIdempotent.String())
}

func TestPageRequestEditor(t *testing.T) {
	newReq := func() *http.Request {
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/v1/contacts/7/companies?per_page=3&page=9", nil)
		require.NoError(t, err)
		return req
	}
	ctx := context.Background()
	assert.Nil(t, intercom.PageRequest{}.Editor(), "the first page keeps the caller's request")

	req := newReq()
	require.NoError(t, intercom.PageRequest{StartingAfter: "c 1"}.Editor()(ctx, req))
	assert.Equal(t, "per_page=3&starting_after=c+1", req.URL.RawQuery, "a cursor replaces a page number")

	req = newReq()
	require.NoError(t, intercom.PageRequest{Page: 4}.Editor()(ctx, req))
	assert.Equal(t, "page=4&per_page=3", req.URL.RawQuery)

	req = newReq()
	require.NoError(t, intercom.PageRequest{ScrollParam: "s"}.Editor()(ctx, req))
	assert.Equal(t, "s", req.URL.Query().Get("scroll_param"))

	req = newReq()
	require.NoError(t, intercom.PageRequest{NextURL: "https://api.intercom.io/contacts/7/companies?page=2&per_page=3"}.Editor()(ctx, req))
	assert.Equal(t, "127.0.0.1", req.URL.Host, "the link's host is not followed")
	assert.Equal(t, "page=2&per_page=3", req.URL.RawQuery)

	for _, link := range []string{"https://api.intercom.io/contacts/8/companies?page=2", "%zz"} {
		req = newReq()
		err := intercom.PageRequest{NextURL: link}.Editor()(ctx, req)
		require.Error(t, err, link)
		assert.Contains(t, err.Error(), "next-page link")
		assert.Equal(t, "per_page=3&page=9", req.URL.RawQuery, "the request is left alone")
	}

	req = newReq()
	require.NoError(t, intercom.SetQuery("per_page", "150")(ctx, req))
	assert.Equal(t, "150", req.URL.Query().Get("per_page"))
}

func TestPageInfoFromMap(t *testing.T) {
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"next":{"starting_after":"abc"},"page":2,"per_page":50,"total_pages":7}`), &m))
	assert.Equal(t, intercom.PageInfo{NextCursor: "abc", Page: 2, PerPage: 50, TotalPages: 7}, intercom.PageInfoFromMap(m))
	require.NoError(t, json.Unmarshal([]byte(`{"next":"https://x/y?page=2","page":1.5,"total_pages":-1,"per_page":"9"}`), &m))
	assert.Equal(t, intercom.PageInfo{NextURL: "https://x/y?page=2"}, intercom.PageInfoFromMap(m), "odd values are ignored")
	assert.Equal(t, intercom.PageInfo{}, intercom.PageInfoFromMap(nil))
}

func TestInvalidPager(t *testing.T) {
	for name, p := range map[string]intercom.Pager[*testPage, testItem]{
		"no style": {Operation: "X", Fetch: pager(nil, pagecheck.Cursor).Fetch, Info: func(*testPage) intercom.PageInfo { return intercom.PageInfo{} }, Items: func(*testPage) []testItem { return nil }},
		"no fetch": {Operation: "X", Style: intercom.PageCursor},
	} {
		n, err := pagecheck.Count(p.All(context.Background()))
		assert.Zero(t, n, name)
		require.Error(t, err, name)
		var pe *intercom.PageError
		require.ErrorAs(t, err, &pe, name)
	}
}

func TestPageStyleString(t *testing.T) {
	for style, want := range styleOf {
		assert.Equal(t, style, want.String())
	}
	assert.Equal(t, "PageStyle(0)", intercom.PageStyle(0).String())
}

func TestPageErrorMessage(t *testing.T) {
	err := &intercom.PageError{Operation: "ListContacts", Page: 3, Err: errors.New("intercom: boom")}
	assert.Equal(t, "intercom: boom (ListContacts, page 3)", err.Error())
}
