package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NotificationType is the "type" of every notification body.
const NotificationType = "notification_event"

// Notification is the envelope Intercom POSTs for every webhook:
//
//	{"type":"notification_event","id":"notif_...","topic":"contact.user.created",
//	 "app_id":"ujwd5d8a","data":{"type":"notification_event_data","item":{...}},
//	 "created_at":1719487200,"delivery_attempts":1,"first_sent_at":1719487200}
//
// Item is kept as raw JSON: decode it with DecodeItem into the type of the
// version package your app's webhooks are set to, or with that package's
// DecodeWebhookItem. Raw is the whole body, so fields this struct does not
// name are not lost.
type Notification struct {
	// Type is "notification_event".
	Type string `json:"type"`
	// ID identifies the notification; redeliveries of one notification
	// carry the same ID. Intercom's ping may carry none.
	ID string `json:"id"`
	// Topic is what happened, such as "conversation.user.replied".
	Topic Topic `json:"topic"`
	// AppID is the workspace (app) the notification comes from.
	AppID string `json:"app_id"`
	// Data holds the item the notification is about.
	Data Data `json:"data"`
	// Self is the notification's URL at Intercom, when given.
	Self string `json:"self,omitempty"`
	// CreatedAt is when Intercom created the notification.
	CreatedAt UnixTime `json:"created_at"`
	// DeliveryAttempts counts the attempts, this one included.
	DeliveryAttempts int `json:"delivery_attempts"`
	// FirstSentAt is when the first attempt was made.
	FirstSentAt UnixTime `json:"first_sent_at"`
	// Raw is the body exactly as received.
	Raw json.RawMessage `json:"-"`
}

// Data is the container of a notification's item.
type Data struct {
	// Type is "notification_event_data".
	Type string `json:"type"`
	// Item is the API object the notification is about (a contact, a
	// conversation, a ticket, ...), as raw JSON.
	Item json.RawMessage `json:"item"`
}

// ItemType returns the "type" field of the item ("contact",
// "conversation", "ping", ...), or "" when it has none.
func (d Data) ItemType() string {
	var probe struct {
		Type any `json:"type"`
	}
	if json.Unmarshal(d.Item, &probe) != nil {
		return ""
	}
	s, _ := probe.Type.(string)
	return s
}

// UnixTime is a time in Unix seconds as Intercom sends it. It accepts a
// JSON number, a string holding one, or null (zero).
type UnixTime int64

// Time returns t as a time.Time in UTC; the zero UnixTime gives the zero
// time.Time.
func (t UnixTime) Time() time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0).UTC()
}

// UnmarshalJSON accepts 1719487200, "1719487200", 1719487200.0 and null.
func (t *UnixTime) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" || s == `""` {
		*t = 0
		return nil
	}
	s = strings.Trim(s, `"`)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*t = UnixTime(n)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("webhook: timestamp %s is not a Unix time", clip(string(b), 40))
	}
	*t = UnixTime(int64(f))
	return nil
}

// ErrMalformed is wrapped by every error Parse returns, so that a handler
// can tell a bad body (answered 400) from other failures.
var ErrMalformed = errors.New("webhook: malformed notification")

// Parse decodes a notification body. It checks that the body is one JSON
// object of type "notification_event" with a topic; the item is not
// decoded (see DecodeItem). Parse does not verify the signature: use
// Verify first, or the Handler, which does both.
func Parse(body []byte) (*Notification, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var n Notification
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	if n.Type != NotificationType {
		return nil, fmt.Errorf("%w: type is %q, want %q", ErrMalformed, clip(n.Type, 40), NotificationType)
	}
	if n.Topic == "" {
		return nil, fmt.Errorf("%w: no topic", ErrMalformed)
	}
	n.Raw = append(json.RawMessage(nil), body...)
	return &n, nil
}

// ErrNoItem is returned by DecodeItem when the notification has no item.
var ErrNoItem = errors.New("webhook: the notification has no data.item")

// DecodeItem decodes the notification's item into T, a type of the version
// package your app's webhooks are set to (Intercom sends items in that
// version's shape). For example, with webhooks set to 2.12:
//
//	contact, err := webhook.DecodeItem[v2_12.Contact](n)
//
// TopicInfo.Schema names the schema a topic's item follows.
func DecodeItem[T any](n *Notification) (T, error) {
	var v T
	if n == nil || len(bytes.TrimSpace(n.Data.Item)) == 0 || string(bytes.TrimSpace(n.Data.Item)) == "null" {
		return v, ErrNoItem
	}
	if err := json.Unmarshal(n.Data.Item, &v); err != nil {
		return v, fmt.Errorf("webhook: decode the %s item of notification %s into %T: %w", n.Topic, n.ID, v, err)
	}
	return v, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
