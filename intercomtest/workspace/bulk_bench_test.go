package workspace_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions/v2_12"
)

// Sizes of the bulk job.
const (
	bulkContacts = 20000
	bulkWorkers  = 8
	// bulkLimit is the fake's limit per 10-second window (Intercom's, and
	// the only window the client's WithRateLimit paces in), and the
	// client's WithRateLimit: 2,500 per 10 s (250 requests a second) keeps
	// the job (20,400 requests) near 90 seconds and well below what the
	// fake and client sustain unlimited on the shared 2-core machine (about
	// 900 creates a second under load; see BenchmarkBulkJobUnlimited), so
	// that the pacer, not the machine, sets the pace.
	bulkLimit = 2500
)

// bulkJob creates bulkContacts contacts from bulkWorkers goroutines, then
// walks them all with the SDK's iterator (one page after the other, 50 a
// page), and reports the request rate achieved, overall and per phase,
// and the 429s seen by the server and by the caller.
func bulkJob(b *testing.B, limit int) {
	// A run takes minutes: only when asked for by name, not by make bench's
	// -bench '.'.
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "BulkJob") {
		b.Skip("the bulk job takes minutes: run it with -bench BulkJob")
	}
	for range b.N {
		wsOpts := []workspace.Option{}
		clientOpts := []intercom.Option{intercom.WithToken("t")}
		if limit > 0 {
			wsOpts = append(wsOpts, workspace.WithRateLimit(limit, workspace.DefaultWindow))
			clientOpts = append(clientOpts, intercom.WithRateLimit(limit))
		}
		ws := workspace.MustNew(b, wsOpts...)
		fake, err := intercomtest.New("2.12", intercomtest.WithState(ws))
		if err != nil {
			b.Fatal(err)
		}
		// Counted here rather than from the fake's request history, which
		// may be bounded.
		var count counter
		srv := httptest.NewServer(count.wrap(fake))
		client, err := v2_12.NewClient(append(clientOpts, intercom.WithBaseURL(srv.URL))...)
		if err != nil {
			b.Fatal(err)
		}
		ctx := b.Context()
		var surfaced atomic.Int64
		fail := func(err error) {
			var apiErr *intercom.Error
			if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
				surfaced.Add(1)
				return
			}
			b.Error(err)
		}

		start := time.Now()
		next := atomic.Int64{}
		var wg sync.WaitGroup
		for range bulkWorkers {
			wg.Go(func() {
				for {
					i := next.Add(1) - 1
					if i >= bulkContacts {
						return
					}
					var body v2_12.CreateContactJSONRequestBody
					if err := json.Unmarshal(fmt.Appendf(nil, `{"email":"bulk%05d@example.com","name":"Bulk %d"}`, i, i), &body); err != nil {
						b.Error(err)
						return
					}
					if _, err := client.CreateContact(ctx, body); err != nil {
						fail(err)
					}
				}
			})
		}
		wg.Wait()
		created := time.Since(start)
		walked := 0
		for _, err := range client.ListContactsAll(ctx) {
			if err != nil {
				fail(err)
				break
			}
			walked++
		}
		elapsed := time.Since(start)
		srv.Close()

		creates, pages := count.byPath("POST /contacts"), count.byPath("GET /contacts")
		total, throttled := count.total(), count.byStatus(http.StatusTooManyRequests)
		if walked != bulkContacts {
			b.Errorf("walked %d contacts, want %d", walked, bulkContacts)
		}
		rate := float64(total) / elapsed.Seconds()
		createRate := float64(creates) / created.Seconds()
		walkRate := float64(pages) / (elapsed - created).Seconds()
		b.ReportMetric(rate, "req/s")
		b.ReportMetric(createRate, "create-req/s")
		b.ReportMetric(walkRate, "walk-req/s")
		b.ReportMetric(float64(total), "requests")
		b.ReportMetric(float64(throttled), "429s-at-fake")
		b.ReportMetric(float64(surfaced.Load()), "429s-surfaced")
		if limit > 0 {
			perSec := float64(limit) / workspace.DefaultWindow.Seconds()
			b.ReportMetric(100*rate/perSec, "%-of-limit")
			b.ReportMetric(100*createRate/perSec, "create-%-of-limit")
		}
	}
}

// BenchmarkBulkJobUnderRateLimit is the bulk job against a fake limited
// to bulkLimit requests per 10 seconds, with the client paced at the
// same limit: the share of the limit achieved and the 429s are the result.
func BenchmarkBulkJobUnderRateLimit(b *testing.B) { bulkJob(b, bulkLimit) }

// BenchmarkBulkJobUnlimited is the same job without limits: what the fake
// and client sustain on this machine, to check bulkLimit is below it.
func BenchmarkBulkJobUnlimited(b *testing.B) { bulkJob(b, 0) }

// counter counts answers by method and path, and by status.
type counter struct {
	mu       sync.Mutex
	paths    map[string]int
	statuses map[int]int
}

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.paths == nil {
			c.paths, c.statuses = map[string]int{}, map[int]int{}
		}
		c.paths[r.Method+" "+r.URL.Path]++
		c.statuses[rec.status]++
	})
}

func (c *counter) byPath(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paths[key]
}

func (c *counter) byStatus(status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.statuses[status]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.statuses {
		n += v
	}
	return n
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// BenchmarkListContactsPage is one page of 50 stored contacts, answered
// by the workspace (shaped to the version and validated) and decoded by
// the SDK: the unit of the bulk job's walk.
func BenchmarkListContactsPage(b *testing.B) {
	ws := workspace.MustNew(b, workspace.WithSeed(thousand()))
	srv := ws.NewServer(b, "2.12")
	client, err := v2_12.NewClient(intercom.WithToken("t"), intercom.WithBaseURL(srv.URL()))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := client.ListContacts(b.Context(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
