// Package webhook receives Intercom webhooks: it verifies their signature,
// parses the notification envelope, decodes the item into the types of
// the version package your app's webhooks are set to, routes by topic, and
// skips redelivered notifications. It depends on the standard library
// only, and on no version package: the item's type is the caller's choice.
//
// # Receiving
//
// A Handler does the whole job as an http.Handler:
//
//	h, err := webhook.NewHandler(os.Getenv("INTERCOM_CLIENT_SECRET"),
//		webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(0)))
//	if err != nil {
//		return err
//	}
//	webhook.OnItem(h, webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification, c v2_12.Contact) error {
//		return store.Upsert(ctx, c)
//	})
//	h.OnFallback(func(ctx context.Context, n *webhook.Notification) error {
//		log.Printf("unhandled %s", n.Topic)
//		return nil
//	})
//	http.Handle("POST /webhooks/intercom", h)
//
// The statuses it answers, and when the registered functions run, are
// listed on Handler. In short: bad or missing signatures get 401, a
// wrong Content-Type 415, a body over the limit 413, a malformed body 400,
// a failing or panicking function 500 (Intercom retries); pings,
// duplicates and topics nobody handles get 200.
//
// # Signatures
//
// Intercom signs each notification with the HMAC-SHA1 of the raw body,
// keyed with the app's client secret, in the header
// "X-Hub-Signature: sha1=<hex>". Verify checks it in constant time; it
// must see the body exactly as received. Sign computes it, for tests.
//
// # Items and versions
//
// data.item is an API object (a contact, a conversation, a ticket, ...)
// in the shape of the API version the app's webhooks are set to in the
// Developer Hub. DecodeItem[T] decodes it into any type, typically the
// version package's; each version package also has DecodeWebhookItem,
// which picks its own type from the topic's schema:
//
//	item, err := v2_12.DecodeWebhookItem(n.Topic.Schema(), n.Data.Item)
//
// # Topics
//
// The Topic constants are the topics of Intercom's webhook documentation
// (DocsURL; no OpenAPI description defines webhooks). Topics lists them
// with the object each carries, the API schema of that object and the
// documentation section. Intercom adds topics over time; a topic without a
// constant is routed like any other.
//
// # Testing
//
// The package intercomtest builds, signs and delivers notifications with
// the documented example items of a version, to a Handler or to a URL.
package webhook
