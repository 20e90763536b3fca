package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// The README's first program: build a client for one API version, call
// typed methods, and tell error kinds apart.
func Example() {
	client, err := v2_11.NewClient(
		intercom.WithToken(os.Getenv("INTERCOM_ACCESS_TOKEN")),
		intercom.WithRegion(intercom.RegionEU),
	)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	admin, err := client.IdentifyAdmin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if admin.Email != nil { // response fields are pointers: nil when not sent
		fmt.Println("token belongs to", *admin.Email)
	}

	contact, err := client.ShowContact(ctx, "6657a6e36abd0123d6f0a8f2")
	if intercom.IsNotFound(err) {
		fmt.Println("no such contact")
		return
	}
	var apiErr *intercom.Error
	if errors.As(err, &apiErr) {
		log.Fatalf("status %d, request %s", apiErr.StatusCode, apiErr.RequestID)
	}
	if err != nil {
		log.Fatal(err)
	}
	if contact.Id != nil {
		fmt.Println(*contact.Id)
	}
}

// The README's pagination example: every contact, fetched page by page as
// the loop asks for them.
func Example_pagination() {
	client, err := v2_11.NewClient(intercom.WithToken(os.Getenv("INTERCOM_ACCESS_TOKEN")))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for contact, err := range client.ListContactsAll(ctx, &v2_11.ListContactsParams{PerPage: intercom.Ptr(50)}) {
		if err != nil {
			log.Fatal(err) // *intercom.PageError; errors.As finds the *intercom.Error beneath
		}
		if contact.Id != nil {
			fmt.Println(*contact.Id)
		}
	}
}
