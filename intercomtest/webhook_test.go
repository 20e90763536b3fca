package intercomtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions"
	"github.com/intercomgo/intercom/webhook"
)

const clientSecret = "5b7a0bd8e2f0c4a96de1f3b2c8a7e6d5f4c3b2a1"

// receiver is a webhook.Handler that records what reached it.
func receiver(t *testing.T) (*webhook.Handler, *[]*webhook.Notification) {
	t.Helper()
	h, err := webhook.NewHandler(clientSecret, webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(0)))
	require.NoError(t, err)
	var got []*webhook.Notification
	h.OnFallback(func(ctx context.Context, n *webhook.Notification) error {
		got = append(got, n)
		return nil
	})
	return h, &got
}

func TestWebhookDeliveryOfEveryVersion(t *testing.T) {
	for _, v := range versions.All {
		t.Run(v.Name, func(t *testing.T) {
			h, got := receiver(t)
			for _, topic := range []webhook.Topic{webhook.TopicContactUserCreated, webhook.TopicConversationUserReplied, webhook.TopicTicketCreated, webhook.TopicCompanyCreated} {
				w, err := intercomtest.NewWebhook(v.Name, topic)
				require.NoError(t, err)
				resp := w.Deliver(h, clientSecret)
				require.Equal(t, http.StatusOK, resp.StatusCode, topic)
			}
			require.Len(t, *got, 4)
			for _, n := range *got {
				assert.Regexp(t, `^notif_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, n.ID)
				assert.Equal(t, intercomtest.DefaultWebhookAppID, n.AppID)
				assert.Equal(t, 1, n.DeliveryAttempts)
				assert.Equal(t, "notification_event_data", n.Data.Type)
				// The item is the version's documented example of the
				// topic's schema.
				schema := n.Topic.Schema()
				examples, err := intercomtest.WebhookItemExamples(v.Name, schema)
				require.NoError(t, err)
				documented := false
				for _, ex := range examples {
					documented = documented || string(ex) == string(n.Data.Item)
				}
				assert.True(t, documented, "%s carries a documented %s", n.Topic, schema)
				assert.Equal(t, schema, n.Data.ItemType())
			}
		})
	}
}

func TestWebhookPostToURL(t *testing.T) {
	h, got := receiver(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	version := versions.All[len(versions.All)-1].Name

	created := time.Date(2024, 6, 27, 11, 20, 0, 0, time.UTC)
	w, err := intercomtest.NewWebhook(version, webhook.TopicContactUserCreated,
		intercomtest.WebhookID("notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3"),
		intercomtest.WebhookAppID("a86dr8yl"),
		intercomtest.WebhookCreatedAt(created),
		intercomtest.WebhookDeliveryAttempts(2),
		intercomtest.WebhookItem(json.RawMessage(`{"type":"contact","id":"6657a6e36abd0123d6f0a8f2","email":"","name":null}`)))
	require.NoError(t, err)
	resp, err := w.Post(context.Background(), srv.Client(), srv.URL, clientSecret)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, *got, 1)
	n := (*got)[0]
	assert.Equal(t, "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3", n.ID)
	assert.Equal(t, "a86dr8yl", n.AppID)
	assert.Equal(t, created, n.CreatedAt.Time())
	assert.Equal(t, created, n.FirstSentAt.Time())
	assert.Equal(t, 2, n.DeliveryAttempts)
	assert.JSONEq(t, `{"type":"contact","id":"6657a6e36abd0123d6f0a8f2","email":"","name":null}`, string(n.Data.Item), "the caller's item, verbatim")
	assert.Equal(t, w.Body, []byte(n.Raw), "the body arrives byte for byte")

	// The same notification again is a duplicate for the receiver.
	resp2, err := w.Post(context.Background(), nil, srv.URL, clientSecret)
	require.NoError(t, err)
	defer resp2.Body.Close()
	body, _ := io.ReadAll(resp2.Body)
	assert.Equal(t, http.StatusOK, resp2.StatusCode)
	assert.Contains(t, string(body), "duplicate")
	assert.Len(t, *got, 1)

	// Signed with another secret, it is refused.
	resp3, err := w.Post(context.Background(), nil, srv.URL, "0000000000000000000000000000000000000000")
	require.NoError(t, err)
	defer resp3.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp3.StatusCode)
}

func TestWebhookRequestCarriesIntercomsHeaders(t *testing.T) {
	w, err := intercomtest.NewWebhook(versions.All[0].Name, webhook.TopicPing)
	require.NoError(t, err)
	req, err := w.Request(context.Background(), "http://127.0.0.1:9/hooks", clientSecret)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
	assert.Equal(t, webhook.Sign(clientSecret, w.Body), req.Header.Get("X-Hub-Signature"))
	assert.NoError(t, webhook.Verify(clientSecret, w.Body, req.Header.Get("X-Hub-Signature")))

	// A ping carries no id, as Intercom's does.
	var body map[string]any
	require.NoError(t, json.Unmarshal(w.Body, &body))
	assert.Nil(t, body["id"])
	assert.Equal(t, "ping", body["topic"])
	assert.Empty(t, w.ID)
}

func TestWebhookItemsWithoutASchema(t *testing.T) {
	version := versions.All[len(versions.All)-1].Name

	// A contact tag is composed of the version's tag and contact examples.
	w, err := intercomtest.NewWebhook(version, webhook.TopicContactUserTagCreated)
	require.NoError(t, err)
	n, err := webhook.Parse(w.Body)
	require.NoError(t, err)
	var tag struct {
		Type    string         `json:"type"`
		Tag     map[string]any `json:"tag"`
		Contact map[string]any `json:"contact"`
	}
	require.NoError(t, json.Unmarshal(n.Data.Item, &tag))
	assert.Equal(t, "contact_tag", tag.Type)
	assert.Equal(t, "tag", tag.Tag["type"])
	assert.Equal(t, "contact", tag.Contact["type"])

	// A content stat has no API schema: the caller gives the item.
	_, err = intercomtest.NewWebhook(version, webhook.TopicContentStatEmail)
	require.ErrorContains(t, err, "pass WebhookItem")
	w, err = intercomtest.NewWebhook(version, webhook.TopicContentStatEmail, intercomtest.WebhookItem(map[string]any{"type": "content_stat.email", "content_stat": map[string]any{"stat_type": "receipt"}}))
	require.NoError(t, err)
	assert.Contains(t, string(w.Body), `"stat_type":"receipt"`)

	// A topic whose schema the version lacks says so.
	if _, err := intercomtest.WebhookItemExamples(version, "call"); err != nil {
		_, err = intercomtest.NewWebhook(version, webhook.TopicCallStarted)
		require.ErrorContains(t, err, `no schema "call"`)
	}
}

func TestWebhookOptionsAreChecked(t *testing.T) {
	version := versions.All[0].Name
	for name, opt := range map[string]intercomtest.WebhookOption{
		"nil item":      intercomtest.WebhookItem(nil),
		"invalid JSON":  intercomtest.WebhookItem([]byte(`{"type":`)),
		"unmarshalable": intercomtest.WebhookItem(func() {}),
		"zero attempts": intercomtest.WebhookDeliveryAttempts(0),
	} {
		_, err := intercomtest.NewWebhook(version, webhook.TopicContactUserCreated, opt)
		assert.Error(t, err, name)
	}
	_, err := intercomtest.NewWebhook(version, "")
	assert.ErrorContains(t, err, "empty topic")
	_, err = intercomtest.NewWebhook("1.0", webhook.TopicContactUserCreated)
	assert.ErrorContains(t, err, "unknown Intercom API version")
	_, err = intercomtest.WebhookItemExamples(version, "no_such_schema")
	assert.ErrorContains(t, err, "no component schema")
}

func TestWebhookItemExamplesFindNestedValues(t *testing.T) {
	for _, v := range versions.All {
		contacts, err := intercomtest.WebhookItemExamples(v.Name, "contact")
		require.NoError(t, err)
		// Intercom's descriptions show a contact in few direct answers;
		// the lists and searches hold the rest.
		require.Greater(t, len(contacts), 1, v.Name)
		seen := map[string]bool{}
		for _, c := range contacts {
			assert.False(t, seen[string(c)], "each example once")
			seen[string(c)] = true
			var m map[string]any
			require.NoError(t, json.Unmarshal(c, &m))
			assert.Equal(t, "contact", m["type"], "%s: %s", v.Name, strings.TrimSpace(string(c))[:60])
		}
	}
}
