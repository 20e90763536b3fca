package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/webhook"
)

// post sends body to h signed with signSecret (unsigned when "").
func post(h http.Handler, body, signSecret string, edit ...func(*http.Request)) *http.Response {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/intercom", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signSecret != "" {
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(signSecret, []byte(body)))
	}
	for _, e := range edit {
		e(req)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func text(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func notification(id string, topic webhook.Topic) string {
	return `{"type":"notification_event","id":"` + id + `","topic":"` + string(topic) + `","app_id":"ujwd5d8a","data":{"type":"notification_event_data","item":{"type":"contact","id":"6657a6e36abd0123d6f0a8f2","email":"joe@example.com"}},"created_at":1719487200,"delivery_attempts":1,"first_sent_at":1719487200}`
}

func TestNewHandlerChecksItsArguments(t *testing.T) {
	_, err := webhook.NewHandler("")
	require.ErrorIs(t, err, webhook.ErrNoSecret)
	_, err = webhook.NewHandler(secret, webhook.WithMaxBodyBytes(0))
	require.ErrorContains(t, err, "WithMaxBodyBytes")
	_, err = webhook.NewHandler(secret, webhook.WithDeduplicator(nil))
	require.ErrorContains(t, err, "WithDeduplicator")
	_, err = webhook.NewHandler(secret, webhook.WithAsync(0, 1, nil))
	require.ErrorContains(t, err, "WithAsync")
}

func TestHandlerStatuses(t *testing.T) {
	var logs bytes.Buffer
	h, err := webhook.NewHandler(secret,
		webhook.WithMaxBodyBytes(2048),
		webhook.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	var calls atomic.Int32
	h.On(webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification) error {
		calls.Add(1)
		return nil
	})
	h.On(webhook.TopicContactUserUpdated, func(ctx context.Context, n *webhook.Notification) error {
		return errors.New("database unavailable")
	})
	h.On(webhook.TopicContactDeleted, func(ctx context.Context, n *webhook.Notification) error {
		panic(fmt.Sprintf("unexpected item %s", n.Data.ItemType()))
	})
	good := notification("notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3", webhook.TopicContactUserCreated)

	for _, tc := range []struct {
		name   string
		resp   *http.Response
		status int
		says   string
	}{
		{"handled", post(h, good, secret), 200, "ok"},
		{"charset in the content type", post(h, good, secret, func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=utf-8") }), 200, "ok"},
		{"GET", post(h, good, secret, func(r *http.Request) { r.Method = http.MethodGet }), 405, "POST"},
		{"form content type", post(h, good, secret, func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }), 415, "application/json"},
		{"no content type", post(h, good, secret, func(r *http.Request) { r.Header.Del("Content-Type") }), 415, "application/json"},
		{"missing signature", post(h, good, ""), 401, "missing X-Hub-Signature"},
		{"wrong secret", post(h, good, "0000000000000000000000000000000000000000"), 401, "does not match"},
		{"malformed signature", post(h, good, "", func(r *http.Request) { r.Header.Set(webhook.SignatureHeader, "sha1=nothex") }), 401, "malformed"},
		{"tampered body", post(h, good, secret, func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(good, "joe@", "eve@", 1)))
		}), 401, "does not match"},
		{"oversized body", post(h, good+strings.Repeat(" ", 4096), secret), 413, "larger than 2048"},
		{"malformed body", post(h, `{"type":"notification_event"`, secret), 400, "malformed"},
		{"not a notification", post(h, `{"type":"contact","id":"6657a6e36abd0123d6f0a8f2"}`, secret), 400, "notification_event"},
		{"ping without a handler", post(h, `{"type":"notification_event","id":null,"topic":"ping","data":{"item":{"type":"ping","message":"something something interzen"}}}`, secret), 200, "pong"},
		{"unknown topic, no fallback", post(h, notification("notif_1", "contact.user.teleported"), secret), 200, "ignored"},
		{"handler error", post(h, notification("notif_2", webhook.TopicContactUserUpdated), secret), 500, "handler failed"},
		{"handler panic", post(h, notification("notif_3", webhook.TopicContactDeleted), secret), 500, "handler failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.status, tc.resp.StatusCode)
			assert.Contains(t, text(t, tc.resp), tc.says)
		})
	}
	assert.EqualValues(t, 2, calls.Load(), "only the two good deliveries reached the handler")
	assert.Contains(t, logs.String(), "panicked: unexpected item contact", "the panic is logged")
	assert.Contains(t, logs.String(), "handler_test.go", "with its stack")
	assert.Contains(t, logs.String(), "database unavailable")
	assert.NotContains(t, logs.String(), secret)
}

func TestHandlerFallbackAndPing(t *testing.T) {
	h, err := webhook.NewHandler(secret)
	require.NoError(t, err)
	var got []webhook.Topic
	h.OnFallback(func(ctx context.Context, n *webhook.Notification) error {
		got = append(got, n.Topic)
		return nil
	})
	assert.Equal(t, 200, post(h, notification("notif_1", "contact.user.teleported"), secret).StatusCode)
	assert.Equal(t, 200, post(h, notification("notif_2", webhook.TopicTicketCreated), secret).StatusCode)
	ping := `{"type":"notification_event","id":null,"topic":"ping","data":{"item":{"type":"ping"}}}`
	assert.Equal(t, 200, post(h, ping, secret).StatusCode)
	assert.Equal(t, []webhook.Topic{"contact.user.teleported", webhook.TopicTicketCreated}, got, "a ping does not reach the fallback")

	pinged := false
	h.On(webhook.TopicPing, func(ctx context.Context, n *webhook.Notification) error {
		pinged = true
		return nil
	})
	assert.Equal(t, 200, post(h, ping, secret).StatusCode)
	assert.True(t, pinged, "a registered ping handler runs")

	h.On(webhook.TopicTicketCreated, nil)
	h.OnFallback(nil)
	assert.Equal(t, 200, post(h, notification("notif_3", webhook.TopicTicketCreated), secret).StatusCode)
	assert.Len(t, got, 2, "unregistered")
}

func TestHandlerDeduplicates(t *testing.T) {
	h, err := webhook.NewHandler(secret, webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(100)))
	require.NoError(t, err)
	var handled []string
	failNext := false
	h.On(webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification) error {
		if failNext {
			failNext = false
			return errors.New("try again")
		}
		handled = append(handled, n.ID)
		return nil
	})
	body := notification("notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3", webhook.TopicContactUserCreated)
	resp := post(h, body, secret)
	assert.Equal(t, 200, resp.StatusCode)
	resp = post(h, body, secret) // Intercom delivers it again
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, text(t, resp), "duplicate")
	assert.Equal(t, []string{"notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3"}, handled, "a replayed id is handled once")

	// A failed delivery is released, so Intercom's retry is handled.
	failNext = true
	other := notification("notif_0b8e8d3a-1f2c-4a5b-9c7d-6e5f4a3b2c1d", webhook.TopicContactUserCreated)
	assert.Equal(t, 500, post(h, other, secret).StatusCode)
	assert.Equal(t, 200, post(h, other, secret).StatusCode)
	assert.Len(t, handled, 2)
	assert.Equal(t, 200, post(h, other, secret).StatusCode)
	assert.Len(t, handled, 2)
}

type brokenStore struct{}

func (brokenStore) Claim(context.Context, string) (bool, error) {
	return false, errors.New("redis: connection refused")
}
func (brokenStore) Release(context.Context, string) error { return nil }

func TestHandlerDeduplicatorFailureIsRetried(t *testing.T) {
	h, err := webhook.NewHandler(secret, webhook.WithDeduplicator(brokenStore{}))
	require.NoError(t, err)
	called := false
	h.On(webhook.TopicContactUserCreated, func(context.Context, *webhook.Notification) error { called = true; return nil })
	assert.Equal(t, 500, post(h, notification("notif_1", webhook.TopicContactUserCreated), secret).StatusCode)
	assert.False(t, called)
}

func TestOnItem(t *testing.T) {
	type contact struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	}
	h, err := webhook.NewHandler(secret)
	require.NoError(t, err)
	var got contact
	webhook.OnItem(h, webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification, c contact) error {
		got = c
		return nil
	})
	assert.Equal(t, 200, post(h, notification("notif_1", webhook.TopicContactUserCreated), secret).StatusCode)
	assert.Equal(t, contact{ID: "6657a6e36abd0123d6f0a8f2", Email: "joe@example.com"}, got)

	// An item that does not decode is the handler's failure: 500, retried.
	bad := strings.Replace(notification("notif_2", webhook.TopicContactUserCreated), `"email":"joe@example.com"`, `"email":42`, 1)
	assert.Equal(t, 500, post(h, bad, secret).StatusCode)
}

func TestHandlerAsync(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var handled []string
	var failures []string
	h, err := webhook.NewHandler(secret, webhook.WithAsync(1, 1, func(n *webhook.Notification, err error) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, n.ID+": "+err.Error())
	}), webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(0)))
	require.NoError(t, err)
	started := make(chan struct{}, 10)
	h.On(webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification) error {
		started <- struct{}{}
		<-release
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, n.ID)
		if n.ID == "notif_2" {
			panic("bad item")
		}
		return nil
	})

	// The answer comes before the handler finishes.
	assert.Equal(t, 200, post(h, notification("notif_1", webhook.TopicContactUserCreated), secret).StatusCode)
	<-started // the worker holds notif_1
	assert.Equal(t, 200, post(h, notification("notif_2", webhook.TopicContactUserCreated), secret).StatusCode, "queued")
	resp := post(h, notification("notif_3", webhook.TopicContactUserCreated), secret)
	assert.Equal(t, 503, resp.StatusCode, "the queue is full: Intercom retries later")
	assert.Contains(t, text(t, resp), "queue full")

	close(release)
	require.NoError(t, h.Shutdown(context.Background()))
	assert.Equal(t, []string{"notif_1", "notif_2"}, handled)
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0], "notif_2: webhook: handler for contact.user.created panicked: bad item")

	// notif_3 was released when refused, so its retry is not a duplicate;
	// after Shutdown it is refused again.
	assert.Equal(t, 503, post(h, notification("notif_3", webhook.TopicContactUserCreated), secret).StatusCode)
	require.NoError(t, h.Shutdown(context.Background()), "Shutdown twice is harmless")
}

func TestHandlerAsyncShutdownHonoursTheContext(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	h, err := webhook.NewHandler(secret, webhook.WithAsync(1, 0, nil))
	require.NoError(t, err)
	started := make(chan struct{})
	h.On(webhook.TopicContactUserCreated, func(context.Context, *webhook.Notification) error {
		close(started)
		<-release
		return nil
	})
	// An unbuffered queue: the delivery is accepted only when the worker
	// is free to take it.
	var status int
	for status != 200 {
		status = post(h, notification("notif_1", webhook.TopicContactUserCreated), secret).StatusCode
	}
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, h.Shutdown(ctx), context.Canceled)
}

// BenchmarkHandler measures one signed delivery through the Handler
// (checks, signature, parse, deduplication, routing) in process.
func BenchmarkHandler(b *testing.B) {
	h, err := webhook.NewHandler(secret, webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(0)))
	if err != nil {
		b.Fatal(err)
	}
	h.On(webhook.TopicContactUserCreated, func(context.Context, *webhook.Notification) error { return nil })
	bodies := make([]string, 1024)
	for i := range bodies {
		bodies[i] = notification(fmt.Sprintf("notif_%08d-9c2a-4c8e-8f8f-1e7a0c0e0f5a", i), webhook.TopicContactUserCreated)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		resp := post(h, bodies[i%len(bodies)], secret)
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
		i++
	}
}
