package intercomtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
	"github.com/intercomgo/intercom/webhook"
)

// DefaultWebhookAppID is the app (workspace) ID of the notifications
// NewWebhook builds unless WebhookAppID says otherwise.
const DefaultWebhookAppID = "ujwd5d8a"

// WebhookItemExamples returns every example the named version's description
// gives of the component schema ("contact", "conversation", ...) as the API
// returns it: the examples of success responses, and the values inside them
// at every place the schema is referenced (the contacts of a contact list, the
// contact of a conversation). They come in a stable order, each once; the
// list is empty when the description has none.
func WebhookItemExamples(version, schema string) ([]json.RawMessage, error) {
	doc, err := oas.Load(version)
	if err != nil {
		return nil, fmt.Errorf("intercomtest: %w", err)
	}
	if doc.T.Components == nil || doc.T.Components.Schemas[schema] == nil {
		return nil, fmt.Errorf("intercomtest: version %s has no component schema %q", doc.Version, schema)
	}
	c := exampleCollector{ref: "#/components/schemas/" + schema, seen: map[string]bool{}}
	if s := doc.T.Components.Schemas[schema].Value; s != nil && s.Example != nil {
		c.add(s.Example)
	}
	for _, op := range doc.Operations {
		// Answers only: a webhook carries the object as the API returns it.
		for _, code := range slices.Sorted(maps.Keys(op.Op.Responses.Map())) {
			if ref := op.Op.Responses.Value(code); ref != nil && ref.Value != nil && strings.HasPrefix(code, "2") {
				c.media(ref.Value.Content)
			}
		}
	}
	return c.out, nil
}

// ValidateWebhookItem checks item against the named version's component
// schema, as the fake server checks its answers: an item that passes
// decodes into the version package's type.
func ValidateWebhookItem(version, schema string, item json.RawMessage) error {
	doc, err := oas.Load(version)
	if err != nil {
		return fmt.Errorf("intercomtest: %w", err)
	}
	if doc.T.Components == nil || doc.T.Components.Schemas[schema] == nil || doc.T.Components.Schemas[schema].Value == nil {
		return fmt.Errorf("intercomtest: version %s has no component schema %q", doc.Version, schema)
	}
	var v any
	if err := json.Unmarshal(item, &v); err != nil {
		return fmt.Errorf("intercomtest: the item is not JSON: %w", err)
	}
	if err := oas.Validate(doc.T.Components.Schemas[schema].Value, v, oas.Response); err != nil {
		return fmt.Errorf("intercomtest: the item breaks the %s %s schema: %s", doc.Version, schema, strings.Join(oas.Problems(err), "; "))
	}
	return nil
}

type exampleCollector struct {
	ref  string
	seen map[string]bool
	out  []json.RawMessage
}

func (c *exampleCollector) media(content openapi3.Content) {
	_, mt := oas.JSONMedia(content)
	if mt == nil || mt.Schema == nil {
		return
	}
	if mt.Example != nil {
		c.walk(mt.Schema, mt.Example, 0)
	}
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			c.walk(mt.Schema, ex.Value.Value, 0)
		}
	}
}

// walk finds the values at ref inside v, which follows the schema s.
func (c *exampleCollector) walk(s *openapi3.SchemaRef, v any, depth int) {
	if s == nil || s.Value == nil || v == nil || depth > 32 {
		return
	}
	if s.Ref == c.ref {
		// An API object always says what it is; a value without a type
		// is an example attached to the wrong schema.
		if m, ok := v.(map[string]any); ok && m["type"] != nil {
			c.add(v)
		}
		// The schema may nest itself (a contact's companies are not
		// contacts, but a conversation part may hold parts): keep going.
	}
	for _, alt := range slices.Concat(s.Value.AllOf, s.Value.OneOf, s.Value.AnyOf) {
		c.walk(alt, v, depth+1)
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if p := s.Value.Properties[k]; p != nil {
				c.walk(p, v[k], depth+1)
			}
		}
	case []any:
		for _, e := range v {
			c.walk(s.Value.Items, e, depth+1)
		}
	}
}

func (c *exampleCollector) add(v any) {
	b, err := json.Marshal(v)
	if err != nil || c.seen[string(b)] {
		return
	}
	c.seen[string(b)] = true
	c.out = append(c.out, b)
}

// WebhookOption adjusts a notification built by NewWebhook.
type WebhookOption func(*webhookConfig) error

type webhookConfig struct {
	item     json.RawMessage
	id       string
	appID    string
	created  time.Time
	attempts int
}

// WebhookItem makes the notification carry item (JSON bytes, a
// json.RawMessage, or any value json.Marshal accepts, such as a version
// package's *Contact) instead of the description's example.
func WebhookItem(item any) WebhookOption {
	return func(c *webhookConfig) error {
		var b []byte
		switch v := item.(type) {
		case nil:
			return errors.New("intercomtest: WebhookItem: nil item")
		case []byte:
			b = v
		case json.RawMessage:
			b = v
		default:
			var err error
			if b, err = json.Marshal(item); err != nil {
				return fmt.Errorf("intercomtest: WebhookItem: %w", err)
			}
		}
		if !json.Valid(b) {
			return errors.New("intercomtest: WebhookItem: the item is not valid JSON")
		}
		c.item = append(json.RawMessage(nil), b...)
		return nil
	}
}

// WebhookID sets the notification ID (default: a fresh "notif_<uuid>",
// the shape Intercom's IDs have). Deliver the same ID twice to test
// deduplication.
func WebhookID(id string) WebhookOption {
	return func(c *webhookConfig) error { c.id = id; return nil }
}

// WebhookAppID sets the app ID (default DefaultWebhookAppID).
func WebhookAppID(id string) WebhookOption {
	return func(c *webhookConfig) error { c.appID = id; return nil }
}

// WebhookCreatedAt sets created_at and first_sent_at (default: now).
func WebhookCreatedAt(t time.Time) WebhookOption {
	return func(c *webhookConfig) error { c.created = t; return nil }
}

// WebhookDeliveryAttempts sets delivery_attempts (default 1).
func WebhookDeliveryAttempts(n int) WebhookOption {
	return func(c *webhookConfig) error {
		if n < 1 {
			return fmt.Errorf("intercomtest: WebhookDeliveryAttempts: need at least 1, got %d", n)
		}
		c.attempts = n
		return nil
	}
}

// Webhook is a notification as Intercom would POST it, ready to be signed
// and delivered.
type Webhook struct {
	// Topic is the notification's topic.
	Topic webhook.Topic
	// ID is the notification's ID.
	ID string
	// Body is the JSON body, byte for byte what is signed and sent.
	Body []byte
}

// NewWebhook builds a notification of topic for an app whose webhooks are
// set to the named version ("2.12"). Unless WebhookItem gives the item, it
// is the first example the version's description gives of the topic's
// schema (webhook.TopicInfo.Schema) that satisfies the schema (else the
// first whose values have their declared formats, else a value built from
// the schema); a ping carries Intercom's ping item,
// and a contact tag topic a contact_tag made of the version's tag and
// contact examples. For other topics without a schema, pass WebhookItem.
func NewWebhook(version string, topic webhook.Topic, opts ...WebhookOption) (*Webhook, error) {
	cfg := webhookConfig{appID: DefaultWebhookAppID, created: time.Now(), attempts: 1}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if topic == "" {
		return nil, errors.New("intercomtest: NewWebhook: empty topic")
	}
	if cfg.id == "" {
		cfg.id = "notif_" + newUUID()
	}
	if cfg.item == nil {
		item, err := documentedItem(version, topic, cfg.created)
		if err != nil {
			return nil, err
		}
		cfg.item = item
	}
	body := map[string]any{
		"type":              webhook.NotificationType,
		"id":                cfg.id,
		"topic":             string(topic),
		"app_id":            cfg.appID,
		"created_at":        cfg.created.Unix(),
		"delivery_attempts": cfg.attempts,
		"first_sent_at":     cfg.created.Unix(),
		"data":              map[string]any{"type": "notification_event_data", "item": cfg.item},
	}
	if topic == webhook.TopicPing {
		// Intercom's ping is sent outside any delivery bookkeeping.
		body["id"] = nil
		cfg.id = ""
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("intercomtest: NewWebhook: %w", err)
	}
	return &Webhook{Topic: topic, ID: cfg.id, Body: b}, nil
}

// documentedItem returns the item NewWebhook sends when the caller gives
// none.
func documentedItem(version string, topic webhook.Topic, now time.Time) (json.RawMessage, error) {
	info, _ := webhook.LookupTopic(topic)
	first := func(schema string) (json.RawMessage, error) {
		doc, err := oas.Load(version)
		if err != nil {
			return nil, fmt.Errorf("intercomtest: %w", err)
		}
		if doc.T.Components == nil || doc.T.Components.Schemas[schema] == nil {
			return nil, fmt.Errorf("intercomtest: version %s has no schema %q for the item of %s; pass WebhookItem", doc.Version, schema, topic)
		}
		exs, err := WebhookItemExamples(version, schema)
		if err != nil {
			return nil, err
		}
		// The first example that satisfies the schema, else the first
		// whose values at least have their declared formats: the
		// descriptions carry examples that leave out required fields or
		// give null for non-nullable ones, which decode, and some with an
		// empty string where an email is due, which the generated types
		// refuse.
		var relaxed json.RawMessage
		for _, ex := range exs {
			err := ValidateWebhookItem(version, schema, ex)
			if err == nil {
				return ex, nil
			}
			if relaxed == nil && !strings.Contains(err.Error(), "match the format") {
				relaxed = ex
			}
		}
		if relaxed != nil {
			return relaxed, nil
		}
		// No usable example: a value built from the schema, preferring
		// the examples of its properties.
		v, err := oas.Generate(doc.T.Components.Schemas[schema].Value, oas.Response)
		if err != nil {
			return nil, fmt.Errorf("intercomtest: version %s documents no example of %q and %v; pass WebhookItem", version, schema, err)
		}
		return json.Marshal(v)
	}
	switch {
	case info.Schema != "":
		return first(info.Schema)
	case topic == webhook.TopicPing:
		return json.RawMessage(`{"type":"ping","message":"something something interzen"}`), nil
	case info.Object == "Contact Tag":
		tag, err := first("tag")
		if err != nil {
			return nil, err
		}
		contact, err := first("contact")
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"type": "contact_tag", "created_at": now.Unix(), "tag": tag, "contact": contact})
	}
	return nil, fmt.Errorf("intercomtest: topic %q has no API schema to take an example item from; pass WebhookItem", topic)
}

// Request returns the signed POST of the notification to url, with the
// headers Intercom sends.
func (w *Webhook) Request(ctx context.Context, url, clientSecret string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(w.Body))
	if err != nil {
		return nil, fmt.Errorf("intercomtest: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "intercom-parrot-service-client/1.0")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(clientSecret, w.Body))
	return req, nil
}

// Deliver signs the notification with clientSecret and serves it to h,
// in process, returning h's answer.
func (w *Webhook) Deliver(h http.Handler, clientSecret string) *http.Response {
	req, err := w.Request(context.Background(), "http://127.0.0.1/webhooks/intercom", clientSecret)
	if err != nil {
		// The URL is fixed and valid, so this cannot happen.
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// Post signs the notification with clientSecret and POSTs it to url with
// client (http.DefaultClient when nil). Close the response body.
func (w *Webhook) Post(ctx context.Context, client *http.Client, url, clientSecret string) (*http.Response, error) {
	req, err := w.Request(ctx, url, clientSecret)
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = http.DefaultClient
	}
	return client.Do(req)
}

// newUUID returns a random UUID in its text form.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
