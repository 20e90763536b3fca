package pagecheck_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pagination/pagecheck"
	"github.com/intercomgo/intercom/versions/v2_10"
	"github.com/intercomgo/intercom/versions/v2_11"
	"github.com/intercomgo/intercom/versions/v2_12"
)

// contact renders contact i as Intercom would, so that decoding costs what
// it costs with real data.
func contact(i int) string {
	return fmt.Sprintf(`{"type":"contact","id":"c-%06d","workspace_id":"ws1","external_id":"ext-%d","role":"user",`+
		`"email":"user%d@example.com","name":"User %d","has_hard_bounced":false,"marked_email_as_spam":false,`+
		`"unsubscribed_from_emails":false,"created_at":1700000000,"updated_at":1700000100,"last_seen_at":1700000200,`+
		`"browser":"chrome","os":"linux","custom_attributes":{"plan":"pro","seats":%d},`+
		`"location":{"type":"location","country":"Ireland","city":"Dublin"},"social_profiles":{"type":"list","data":[]}}`, i, i, i, i, i%50)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func contactIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("c-%06d", i)
	}
	return out
}

func options(url string) []intercom.Option {
	return []intercom.Option{
		intercom.WithToken("test-token"),
		intercom.WithBaseURL(url),
		intercom.WithMaxRetries(20),
		intercom.WithRetryBackoff(time.Microsecond, 20*time.Microsecond),
	}
}

// TestListContactsWithoutDeclaredCursor pages GET /contacts in the versions
// whose spec declares neither starting_after nor per_page for it: the
// iterator sends the cursor itself, and a caller's editor sets per_page on
// every page.
func TestListContactsWithoutDeclaredCursor(t *testing.T) {
	for _, client := range []reflect.Type{reflect.TypeFor[*v2_10.Client](), reflect.TypeFor[*v2_12.Client]()} {
		m, ok := client.MethodByName("ListContacts")
		require.True(t, ok)
		for i := range m.Type.NumIn() {
			arg := m.Type.In(i)
			for arg.Kind() == reflect.Pointer {
				arg = arg.Elem()
			}
			if arg.Kind() != reflect.Struct {
				continue
			}
			for _, f := range []string{"StartingAfter", "PerPage"} {
				_, declared := arg.FieldByName(f)
				require.False(t, declared, "%s now declares %s; this test is about a spec that does not", arg, f)
			}
		}
	}
	type lister func(ctx context.Context, url string, editor func(context.Context, *http.Request) error) ([]string, error)
	listers := map[string]lister{
		"2.10": func(ctx context.Context, url string, editor func(context.Context, *http.Request) error) ([]string, error) {
			c, err := v2_10.NewClient(options(url)...)
			if err != nil {
				return nil, err
			}
			var ids []string
			for ct, err := range c.ListContactsAll(ctx, intercom.WithRequestEditor(editor)) {
				if err != nil {
					return ids, err
				}
				ids = append(ids, deref(ct.Id))
			}
			return ids, nil
		},
		"2.12": func(ctx context.Context, url string, editor func(context.Context, *http.Request) error) ([]string, error) {
			c, err := v2_12.NewClient(options(url)...)
			if err != nil {
				return nil, err
			}
			var ids []string
			for ct, err := range c.ListContactsAll(ctx, intercom.WithRequestEditor(editor)) {
				if err != nil {
					return ids, err
				}
				ids = append(ids, deref(ct.Id))
			}
			return ids, nil
		},
	}
	for version, list := range listers {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			srv := pagecheck.NewServer(t, pagecheck.Config{Style: pagecheck.Cursor, Items: 25, PerPage: 50, Item: contact, RecordQueries: true})
			ids, err := list(context.Background(), srv.URL, intercom.SetQuery("per_page", "10"))
			require.NoError(t, err)
			assert.Equal(t, contactIDs(25), ids)
			assert.Equal(t, []int{1, 2, 3}, srv.Served())
			qs := srv.Queries()
			require.Len(t, qs, 3)
			assert.False(t, qs[0].Has("starting_after"), "the first page has no cursor")
			for i, q := range qs {
				assert.Equal(t, "10", q.Get("per_page"), "request %d keeps the caller's editor", i)
				if i > 0 {
					assert.NotEmpty(t, q.Get("starting_after"), "request %d carries the cursor", i)
				}
			}
		})
	}
}

// TestSearchRetriesServerErrors searches through the generated 2.11 client
// while a fifth of the requests fail: the POSTs are retried because the
// iterator marks them idempotent, and the cursor travels in the body only.
func TestSearchRetriesServerErrors(t *testing.T) {
	srv := pagecheck.NewServer(t, pagecheck.Config{Style: pagecheck.Search, Items: 1000, PerPage: 500, Item: contact,
		FaultRate: 0.2, Seed: 11, Faults: []pagecheck.Fault{pagecheck.ServerError, pagecheck.Dropped}, RecordQueries: true})
	c, err := v2_11.NewClient(options(srv.URL)...)
	require.NoError(t, err)
	body := v2_11.SearchContactsJSONRequestBody{Pagination: &v2_11.StartingAfterPaging{PerPage: ptrTo(50)}}
	var ids []string
	for ct, err := range c.SearchContactsAll(context.Background(), body) {
		require.NoError(t, err)
		ids = append(ids, deref(ct.Id))
	}
	assert.Equal(t, contactIDs(1000), ids)
	assert.Len(t, srv.Served(), 20, "the caller's per_page is kept")
	assert.Nil(t, body.Pagination.StartingAfter, "the caller's body is not changed")
	faults := srv.Faults()
	assert.Positive(t, faults[pagecheck.ServerError])
	assert.Positive(t, faults[pagecheck.Dropped])
	for _, q := range srv.Queries() {
		assert.False(t, q.Has("starting_after"), "a search cursor in the query string is ignored by Intercom")
	}
}

// heapProbe samples the live heap: after a GC, HeapAlloc counts only what
// is still reachable.
type heapProbe struct {
	every, n  int
	base, max uint64
}

func newHeapProbe(every int) *heapProbe {
	return &heapProbe{every: every, base: liveHeap()}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func (h *heapProbe) sample() {
	h.n++
	if h.n%h.every == 0 {
		h.max = max(h.max, liveHeap())
	}
}

// live is the largest growth of the live heap seen while walking.
func (h *heapProbe) live() uint64 { return h.max - min(h.base, h.max) }

// onePage measures the live heap that holding one decoded page costs: the
// median of a few measurements, as a single one may catch unrelated
// buffers coming or going.
func onePage(t testing.TB, c *v2_11.Client, perPage int) uint64 {
	sizes := make([]uint64, 5)
	for i := range sizes {
		base := liveHeap()
		page, err := c.ListContacts(context.Background(), &v2_11.ListContactsParams{PerPage: &perPage})
		require.NoError(t, err)
		after := liveHeap()
		sizes[i] = after - min(base, after)
		runtime.KeepAlive(page)
	}
	slices.Sort(sizes)
	return sizes[len(sizes)/2]
}

// TestIterationHeapStaysAboutOnePage walks 200 pages and checks that the
// live heap never holds much more than one page: a walk that kept its
// pages would hold 200.
func TestIterationHeapStaysAboutOnePage(t *testing.T) {
	const items, perPage = 30_000, 150
	srv := pagecheck.NewServer(t, pagecheck.Config{Style: pagecheck.Cursor, Items: items, PerPage: perPage, Item: contact})
	c, err := v2_11.NewClient(options(srv.URL)...)
	require.NoError(t, err)
	page := onePage(t, c, perPage)
	probe := newHeapProbe(perPage / 2)
	n := 0
	for _, err := range c.ListContactsAll(context.Background(), &v2_11.ListContactsParams{PerPage: new(perPage)}) {
		require.NoError(t, err)
		n++
		probe.sample()
	}
	require.Equal(t, items, n)
	t.Logf("one page: %d B live; largest live growth while walking %d pages: %d B", page, items/perPage, probe.live())
	assert.Less(t, probe.live(), 2*page, "the walk keeps pages alive")
}

const benchItems, benchPerPage = 100_000, 150

func benchClient(b *testing.B) *v2_11.Client {
	srv := pagecheck.NewServer(b, pagecheck.Config{Style: pagecheck.Cursor, Items: benchItems, PerPage: benchPerPage, Item: contact})
	c, err := v2_11.NewClient(options(srv.URL)...)
	require.NoError(b, err)
	return c
}

// walkIterator reads every contact through ListContactsAll.
func walkIterator(b *testing.B, c *v2_11.Client, sample func()) {
	n := 0
	for ct, err := range c.ListContactsAll(context.Background(), &v2_11.ListContactsParams{PerPage: new(benchPerPage)}) {
		if err != nil {
			b.Fatal(err)
		}
		if deref(ct.Id) != "" {
			n++
		}
		sample()
	}
	if n != benchItems {
		b.Fatalf("got %d contacts, want %d", n, benchItems)
	}
}

// walkByHand reads every contact with the loop one would write without the
// iterator.
func walkByHand(b *testing.B, c *v2_11.Client, sample func()) {
	n := 0
	params := v2_11.ListContactsParams{PerPage: new(benchPerPage)}
	for {
		page, err := c.ListContacts(context.Background(), &params)
		if err != nil {
			b.Fatal(err)
		}
		for _, ct := range deref(page.Data) {
			if deref(ct.Id) != "" {
				n++
			}
			sample()
		}
		if page.Pages == nil || page.Pages.Next == nil || page.Pages.Next.StartingAfter == nil || *page.Pages.Next.StartingAfter == "" {
			break
		}
		params.StartingAfter = page.Pages.Next.StartingAfter
	}
	if n != benchItems {
		b.Fatalf("got %d contacts, want %d", n, benchItems)
	}
}

func benchmarkWalk(b *testing.B, walk func(*testing.B, *v2_11.Client, func())) {
	c := benchClient(b)
	b.ReportAllocs()
	for b.Loop() {
		walk(b, c, func() {})
	}
	b.ReportMetric(float64(benchItems)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	// Outside the timed loop: the live heap while walking, against one page.
	page := onePage(b, c, benchPerPage)
	probe := newHeapProbe(benchPerPage / 3)
	walk(b, c, probe.sample)
	b.ReportMetric(float64(page), "page-B")
	b.ReportMetric(float64(probe.live()), "max-live-B")
	b.ReportMetric(float64(probe.live())/float64(page), "live/page")
}

// BenchmarkIterate walks 100,000 contacts (667 pages over loopback) with
// ListContactsAll.
func BenchmarkIterate(b *testing.B) { benchmarkWalk(b, walkIterator) }

// BenchmarkHandLoop walks the same pages with a hand-written loop over
// ListContacts, as a baseline for BenchmarkIterate.
func BenchmarkHandLoop(b *testing.B) { benchmarkWalk(b, walkByHand) }

func ptrTo[T any](v T) *T { return &v }
