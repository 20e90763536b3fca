package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// The benchmarks compare a call through Transport (headers, retry
// bookkeeping, timeout context) with the same call made by hand with
// net/http, against a loopback server, so the difference is the SDK's own
// overhead per request.

type benchLocation struct {
	Type    string `json:"type"`
	Country string `json:"country"`
	Region  string `json:"region"`
	City    string `json:"city"`
}

type benchRefList struct {
	Type       string `json:"type"`
	Data       []any  `json:"data"`
	URL        string `json:"url"`
	TotalCount int    `json:"total_count"`
	HasMore    bool   `json:"has_more"`
}

type benchContact struct {
	Type                   string            `json:"type"`
	ID                     string            `json:"id"`
	WorkspaceID            string            `json:"workspace_id"`
	ExternalID             string            `json:"external_id"`
	Role                   string            `json:"role"`
	Email                  string            `json:"email"`
	EmailDomain            string            `json:"email_domain"`
	Phone                  string            `json:"phone"`
	Name                   string            `json:"name"`
	OwnerID                int               `json:"owner_id"`
	HasHardBounced         bool              `json:"has_hard_bounced"`
	MarkedEmailAsSpam      bool              `json:"marked_email_as_spam"`
	UnsubscribedFromEmails bool              `json:"unsubscribed_from_emails"`
	CreatedAt              int64             `json:"created_at"`
	UpdatedAt              int64             `json:"updated_at"`
	SignedUpAt             int64             `json:"signed_up_at"`
	LastSeenAt             int64             `json:"last_seen_at"`
	LastRepliedAt          int64             `json:"last_replied_at"`
	LastContactedAt        int64             `json:"last_contacted_at"`
	LastEmailOpenedAt      int64             `json:"last_email_opened_at"`
	LastEmailClickedAt     int64             `json:"last_email_clicked_at"`
	LanguageOverride       string            `json:"language_override"`
	Browser                string            `json:"browser"`
	BrowserVersion         string            `json:"browser_version"`
	BrowserLanguage        string            `json:"browser_language"`
	OS                     string            `json:"os"`
	Location               benchLocation     `json:"location"`
	CustomAttributes       map[string]string `json:"custom_attributes"`
	Tags                   benchRefList      `json:"tags"`
	Notes                  benchRefList      `json:"notes"`
	Companies              benchRefList      `json:"companies"`
}

type benchPages struct {
	Type string `json:"type"`
	Next struct {
		StartingAfter string `json:"starting_after"`
	} `json:"next"`
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	TotalPages int `json:"total_pages"`
}

type benchContactList struct {
	Type       string         `json:"type"`
	Data       []benchContact `json:"data"`
	TotalCount int            `json:"total_count"`
	Pages      benchPages     `json:"pages"`
}

func benchContactFixture(i int) benchContact {
	id := fmt.Sprintf("6657a6e36abd0123d6f0%04x", i)
	return benchContact{
		Type: "contact", ID: id, WorkspaceID: "ecahpwf5", ExternalID: "user-" + strconv.Itoa(i),
		Role: "user", Email: fmt.Sprintf("joe.bloggs.%d@example.com", i), EmailDomain: "example.com",
		Phone: "+353871234567", Name: "Joe Bloggs", OwnerID: 991267390,
		CreatedAt: 1716953827, UpdatedAt: 1716953828, SignedUpAt: 1716953827, LastSeenAt: 1716953900,
		LastRepliedAt: 1716953901, LastContactedAt: 1716953902, LastEmailOpenedAt: 1716953903,
		LastEmailClickedAt: 1716953904, LanguageOverride: "en", Browser: "chrome", BrowserVersion: "125.0.6422.112",
		BrowserLanguage: "en-IE", OS: "OS X 10.15.7",
		Location:         benchLocation{Type: "location", Country: "Ireland", Region: "Dublin", City: "Dublin"},
		CustomAttributes: map[string]string{"plan": "enterprise", "seats": "25", "referrer": "newsletter"},
		Tags:             benchRefList{Type: "list", Data: []any{}, URL: "/contacts/" + id + "/tags"},
		Notes:            benchRefList{Type: "list", Data: []any{}, URL: "/contacts/" + id + "/notes"},
		Companies:        benchRefList{Type: "list", Data: []any{}, URL: "/contacts/" + id + "/companies"},
	}
}

// benchServer serves one contact at /contacts/{id} and a page of 50 at
// /contacts.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	contact, err := json.Marshal(benchContactFixture(0))
	if err != nil {
		b.Fatal(err)
	}
	if len(contact) < 900 || len(contact) > 1400 {
		b.Fatalf("contact fixture is %d bytes, want about 1KB", len(contact))
	}
	list := benchContactList{Type: "list", TotalCount: 5000}
	for i := range 50 {
		list.Data = append(list.Data, benchContactFixture(i))
	}
	list.Pages = benchPages{Type: "pages", Page: 1, PerPage: 50, TotalPages: 100}
	list.Pages.Next.StartingAfter = "WzE3MTY5NTM4MjcwMDAsIjY2NTdhNmUzNmFiZDAxMjNkNmYwMDAzMSIsMl0="
	page, err := json.Marshal(list)
	if err != nil {
		b.Fatal(err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := page
		if strings.HasPrefix(r.URL.Path, "/contacts/") {
			body = contact
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("X-RateLimit-Limit", "10000")
		w.Header().Set("X-RateLimit-Remaining", "9999")
		w.Header().Set("X-RateLimit-Reset", "1716953830")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// fetchJSON performs one GET through do and decodes the body into out.
func fetchJSON(ctx context.Context, do func(*http.Request) (*http.Response, error), url string, setHeaders bool, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if setHeaders {
		// What a hand-written client would send.
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Intercom-Version", testVersion)
		req.Header.Set("Accept", "application/json")
	}
	resp, err := do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.Unmarshal(body, out)
}

func benchTransport(b *testing.B, url string, sdk bool, path string, check func(any) bool, out func() any) {
	b.Helper()
	ctx := context.Background()
	var do func(*http.Request) (*http.Response, error)
	if sdk {
		tr, err := NewTransport(testVersion, WithToken(testToken), WithBaseURL(url))
		if err != nil {
			b.Fatal(err)
		}
		do = tr.Do
	} else {
		client := &http.Client{Transport: defaultRoundTripper()}
		do = client.Do
	}
	// Warm the connection and check the decoding once.
	v := out()
	if err := fetchJSON(ctx, do, url+path, !sdk, v); err != nil {
		b.Fatal(err)
	}
	if !check(v) {
		b.Fatalf("unexpected decode result %+v", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := fetchJSON(ctx, do, url+path, !sdk, out()); err != nil {
			b.Fatal(err)
		}
	}
}

func contactOK(v any) bool { return v.(*benchContact).Email == "joe.bloggs.0@example.com" }
func newContact() any      { return new(benchContact) }
func listOK(v any) bool    { return len(v.(*benchContactList).Data) == 50 }
func newList() any         { return new(benchContactList) }

// BenchmarkTransportGetContact fetches and decodes one ~1KB contact
// through Transport.Do.
func BenchmarkTransportGetContact(b *testing.B) {
	srv := benchServer(b)
	benchTransport(b, srv.URL, true, "/contacts/6657a6e36abd0123d6f00000", contactOK, newContact)
}

// BenchmarkPlainGetContact is BenchmarkTransportGetContact with a plain
// http.Client.
func BenchmarkPlainGetContact(b *testing.B) {
	srv := benchServer(b)
	benchTransport(b, srv.URL, false, "/contacts/6657a6e36abd0123d6f00000", contactOK, newContact)
}

// BenchmarkTransportListContacts fetches and decodes a page of 50 contacts
// through Transport.Do.
func BenchmarkTransportListContacts(b *testing.B) {
	srv := benchServer(b)
	benchTransport(b, srv.URL, true, "/contacts?per_page=50", listOK, newList)
}

// BenchmarkPlainListContacts is BenchmarkTransportListContacts with a
// plain http.Client.
func BenchmarkPlainListContacts(b *testing.B) {
	srv := benchServer(b)
	benchTransport(b, srv.URL, false, "/contacts?per_page=50", listOK, newList)
}
