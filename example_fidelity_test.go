package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// fakeClient starts the fake Intercom for 2.11 and a client for it, with
// retries off so that scripted errors come straight back.
func fakeClient() (*intercomtest.Server, *v2_11.Client) {
	srv, err := intercomtest.Start("2.11")
	if err != nil {
		log.Fatal(err)
	}
	client, err := v2_11.NewClient(intercom.WithToken("test-token"), intercom.WithBaseURL(srv.URL()), intercom.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	return srv, client
}

// Read a field the types do not model (a contact's sms_consent) from the
// JSON the contact came in, for a single call and for each item of an
// iterator, without a second request.
func Example_rawField() {
	srv, client := fakeClient()
	defer srv.Close()
	contact := map[string]any{"type": "contact", "id": "6657a6e36abd0123d6f0a8f2", "role": "user", "sms_consent": true}
	srv.On("ShowContact", intercomtest.Respond(http.StatusOK, contact))
	srv.On("ListContacts", intercomtest.Respond(http.StatusOK, map[string]any{
		"type": "list", "data": []any{contact}, "total_count": 1,
		"pages": map[string]any{"type": "pages", "page": 1, "per_page": 50, "total_pages": 1},
	}))
	ctx := context.Background()

	c, err := client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
	if err != nil {
		log.Fatal(err)
	}
	consent, _ := c.RawField("sms_consent")
	fmt.Println("single call:", string(consent))

	for c, err := range client.ListContactsAll(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		consent, _ := c.RawField("sms_consent")
		fmt.Println("iterator item:", *c.Id, string(consent))
	}

	// The whole response, headers included, is available per call too.
	var resp intercom.Response
	if _, err := client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2", intercom.WithResponse(&resp)); err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", resp.StatusCode, "request id:", len(resp.Header.Get("X-Request-Id")), "characters")
	// Output:
	// single call: true
	// iterator item: 6657a6e36abd0123d6f0a8f2 true
	// status: 200 request id: 20 characters
}

// Per-call options, and a contact whose JSON disagrees with its type: the
// call still succeeds, each disagreement is reported as a Mismatch, and the
// field the types do not model is read from the raw JSON.
func Example_perCallOptions() {
	srv, client := fakeClient()
	defer srv.Close()
	srv.On("ShowContact", intercomtest.Respond(http.StatusOK, map[string]any{
		"type": "contact", "id": "6657a6e36abd0123d6f0a8f2", "role": "user",
		"name":         42,     // a number where the spec says string: coerced
		"last_seen_at": "soon", // not a timestamp: dropped, still in the raw JSON
		"sms_consent":  true,   // not in the spec at all
	}))
	ctx := context.Background()
	id, traceID := "6657a6e36abd0123d6f0a8f2", "4bf92f3577b34da6a3ce929d0e0e4736"

	var ms []intercom.Mismatch
	var resp intercom.Response
	contact, err := client.ShowContact(ctx, id,
		intercom.WithCallTimeout(5*time.Second), // per-call options follow the arguments
		intercom.WithCallRetries(0),
		intercom.WithHeader("X-Trace", traceID),
		intercom.WithMismatches(&ms),
		intercom.WithResponse(&resp),
	)
	if err != nil {
		log.Fatal(err)
	}
	consent, ok := contact.RawField("sms_consent")
	fmt.Println("name:", *contact.Name, "last seen set:", contact.LastSeenAt != nil)
	for _, m := range ms {
		fmt.Println("mismatch:", m.Operation, m.Path, m.Expected, "->", m.Action)
	}
	fmt.Println("sms_consent:", string(consent), ok)
	fmt.Println("status:", resp.StatusCode, "X-Trace sent:", srv.Requests()[0].Header.Get("X-Trace") == traceID)
	// Output:
	// name: 42 last seen set: false
	// mismatch: ShowContact /last_seen_at integer -> dropped
	// mismatch: ShowContact /name string -> coerced
	// sms_consent: true true
	// status: 200 X-Trace sent: true
}

// Tell error statuses apart: every answer outside 2xx is an
// *intercom.Error naming the operation, whatever its body.
func Example_handleErrors() {
	srv, client := fakeClient()
	defer srv.Close()
	ctx := context.Background()

	srv.On("ShowContact", intercomtest.RespondError(http.StatusNotFound, "not_found", "User Not Found"))
	_, err := client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
	fmt.Println("404 is not found:", intercom.IsNotFound(err))

	srv.On("ShowContact", intercomtest.RespondError(http.StatusUnauthorized, "unauthorized", "Access Token Invalid"))
	_, err = client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
	fmt.Println("401 is unauthorized:", intercom.IsUnauthorized(err))

	srv.On("ShowContact", intercomtest.RespondError(http.StatusTooManyRequests, "rate_limit_exceeded", "Exceeded rate limit").
		WithHeader("Retry-After", "7"))
	_, err = client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
	var apiErr *intercom.Error
	if errors.As(err, &apiErr) {
		fmt.Println("429:", intercom.IsRateLimited(err), "retry after", apiErr.RetryAfter, "in", apiErr.Operation, apiErr.Method, apiErr.Path)
	}

	// Even a proxy's HTML page is an *intercom.Error with its status.
	srv.On("ShowContact", func(*intercomtest.Request) intercomtest.Response {
		return intercomtest.Response{Status: http.StatusBadGateway, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>Bad Gateway</html>")}
	})
	_, err = client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
	fmt.Println("502 is a server error:", intercom.IsServerError(err))
	// Output:
	// 404 is not found: true
	// 401 is unauthorized: true
	// 429: true retry after 7s in ShowContact GET /contacts/{contact_id}
	// 502 is a server error: true
}

// Download a data export: the archive comes back as a stream, which is not
// size-capped; copy it where it belongs and close it.
func Example_downloadDataExport() {
	srv, client := fakeClient()
	defer srv.Close()
	ctx := context.Background()

	archive, err := client.DownloadDataExport(ctx, "orzzsbd7hk67xyu")
	if err != nil {
		log.Fatal(err)
	}
	defer archive.Close()
	n, err := io.Copy(io.Discard, archive)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("downloaded", n > 0, "request sent with Accept:", srv.Requests()[0].Header.Get("Accept"))
	// Output:
	// downloaded true request sent with Accept: application/octet-stream
}
