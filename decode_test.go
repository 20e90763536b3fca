package intercom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/versions/v2_11"
)

// mismatchAt returns the mismatch reported at path, failing the test when
// there is none.
func mismatchAt(t *testing.T, ms []intercom.Mismatch, path string) intercom.Mismatch {
	t.Helper()
	for _, m := range ms {
		if m.Path == path {
			return m
		}
	}
	t.Fatalf("no mismatch at %s in %v", path, ms)
	return intercom.Mismatch{}
}

// A page of contacts where one contact carries each kind of disagreement
// with the types decodes whole; every disagreement is reported.
func TestDecodeKeepsThePage(t *testing.T) {
	body := []byte(`{"type":"list","data":[
		{"type":"contact","id":"a1","email":"a@example.com","sms_consent":true},
		{"type":"contact","id":"a2","last_seen_at":"1717000000","android_last_seen_at":1.5,"avatar":{"type":"avatar"},"name":42},
		{"type":"contact","id":"a3","companies":"not an object","location":null}
	],"total_count":"3","pages":{"type":"pages","next":"https://api.intercom.io/contacts?starting_after=WzE3MTcw&per_page=50","page":1,"per_page":50,"total_pages":2}}`)
	var page v2_11.ContactList
	ms, err := intercom.Decode("ListContacts", body, &page)
	require.NoError(t, err)
	require.NotNil(t, page.Data)
	require.Len(t, *page.Data, 3, "no contact lost")
	c := (*page.Data)[1]

	// Coerced without loss.
	assert.Equal(t, 1717000000, *c.LastSeenAt, "numeric string into an integer field")
	assert.Equal(t, intercom.ActionCoerced, mismatchAt(t, ms, "/data/1/last_seen_at").Action)
	assert.Equal(t, "42", *c.Name, "number into a string field")
	assert.Equal(t, intercom.ActionCoerced, mismatchAt(t, ms, "/data/1/name").Action)
	assert.Equal(t, 3, *page.TotalCount)
	require.NotNil(t, page.Pages.Next, "a URL where a paging object is expected")
	assert.Equal(t, "WzE3MTcw", *page.Pages.Next.StartingAfter)
	assert.Contains(t, mismatchAt(t, ms, "/pages/next").Action, intercom.ActionCoerced)

	// Left empty, the rest kept.
	assert.Nil(t, c.AndroidLastSeenAt, "a fraction cannot be an integer")
	assert.Equal(t, intercom.ActionDropped, mismatchAt(t, ms, "/data/1/android_last_seen_at").Action)
	assert.Nil(t, c.Avatar, "an object where a string is expected")
	m := mismatchAt(t, ms, "/data/1/avatar")
	assert.Equal(t, "string", m.Expected)
	assert.Equal(t, "object", m.Received)
	assert.Equal(t, "ListContacts", m.Operation)
	assert.Nil(t, (*page.Data)[2].Companies)
	assert.Equal(t, "a3", *(*page.Data)[2].Id)
	assert.Len(t, ms, 7)

	// The raw JSON keeps everything, including what was dropped.
	raw, ok := page.RawField("data", "1", "avatar")
	require.True(t, ok)
	assert.JSONEq(t, `{"type":"avatar"}`, string(raw))
	assert.Equal(t, body, []byte(page.RawJSON()))
	assert.Len(t, page.Mismatches(), 7)
}

// String formats never reject a value: an empty email in a conversation
// part's author is left empty and reported, and the part is kept.
func TestDecodeStringFormatsNeverReject(t *testing.T) {
	var a v2_11.ConversationPartAuthor
	ms, err := intercom.Decode("ShowConversation", []byte(`{"type":"lead","id":"1","name":"","email":""}`), &a)
	require.NoError(t, err)
	assert.Equal(t, "1", *a.Id)
	assert.Nil(t, a.Email)
	assert.Equal(t, intercom.ActionDropped, mismatchAt(t, ms, "/email").Action)
}

// A null where the spec requires an object, and fields the types do not
// know, are not mismatches.
func TestDecodeNullsAndExtraFieldsAreFine(t *testing.T) {
	var c v2_11.Contact
	body := []byte(`{"type":"contact","id":"x","location":null,"sms_consent":false,"utm_source":"ads"}`)
	ms, err := intercom.Decode("ShowContact", body, &c)
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.Nil(t, c.Location)
	raw, ok := c.RawField("utm_source")
	require.True(t, ok)
	assert.Equal(t, `"ads"`, string(raw))
}

// Only a body that is not JSON at all is an error.
func TestDecodeRejectsOnlyNonJSON(t *testing.T) {
	for _, body := range []string{"", "<html>Bad Gateway</html>", `{"type":`} {
		var c v2_11.Contact
		_, err := intercom.Decode("ShowContact", []byte(body), &c)
		require.ErrorIs(t, err, intercom.ErrNotJSON, "body %q", body)
	}
}

// Mismatches of a call are logged through the client's logger.
func TestMismatchesAreLogged(t *testing.T) {
	var logs bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"type":"contact","id":"x","last_seen_at":"soon"}`))
	}))
	defer srv.Close()
	c, err := v2_11.NewClient(intercom.WithToken("t"), intercom.WithBaseURL(srv.URL),
		intercom.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	require.NoError(t, err)
	var ms []intercom.Mismatch
	contact, err := c.ShowContact(t.Context(), "x", nil, intercom.WithMismatches(&ms))
	require.NoError(t, err)
	assert.Nil(t, contact.LastSeenAt)
	require.Len(t, ms, 1)
	assert.Equal(t, "/last_seen_at", ms[0].Path)
	assert.Contains(t, logs.String(), "json_path=/last_seen_at")
	assert.Contains(t, logs.String(), "operation=ShowContact")
	assert.Equal(t, ms, contact.Mismatches())
}

func TestRawOfValuesBuiltByHandIsEmpty(t *testing.T) {
	var c v2_11.Contact
	assert.Nil(t, c.RawJSON())
	_, ok := c.RawField("id")
	assert.False(t, ok)
	out, err := json.Marshal(v2_11.Contact{Id: new(string)})
	require.NoError(t, err)
	assert.False(t, strings.Contains(string(out), "Raw"), "the raw field is never encoded")
}

// Each iterator item reports its own mismatches and reads its own raw JSON,
// located in the page only when asked.
func TestIteratorItemsCarryTheirMismatchesAndRawJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"type":"list","data":[
			{"type":"contact","id":"a1","sms_consent":true},
			{"type":"contact","id":"a2","last_seen_at":"yesterday","unsubscribed_from_sms":false}
		],"pages":{"type":"pages","page":1,"total_pages":1}}`))
	}))
	defer srv.Close()
	c, err := v2_11.NewClient(intercom.WithToken("t"), intercom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	var all []intercom.Mismatch
	var items []v2_11.Contact
	for ct, err := range c.ListContactsAll(t.Context(), nil, intercom.WithMismatches(&all)) {
		require.NoError(t, err)
		items = append(items, ct)
	}
	require.Len(t, items, 2, "the page is intact")
	assert.Empty(t, items[0].Mismatches())
	require.Len(t, items[1].Mismatches(), 1)
	assert.Equal(t, "/data/1/last_seen_at", items[1].Mismatches()[0].Path)
	assert.Len(t, all, 1)
	raw, ok := items[0].RawField("sms_consent")
	require.True(t, ok)
	assert.Equal(t, "true", string(raw))
	raw, ok = items[1].RawField("unsubscribed_from_sms")
	require.True(t, ok)
	assert.Equal(t, "false", string(raw))
	assert.Equal(t, "a2", *items[1].Id)
}

// All points each item's Raw at its own element of the page, whether the
// items are values or pointers.
func TestAllAttachesRawToValueAndPointerItems(t *testing.T) {
	type item struct {
		intercom.Raw
		ID string `json:"id"`
	}
	type page struct {
		intercom.Raw
		Data []*item `json:"data"`
	}
	body := []byte(`{"data":[{"id":"a1","extra":1},{"id":"a2","extra":2}]}`)
	fetch := func(context.Context, intercom.PageRequest) (*page, error) {
		var p page
		_, err := intercom.Decode("ListThings", body, &p)
		return &p, err
	}
	info := func(*page) intercom.PageInfo { return intercom.PageInfo{} }
	pointers := intercom.Pager[*page, *item]{Operation: "ListThings", Style: intercom.PageCursor, Fetch: fetch, Info: info,
		Items: func(p *page) []*item { return p.Data }, ItemsPath: []string{"data"}}
	values := intercom.Pager[*page, item]{Operation: "ListThings", Style: intercom.PageCursor, Fetch: fetch, Info: info,
		Items: func(p *page) []item {
			out := make([]item, len(p.Data))
			for i, it := range p.Data {
				out[i] = *it
			}
			return out
		}, ItemsPath: []string{"data"}}
	var fromPointers, fromValues []string
	for it, err := range pointers.All(t.Context()) {
		require.NoError(t, err)
		fromPointers = append(fromPointers, it.ID+"="+string(it.RawJSON()))
	}
	for it, err := range values.All(t.Context()) {
		require.NoError(t, err)
		fromValues = append(fromValues, it.ID+"="+string(it.RawJSON()))
	}
	want := []string{`a1={"id":"a1","extra":1}`, `a2={"id":"a2","extra":2}`}
	assert.Equal(t, want, fromPointers)
	assert.Equal(t, want, fromValues)
}
