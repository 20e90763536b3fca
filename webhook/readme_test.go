package webhook_test

import (
	"context"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v2_11"
	"github.com/intercomgo/intercom/webhook"
)

// appStore stands for the app's own storage in the README's example: it
// keeps what the handlers were given.
type appStore struct {
	mu       sync.Mutex
	contacts []v2_11.Contact
	topics   []webhook.Topic
	items    []any
}

func (s *appStore) SaveContact(_ context.Context, c v2_11.Contact) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contacts = append(s.contacts, c)
	return nil
}

func (s *appStore) Record(_ context.Context, topic webhook.Topic, item any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.topics = append(s.topics, topic)
	s.items = append(s.items, item)
	return nil
}

// TestReadmeWebhooks runs the README's receiver (a typed handler for one
// topic, a fallback that decodes any other item) and its in-process
// delivery, so that both stay true.
func TestReadmeWebhooks(t *testing.T) {
	const clientSecret = "5b7a0bd8e2f0c4a96de1f3b2c8a7e6d5f4c3b2a1"
	t.Setenv("INTERCOM_CLIENT_SECRET", clientSecret)
	store := &appStore{}

	// The README's receiver, set up on the app's mux.
	receive := func(mux *http.ServeMux) error {
		h, err := webhook.NewHandler(os.Getenv("INTERCOM_CLIENT_SECRET"),
			webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(0)))
		if err != nil {
			return err
		}
		webhook.OnItem(h, webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification, c v2_11.Contact) error {
			return store.SaveContact(ctx, c)
		})
		h.OnFallback(func(ctx context.Context, n *webhook.Notification) error {
			item, err := v2_11.DecodeWebhookItem(n.Topic.Schema(), n.Data.Item)
			if err != nil {
				return err
			}
			return store.Record(ctx, n.Topic, item)
		})
		mux.Handle("POST /webhooks/intercom", h)
		return nil
	}
	mux := http.NewServeMux()
	require.NoError(t, receive(mux))
	var h http.Handler = mux // the app as Intercom reaches it, routing included

	// The README's test of the receiver: a documented conversation item
	// goes to the fallback, decoded into the version's type.
	w, err := intercomtest.NewWebhook("2.11", webhook.TopicConversationUserReplied)
	require.NoError(t, err)
	resp := w.Deliver(h, clientSecret)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, []webhook.Topic{webhook.TopicConversationUserReplied}, store.topics)
	require.Len(t, store.items, 1)
	assert.IsType(t, &v2_11.Conversation{}, store.items[0])

	// A new user reaches the typed handler, once however often it is sent.
	created, err := intercomtest.NewWebhook("2.11", webhook.TopicContactUserCreated,
		intercomtest.WebhookItem([]byte(`{"type":"contact","id":"6657a6e36abd0123d6f0a8f2","workspace_id":"ujwd5d8a","role":"user","email":"ada@example.com","phone":null}`)))
	require.NoError(t, err)
	for range 2 {
		require.Equal(t, 200, created.Deliver(h, clientSecret).StatusCode)
	}
	require.Len(t, store.contacts, 1)
	assert.Equal(t, "ada@example.com", *store.contacts[0].Email)

	// A notification signed with another secret is refused and stored nowhere.
	forged, err := intercomtest.NewWebhook("2.11", webhook.TopicConversationUserReplied)
	require.NoError(t, err)
	require.Equal(t, 401, forged.Deliver(h, "not-the-secret").StatusCode)
	assert.Len(t, store.items, 1)
}
