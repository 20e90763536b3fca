package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/webhook"
)

// secret has the shape of an Intercom app's client secret (40 hex).
const secret = "5b7a0bd8e2f0c4a96de1f3b2c8a7e6d5f4c3b2a1"

func TestSignMatchesAnIndependentHMAC(t *testing.T) {
	body := []byte(`{"type":"notification_event","id":"notif_78c122d0-23ba-11e4-9464-79b01267cc2e","topic":"ping"}`)
	// Computed with Python's hmac module, not with this package.
	assert.Equal(t, "sha1=443d676c53a6a77aefb896d6fa7a865dbf906fa0", webhook.Sign(secret, body))
}

func TestVerify(t *testing.T) {
	body := []byte(contactCreated)
	good := webhook.Sign(secret, body)

	t.Run("good signature", func(t *testing.T) {
		require.NoError(t, webhook.Verify(secret, body, good))
		require.NoError(t, webhook.Verify(secret, body, "SHA1="+strings.ToUpper(good[5:])), "hex case and prefix case do not matter")
	})
	t.Run("wrong secret", func(t *testing.T) {
		err := webhook.Verify("0000000000000000000000000000000000000000", body, good)
		require.ErrorIs(t, err, webhook.ErrBadSignature)
	})
	t.Run("tampered body", func(t *testing.T) {
		tampered := strings.Replace(string(body), `"name": "Joe Example"`, `"name": "Eve Example"`, 1)
		require.NotEqual(t, string(body), tampered)
		require.ErrorIs(t, webhook.Verify(secret, []byte(tampered), good), webhook.ErrBadSignature)
	})
	t.Run("re-encoded body", func(t *testing.T) {
		// The same JSON with other whitespace is another body: only the
		// exact bytes verify.
		var v any
		require.NoError(t, json.Unmarshal(body, &v))
		again, err := json.MarshalIndent(v, "", "  ")
		require.NoError(t, err)
		require.ErrorIs(t, webhook.Verify(secret, again, good), webhook.ErrBadSignature)
	})
	t.Run("missing header", func(t *testing.T) {
		require.ErrorIs(t, webhook.Verify(secret, body, ""), webhook.ErrMissingSignature)
		require.ErrorIs(t, webhook.Verify(secret, body, "  "), webhook.ErrMissingSignature)
	})
	t.Run("malformed header", func(t *testing.T) {
		for _, h := range []string{
			good[5:],                  // no prefix
			"sha256=" + good[5:],      // another algorithm
			good[:43],                 // truncated
			"sha1=" + good[5:] + "00", // too long
			"sha1=zz" + good[7:],      // not hex
			"sha1=",                   // empty
			"sha1",                    // shorter than the prefix
		} {
			assert.ErrorIs(t, webhook.Verify(secret, body, h), webhook.ErrMalformedSignature, h)
		}
	})
	t.Run("empty secret", func(t *testing.T) {
		require.ErrorIs(t, webhook.Verify("", body, good), webhook.ErrNoSecret)
	})
}

// contactCreated is a notification in the shape of Intercom's documented
// example, with realistic IDs.
const contactCreated = `{
  "type": "notification_event",
  "app_id": "ujwd5d8a",
  "data": {
    "type": "notification_event_data",
    "item": {
      "type": "contact",
      "id": "6657a6e36abd0123d6f0a8f2",
      "workspace_id": "ujwd5d8a",
      "external_id": "25",
      "role": "user",
      "email": "joe@example.com",
      "name": "Joe Example",
      "phone": null,
      "created_at": 1719487200,
      "custom_attributes": {},
      "unexpected_new_field": {"kept": true}
    }
  },
  "links": {},
  "id": "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3",
  "topic": "contact.user.created",
  "delivery_status": "pending",
  "delivery_attempts": 1,
  "delivered_at": 0,
  "first_sent_at": 1719487201,
  "created_at": 1719487200,
  "self": null
}`

func TestParse(t *testing.T) {
	n, err := webhook.Parse([]byte(contactCreated))
	require.NoError(t, err)
	assert.Equal(t, "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3", n.ID)
	assert.Equal(t, webhook.TopicContactUserCreated, n.Topic)
	assert.Equal(t, "ujwd5d8a", n.AppID)
	assert.Equal(t, "notification_event_data", n.Data.Type)
	assert.Equal(t, "contact", n.Data.ItemType())
	assert.Equal(t, webhook.UnixTime(1719487200), n.CreatedAt)
	assert.Equal(t, "2024-06-27T11:20:00Z", n.CreatedAt.Time().Format("2006-01-02T15:04:05Z07:00"))
	assert.Equal(t, webhook.UnixTime(1719487201), n.FirstSentAt)
	assert.Equal(t, 1, n.DeliveryAttempts)
	assert.Empty(t, n.Self, "null self")
	assert.JSONEq(t, contactCreated, string(n.Raw), "the whole body is kept")
	assert.Contains(t, string(n.Data.Item), "unexpected_new_field", "the item is kept verbatim")
}

func TestParseToleratesOddTimestamps(t *testing.T) {
	for _, ts := range []string{`"1719487200"`, `1719487200.0`, `null`} {
		n, err := webhook.Parse([]byte(`{"type":"notification_event","id":"notif_1","topic":"ping","created_at":` + ts + `,"data":{"item":{"type":"ping"}}}`))
		require.NoError(t, err, ts)
		if ts == "null" {
			assert.Zero(t, n.CreatedAt)
			assert.True(t, n.CreatedAt.Time().IsZero())
		} else {
			assert.Equal(t, webhook.UnixTime(1719487200), n.CreatedAt, ts)
		}
	}
	_, err := webhook.Parse([]byte(`{"type":"notification_event","topic":"ping","created_at":"yesterday"}`))
	require.ErrorIs(t, err, webhook.ErrMalformed)
}

func TestParseRejectsWhatIsNotANotification(t *testing.T) {
	for name, body := range map[string]string{
		"empty":         ``,
		"not JSON":      `topic=ping`,
		"array":         `[{"type":"notification_event","topic":"ping"}]`,
		"wrong type":    `{"type":"contact","topic":"contact.user.created"}`,
		"no type":       `{"topic":"contact.user.created"}`,
		"no topic":      `{"type":"notification_event","id":"notif_1"}`,
		"trailing data": `{"type":"notification_event","topic":"ping"} {"type":"notification_event","topic":"ping"}`,
		"truncated":     contactCreated[:len(contactCreated)/2],
		"topic number":  `{"type":"notification_event","topic":5}`,
	} {
		_, err := webhook.Parse([]byte(body))
		assert.ErrorIs(t, err, webhook.ErrMalformed, name)
	}
}

func TestDecodeItem(t *testing.T) {
	type contact struct {
		Type  string  `json:"type"`
		ID    string  `json:"id"`
		Email string  `json:"email"`
		Phone *string `json:"phone"`
	}
	n, err := webhook.Parse([]byte(contactCreated))
	require.NoError(t, err)
	c, err := webhook.DecodeItem[contact](n)
	require.NoError(t, err)
	assert.Equal(t, contact{Type: "contact", ID: "6657a6e36abd0123d6f0a8f2", Email: "joe@example.com"}, c)

	_, err = webhook.DecodeItem[struct {
		Other string `json:"other"`
	}](n)
	require.NoError(t, err, "fields the type does not name do not fail decoding")
	_, err = webhook.DecodeItem[struct {
		ID int `json:"id"`
	}](n)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "contact.user.created")

	empty, err := webhook.Parse([]byte(`{"type":"notification_event","topic":"ping","data":{"item":null}}`))
	require.NoError(t, err)
	_, err = webhook.DecodeItem[contact](empty)
	require.ErrorIs(t, err, webhook.ErrNoItem)
	_, err = webhook.DecodeItem[contact](nil)
	require.ErrorIs(t, err, webhook.ErrNoItem)
}

func TestTopics(t *testing.T) {
	topics := webhook.Topics()
	require.Greater(t, len(topics), 50)
	seen := map[webhook.Topic]bool{}
	for i, info := range topics {
		assert.False(t, seen[info.Topic], "%s listed twice", info.Topic)
		seen[info.Topic] = true
		if i > 0 {
			assert.Less(t, topics[i-1].Topic, info.Topic, "sorted")
		}
		assert.True(t, strings.HasPrefix(info.Source, webhook.DocsURL+"#"), info.Source)
		assert.NotEmpty(t, info.Object)
		got, ok := webhook.LookupTopic(info.Topic)
		require.True(t, ok)
		assert.Equal(t, info, got)
		assert.True(t, info.Topic.Known())
		assert.Equal(t, info.Schema, info.Topic.Schema())
	}
	for topic, schema := range map[webhook.Topic]string{
		webhook.TopicContactUserCreated:         "contact",
		webhook.TopicConversationUserReplied:    "conversation",
		webhook.TopicTicketCreated:              "ticket",
		webhook.TopicCompanyCreated:             "company",
		webhook.TopicConversationPartTagCreated: "conversation_part",
		webhook.TopicContactUserTagCreated:      "", // a contact_tag: no API schema
		webhook.TopicPing:                       "",
	} {
		assert.Equal(t, schema, topic.Schema(), topic)
	}
	info, _ := webhook.LookupTopic(webhook.TopicContactDeleted)
	assert.True(t, info.Minimal)
	_, ok := webhook.LookupTopic("contact.user.exploded")
	assert.False(t, ok)
	assert.Equal(t, "", webhook.Topic("contact.user.exploded").Schema())

	// Topics returns a copy.
	topics[0].Schema = "changed"
	assert.NotEqual(t, "changed", webhook.Topics()[0].Schema)
}

func TestMemoryDeduplicator(t *testing.T) {
	ctx := context.Background()
	d := webhook.NewMemoryDeduplicator(2)
	first := func(id string) bool {
		ok, err := d.Claim(ctx, id)
		require.NoError(t, err)
		return ok
	}
	assert.True(t, first("notif_a"))
	assert.False(t, first("notif_a"), "a replayed id")
	assert.True(t, first("notif_b"))
	assert.True(t, first("notif_c"), "evicts notif_a, the oldest")
	assert.True(t, first("notif_a"), "forgotten beyond the capacity")
	assert.False(t, first("notif_c"))

	require.NoError(t, d.Release(ctx, "notif_c"))
	assert.True(t, first("notif_c"), "released after a failure: handled again")
	// The ring still holds notif_c's first slot; reusing it must not
	// forget the newer claim.
	assert.True(t, first("notif_d"))
	assert.False(t, first("notif_c"), "the newer claim survives the eviction of the older slot")
}

func TestErrorsAreDistinct(t *testing.T) {
	errs := []error{webhook.ErrMissingSignature, webhook.ErrMalformedSignature, webhook.ErrBadSignature, webhook.ErrNoSecret, webhook.ErrMalformed, webhook.ErrNoItem}
	for i, a := range errs {
		for j, b := range errs {
			assert.Equal(t, i == j, errors.Is(a, b))
		}
	}
}

// BenchmarkVerify measures the signature check of a typical notification
// body, beside Sign, which computes the same HMAC-SHA1 and its hex form.
func BenchmarkVerify(b *testing.B) {
	body := []byte(contactCreated)
	sig := webhook.Sign(secret, body)
	b.Run("verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := webhook.Verify(secret, body, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = webhook.Sign(secret, body)
		}
	})
}
