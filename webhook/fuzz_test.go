package webhook_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/intercomgo/intercom/webhook"
)

// FuzzHandler sends arbitrary bodies, signed or not, and checks that the
// handler never panics and answers only with its documented statuses.
func FuzzHandler(f *testing.F) {
	f.Add([]byte(contactCreated), true, "application/json")
	f.Add([]byte(`{"type":"notification_event","topic":"ping","id":null}`), true, "application/json; charset=utf-8")
	f.Add([]byte(`{"type":"notification_event","topic":5}`), true, "application/json")
	f.Add([]byte(`[]`), false, "text/plain")
	f.Add([]byte("\xff\xfe"), true, "application/json")
	h, err := webhook.NewHandler(secret, webhook.WithMaxBodyBytes(1<<16), webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(64)))
	if err != nil {
		f.Fatal(err)
	}
	webhook.OnItem(h, webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification, c map[string]any) error { return nil })
	h.OnFallback(func(ctx context.Context, n *webhook.Notification) error { return nil })
	allowed := map[int]bool{200: true, 400: true, 401: true, 413: true, 415: true, 500: true}
	f.Fuzz(func(t *testing.T, body []byte, sign bool, contentType string) {
		signWith := ""
		if sign {
			signWith = secret
		}
		resp := post(h, string(body), signWith, func(r *http.Request) { r.Header.Set("Content-Type", contentType) })
		if !allowed[resp.StatusCode] {
			t.Fatalf("status %d for %q", resp.StatusCode, body)
		}
		if resp.StatusCode == 200 {
			if _, err := webhook.Parse(body); err != nil {
				t.Fatalf("accepted a body Parse refuses: %v", err)
			}
		}
	})
}
