package workspace_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions/v2_12"
)

// thousand seeds 1,000 contacts (every third on the pro plan) and 120
// companies.
func thousand() *workspace.Seed {
	s := &workspace.Seed{DataAttributes: []map[string]any{{"name": "plan", "model": "contact", "data_type": "string"}}}
	for i := range 1000 {
		plan := "free"
		if i%3 == 0 {
			plan = "pro"
		}
		s.Contacts = append(s.Contacts, map[string]any{"email": fmt.Sprintf("c%04d@example.com", i), "custom_attributes": map[string]any{"plan": plan}})
	}
	for i := range 120 {
		s.Companies = append(s.Companies, map[string]any{"company_id": fmt.Sprintf("co%03d", i), "name": fmt.Sprintf("Company %d", i)})
	}
	return s
}

// The SDK's iterators walk the workspace's real pages. One version
// package stands for all: the pages are cut from each version's schema
// the same way, which the plain-HTTP tests check for every version.
func TestSDKIteratorsWalkStoredContacts(t *testing.T) {
	ws := workspace.MustNew(t, workspace.WithSeed(thousand()))
	srv := ws.NewServer(t, "2.12")
	client, err := v2_12.NewClient(intercom.WithToken("t"), intercom.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	ctx := t.Context()

	seen := map[string]bool{}
	var order []string
	for c, err := range client.ListContactsAll(ctx) {
		require.NoError(t, err)
		seen[deref(c.Id)] = true
		order = append(order, deref(c.Email))
	}
	assert.Len(t, seen, 1000, "every contact once")
	assert.Equal(t, "c0000@example.com", order[0])
	assert.Equal(t, "c0999@example.com", order[999])
	assert.Len(t, srv.RequestsFor("ListContacts"), 20, "50 a page")

	var search v2_12.SearchRequest
	require.NoError(t, json.Unmarshal([]byte(`{"query":{"field":"custom_attributes.plan","operator":"=","value":"pro"},"pagination":{"per_page":150}}`), &search))
	pro := 0
	for _, err := range client.SearchContactsAll(ctx, search) {
		require.NoError(t, err)
		pro++
	}
	assert.Equal(t, 334, pro)
	assert.Len(t, srv.RequestsFor("SearchContacts"), 3)

	companies := 0
	for _, err := range client.ScrollOverAllCompaniesAll(ctx, nil) {
		require.NoError(t, err)
		companies++
	}
	assert.Equal(t, 120, companies)
	assert.Len(t, srv.RequestsFor("scrollOverAllCompanies"), 4, "three batches of at most 50, then the empty one")
	companies = 0
	for _, err := range client.ListAllCompaniesAll(ctx, &v2_12.ListAllCompaniesParams{PerPage: ptr(50)}) {
		require.NoError(t, err)
		companies++
	}
	assert.Equal(t, 120, companies)
	assert.Len(t, srv.RequestsFor("listAllCompanies"), 3, "pages 1 to 3 of 50")
	srv.AssertNoViolations(t)
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}
