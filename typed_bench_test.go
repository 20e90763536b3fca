package intercom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// The typed-call benchmarks compare a generated method (request building,
// Transport, status check, decoding into the generated type) with a plain
// net/http + encoding/json call decoding into the same type, on the same
// loopback server. The ratio of the two is the SDK's per-call overhead.

const benchContactJSON = `{"type":"contact","id":"6657a6e36abd0123d6f0a8f2","workspace_id":"this_is_an_id64_that_should_be_at_least_4","external_id":"70","role":"user","email":"joebloggs@intercom.io","email_domain":"intercom.io","phone":"+353871234567","name":"Joe Bloggs","owner_id":127,"has_hard_bounced":false,"marked_email_as_spam":false,"unsubscribed_from_emails":false,"created_at":1716987619,"updated_at":1716987620,"signed_up_at":1716987619,"last_seen_at":1716987619,"last_replied_at":1716987619,"last_contacted_at":1716987619,"last_email_opened_at":1716987619,"last_email_clicked_at":1716987619,"language_override":"en","browser":"chrome","browser_version":"124.0","browser_language":"en","os":"macOS","android_app_name":null,"ios_app_name":null,"custom_attributes":{"plan":"pro","seats":12},"avatar":"https://static.intercomassets.com/avatars/1/square_128/a.png","tags":{"type":"list","data":[],"url":"/contacts/6657a6e36abd0123d6f0a8f2/tags","total_count":0,"has_more":false},"notes":{"type":"list","data":[],"url":"/contacts/6657a6e36abd0123d6f0a8f2/notes","total_count":0,"has_more":false},"companies":{"type":"list","data":[],"url":"/contacts/6657a6e36abd0123d6f0a8f2/companies","total_count":0,"has_more":false},"location":{"type":"location","country":"Ireland","region":"Dublin","city":"Dublin"},"social_profiles":{"type":"list","data":[]}}`

// benchPage is a page of 50 contacts as the 2.11 API sends it.
func benchPage() string {
	contacts := make([]string, 50)
	for i := range contacts {
		contacts[i] = benchContactJSON
	}
	return fmt.Sprintf(`{"type":"list","data":[%s],"total_count":5000,"pages":{"type":"pages","page":1,"per_page":50,"total_pages":100,"next":{"per_page":50,"starting_after":"WzE3MTY5ODc2MTkwMDAsIjY2NTdhNmUzIl0="}}}`, strings.Join(contacts, ","))
}

func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	page := benchPage()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/contacts" {
			_, _ = io.WriteString(w, page)
			return
		}
		_, _ = io.WriteString(w, benchContactJSON)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, url string) *v2_11.Client {
	b.Helper()
	c, err := v2_11.NewClient(intercom.WithToken("bench-token"), intercom.WithBaseURL(url))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// plainGet is what a careful hand-written call does: the same headers,
// a status check, and decoding into the generated type. The benchmarks pass
// http.DefaultClient, Go's default transport, which the SDK also sends
// through unless given another client.
func plainGet[T any](ctx context.Context, client *http.Client, url string) (*T, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer bench-token")
	req.Header.Set("Intercom-Version", "2.11")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	out := new(T)
	return out, json.Unmarshal(body, out)
}

func BenchmarkTypedGetContact(b *testing.B) {
	srv := benchServer(b)
	c := benchClient(b, srv.URL)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got, err := c.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
		if err != nil || got.Id == nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlainTypedGetContact(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got, err := plainGet[v2_11.Contact](ctx, http.DefaultClient, srv.URL+"/contacts/6657a6e36abd0123d6f0a8f2")
		if err != nil || got.Id == nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTypedListContacts(b *testing.B) {
	srv := benchServer(b)
	c := benchClient(b, srv.URL)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got, err := c.ListContacts(ctx, nil)
		if err != nil || got.Data == nil || len(*got.Data) != 50 {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlainTypedListContacts(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got, err := plainGet[v2_11.ContactList](ctx, http.DefaultClient, srv.URL+"/contacts")
		if err != nil || got.Data == nil || len(*got.Data) != 50 {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePage decodes a page of 50 contacts that matches its type
// with the SDK's tolerant decoder; BenchmarkDecodePageEncodingJSON decodes
// the same bytes into the same type with encoding/json alone. Their ratio
// is the decoder's cost when nothing disagrees.
func BenchmarkDecodePage(b *testing.B) {
	body := []byte(benchPage())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page v2_11.ContactList
		ms, err := intercom.Decode("ListContacts", body, &page)
		if err != nil || len(ms) != 0 || len(*page.Data) != 50 {
			b.Fatal(err, ms)
		}
	}
}

func BenchmarkDecodePageEncodingJSON(b *testing.B) {
	body := []byte(benchPage())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page v2_11.ContactList
		if err := json.Unmarshal(body, &page); err != nil || len(*page.Data) != 50 {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePageMismatch decodes the page with one contact's
// last_seen_at sent as a string: the slow path, for reference.
func BenchmarkDecodePageMismatch(b *testing.B) {
	body := []byte(strings.Replace(benchPage(), `"last_seen_at":1716987619`, `"last_seen_at":"1716987619"`, 1))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page v2_11.ContactList
		ms, err := intercom.Decode("ListContacts", body, &page)
		if err != nil || len(ms) != 1 || len(*page.Data) != 50 {
			b.Fatal(err, ms)
		}
	}
}

// BenchmarkDecodePagePaired alternates the two decoders of the benchmarks
// above on every iteration and reports the ratio of their total times
// (decode/json), so that load changes on a shared machine hit both alike.
func BenchmarkDecodePagePaired(b *testing.B) {
	body := []byte(benchPage())
	var sdk, std time.Duration
	for b.Loop() {
		start := time.Now()
		var p1 v2_11.ContactList
		if _, err := intercom.Decode("ListContacts", body, &p1); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		var p2 v2_11.ContactList
		if err := json.Unmarshal(body, &p2); err != nil {
			b.Fatal(err)
		}
		end := time.Now()
		sdk += mid.Sub(start)
		std += end.Sub(mid)
	}
	b.ReportMetric(float64(sdk)/float64(std), "decode/json")
}
