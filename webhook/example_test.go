package webhook_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v2_11"
	"github.com/intercomgo/intercom/webhook"
)

// Receive webhooks of an app whose webhooks are set to API version 2.11,
// and deliver one signed notification to it as Intercom would.
func ExampleHandler() {
	const clientSecret = "5b7a0bd8e2f0c4a96de1f3b2c8a7e6d5f4c3b2a1" // the app's, from the Developer Hub

	h, err := webhook.NewHandler(clientSecret, webhook.WithDeduplicator(webhook.NewMemoryDeduplicator(0)))
	if err != nil {
		log.Fatal(err)
	}
	webhook.OnItem(h, webhook.TopicContactUserCreated, func(ctx context.Context, n *webhook.Notification, c v2_11.Contact) error {
		fmt.Println("new user", *c.Id, *c.Email)
		return nil
	})
	h.OnFallback(func(ctx context.Context, n *webhook.Notification) error {
		fmt.Println("not handled:", n.Topic)
		return nil
	})
	srv := httptest.NewServer(h) // in production: http.Handle("POST /webhooks/intercom", h)
	defer srv.Close()

	// A notification as Intercom sends it, signed with the client secret.
	w, err := intercomtest.NewWebhook("2.11", webhook.TopicContactUserCreated,
		intercomtest.WebhookID("notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3"),
		intercomtest.WebhookItem([]byte(`{"type":"contact","id":"6657a6e36abd0123d6f0a8f2","workspace_id":"ujwd5d8a","role":"user","email":"joe@example.com","name":"Joe Example","phone":null}`)))
	if err != nil {
		log.Fatal(err)
	}
	for range 2 { // Intercom may deliver a notification twice
		resp, err := w.Post(context.Background(), nil, srv.URL, clientSecret)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Print(resp.StatusCode, " ", string(body))
	}

	// Anything not signed with the secret is refused.
	resp, err := http.Post(srv.URL, "application/json", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// new user 6657a6e36abd0123d6f0a8f2 joe@example.com
	// 200 ok
	// 200 duplicate
	// 401
}

// Decode an item with the version package's own choice of type.
func ExampleNotification() {
	body := []byte(`{"type":"notification_event","id":"notif_78c122d0-23ba-11e4-9464-79b01267cc2e","topic":"conversation.user.replied","app_id":"ujwd5d8a","data":{"type":"notification_event_data","item":{"type":"conversation","id":"409","state":"open","open":true}},"created_at":1719492880,"delivery_attempts":1,"first_sent_at":1719492880}`)
	// A Handler verifies the signature first; see Verify.
	n, err := webhook.Parse(body)
	if err != nil {
		log.Fatal(err)
	}
	item, err := v2_11.DecodeWebhookItem(n.Topic.Schema(), n.Data.Item)
	if err != nil {
		log.Fatal(err)
	}
	switch item := item.(type) {
	case *v2_11.Conversation:
		fmt.Println(n.Topic, "conversation", *item.Id, *item.State)
	default:
		fmt.Printf("%s: %T\n", n.Topic, item)
	}
	// Output:
	// conversation.user.replied conversation 409 open
}
