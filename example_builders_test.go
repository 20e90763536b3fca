package intercom_test

import (
	"context"
	"fmt"
	"log"
	"reflect"
	"time"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v2_12"
)

// fake starts a fake Intercom 2.12 for an example, with the client that
// talks to it.
func fake() (*intercomtest.Server, *v2_12.Client) {
	srv, err := intercomtest.Start("2.12")
	if err != nil {
		log.Fatal(err)
	}
	client, err := v2_12.NewClient(intercom.WithToken("test"), intercom.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	return srv, client
}

// show prints an optional field or a plain one alike.
func show(v any) string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "<unset>"
		}
		rv = rv.Elem()
	}
	return fmt.Sprint(rv.Interface())
}

// Create a contact with a custom attribute, then find it by email AND role
// and walk every match.
func Example_searchContacts() {
	srv, client := fake()
	defer srv.Close()
	srv.On("SearchContacts", intercomtest.Respond(200, map[string]any{
		"type": "list", "total_count": 1,
		"data":  []any{map[string]any{"type": "contact", "id": "6657a6e36abd0123d6f0a8f2", "email": "ada@example.com", "role": "user"}},
		"pages": map[string]any{"type": "pages", "page": 1, "per_page": 50, "total_pages": 1},
	}))
	ctx := context.Background()

	// The task: create, search by email AND role, iterate.
	if _, err := client.CreateContact(ctx, v2_12.CreateContactRequest{Email: intercom.Ptr("ada@example.com"),
		Role: intercom.Ptr("user"), CustomAttributes: &map[string]any{"plan": "pro"}}); err != nil {
		log.Fatal(err)
	}
	for found, err := range client.SearchContactsMatching(ctx, intercom.And(
		intercom.Where("email", intercom.Equals, "ada@example.com"),
		intercom.Where("role", intercom.Equals, "user"),
	)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found", show(found.Id))
	}
	fmt.Println("created", len(srv.RequestsFor("CreateContact")))
	fmt.Println("sent", string(srv.RequestsFor("searchContacts")[0].Body))
	fmt.Println("violations:", len(srv.Violations()))
	// Output:
	// found 6657a6e36abd0123d6f0a8f2
	// created 1
	// sent {"query":{"operator":"AND","value":[{"field":"email","operator":"=","value":"ada@example.com"},{"field":"role","operator":"=","value":"user"}]}}
	// violations: 0
}

// A nested query: contacts created in 2024 whose email is at example.com
// or who have the "vip" tag. Intercom allows two levels of AND/OR and 15
// filters per group; the query is checked before anything is sent, and
// timestamps compare by day.
func ExampleAnd_nested() {
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	q := intercom.And(
		intercom.Where("created_at", intercom.GreaterThan, from),
		intercom.Where("created_at", intercom.LessThan, to),
		intercom.Or(
			intercom.Where("email", intercom.EndsWith, "@example.com"),
			intercom.Where("tag_id", intercom.In, []string{"vip"}),
		),
	)
	body, err := v2_12.BuildSearchRequest(q)
	if err != nil {
		log.Fatal(err)
	}
	body.Pagination = &v2_12.StartingAfterPaging{PerPage: intercom.Ptr(50)}
	fmt.Println(q.Validate())

	tooDeep := intercom.And(intercom.Or(intercom.And(intercom.Where("name", intercom.Equals, "Ada"))))
	_, err = v2_12.BuildSearchRequest(tooDeep)
	fmt.Println(err)
	// Output:
	// <nil>
	// intercom: invalid search query: intercom: search query.and[0].or[0] nests groups 3 deep; Intercom allows at most 2 levels of AND/OR
}

// Reply to a conversation as an admin, assign it to a teammate and close
// it: each action is a plain value; the version package turns it into the
// operation's union body.
func Example_conversationActions() {
	srv, client := fake()
	defer srv.Close()
	ctx := context.Background()
	const conversationID, adminID = "123", "991267715"

	reply, err := v2_12.BuildReplyConversationRequest(intercom.ReplyAsAdmin(adminID, "We are on it."))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.ReplyConversation(ctx, conversationID, reply); err != nil {
		log.Fatal(err)
	}
	for _, action := range []intercom.ConversationAction{
		intercom.AssignConversation(adminID, "991267716", "Over to you"),
		intercom.CloseConversation(adminID, "Solved, thanks!"),
	} {
		body, err := v2_12.BuildManageConversationRequest(action)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := client.ManageConversation(ctx, conversationID, body); err != nil {
			log.Fatal(err)
		}
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, string(r.Body))
	}
	fmt.Println("violations:", len(srv.Violations()))
	// Output:
	// POST /conversations/123/reply {"admin_id":"991267715","body":"We are on it.","message_type":"comment","type":"admin"}
	// POST /conversations/123/parts {"admin_id":"991267715","assignee_id":"991267716","body":"Over to you","message_type":"assignment","type":"admin"}
	// POST /conversations/123/parts {"admin_id":"991267715","body":"Solved, thanks!","message_type":"close","type":"admin"}
	// violations: 0
}

// Walk every contact: the iterator asks for the next page as the loop
// reaches it, and a break sends no further request.
func Example_iterate() {
	srv, client := fake()
	defer srv.Close()
	page := func(ids []string, next string) intercomtest.Responder {
		data := []any{}
		for _, id := range ids {
			data = append(data, map[string]any{"type": "contact", "id": id})
		}
		pages := map[string]any{"type": "pages", "per_page": 2, "total_pages": 2}
		if next != "" {
			pages["next"] = map[string]any{"per_page": 2, "starting_after": next}
		}
		return intercomtest.Respond(200, map[string]any{"type": "list", "data": data, "total_count": 3, "pages": pages})
	}
	srv.On("ListContacts", intercomtest.Sequence(
		page([]string{"6657a6e36abd0123d6f0a8f2", "6657a6e36abd0123d6f0a8f3"}, "WzE3MTcxNzE3MTcwMDAsIjY2NTdhNmUzIl0="),
		page([]string{"6657a6e36abd0123d6f0a8f4"}, ""),
	))

	for contact, err := range client.ListContactsAll(context.Background()) {
		if err != nil {
			log.Fatal(err) // *intercom.PageError; errors.As finds the *intercom.Error beneath
		}
		fmt.Println(show(contact.Id))
	}
	fmt.Println("requests:", len(srv.RequestsFor("ListContacts")))
	// Output:
	// 6657a6e36abd0123d6f0a8f2
	// 6657a6e36abd0123d6f0a8f3
	// 6657a6e36abd0123d6f0a8f4
	// requests: 2
}
