package workspace_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest/workspace"
)

var numeric = regexp.MustCompile(`^[0-9]+$`)

func TestCompanyStory(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t), version)
		co := a.must(200, "POST", "/companies", obj{"company_id": "acme", "name": "Acme", "plan": "pro", "size": 40})
		id := co["id"].(string)
		assert.Regexp(t, hex24, id)

		found := a.must(200, "GET", "/companies?name=acme", nil)
		assert.Equal(t, []string{id}, ids(found["data"].([]any)))

		// POST with the same company_id updates; PUT updates by id.
		again := a.must(200, "POST", "/companies", obj{"company_id": "acme", "name": "Acme Inc"})
		assert.Equal(t, id, again["id"])
		assert.Equal(t, "Acme Inc", a.must(200, "PUT", "/companies/"+id, nil)["name"])
		assert.Equal(t, "Acme Inc", a.must(200, "GET", "/companies/"+id, nil)["name"])

		// Attached to a contact, it counts the contact and lists it.
		c := a.must(200, "POST", "/contacts", obj{"email": "e@example.com"})
		a.must(200, "POST", "/contacts/"+c["id"].(string)+"/companies", obj{"id": id})
		assert.EqualValues(t, 1, a.must(200, "GET", "/companies/"+id, nil)["user_count"])
		assert.Equal(t, []string{c["id"].(string)}, ids(a.must(200, "GET", "/companies/"+id+"/contacts", nil)["data"].([]any)))
		assert.Equal(t, []string{id}, ids(items(a.must(200, "GET", "/contacts/"+c["id"].(string)+"/companies", nil), "companies", "data")))

		assert.Equal(t, true, a.must(200, "DELETE", "/companies/"+id, nil)["deleted"])
		status, _, e := a.call("GET", "/companies/"+id, nil)
		assert.Equal(t, 404, status)
		assert.Equal(t, "Company Not Found", errMessage(e))
		status, _, _ = a.call("GET", "/companies?company_id=acme", nil)
		assert.Equal(t, 404, status)
		a.srv.AssertNoViolations(t)
	})
}

func TestTagAndNoteStory(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t), version)
		tag := a.must(200, "POST", "/tags", obj{"name": "vip"})
		tid := tag["id"].(string)
		assert.Regexp(t, numeric, tid)
		c := a.must(200, "POST", "/contacts", obj{"email": "t@example.com"})
		cid := c["id"].(string)
		a.must(200, "POST", "/contacts/"+cid+"/tags", obj{"id": tid})

		found := a.must(200, "POST", "/contacts/search", obj{"query": obj{"field": "tag_id", "operator": "=", "value": tid}})
		assert.Equal(t, []string{cid}, ids(found["data"].([]any)))
		assert.Equal(t, []string{tid}, ids(a.must(200, "GET", "/contacts/"+cid+"/tags", nil)["data"].([]any)))

		a.must(200, "POST", "/tags", obj{"id": tid, "name": "very important"})
		assert.Equal(t, "very important", a.must(200, "GET", "/tags/"+tid, nil)["name"])

		status, _, note := a.call("POST", "/contacts/"+cid+"/notes", obj{"body": "<p>Called them</p>", "admin_id": "991267"})
		if status == 400 && errCode(t, note) == "parameter_invalid" && note["errors"].([]any)[0].(obj)["field"] == "id" {
			// Some versions type this contact id as an integer, which no
			// 24-hex id satisfies: the request never reaches the workspace.
			t.Logf("Intercom API %s types the contact id of the notes path as an integer: %s", version, errMessage(note))
			a.srv.Reset() // the violation is the description's, not this test's
		} else {
			require.Equal(t, 200, status, "%v", note)
			nid := note["id"].(string)
			assert.Regexp(t, numeric, nid)
			assert.Equal(t, []string{nid}, ids(a.must(200, "GET", "/contacts/"+cid+"/notes", nil)["data"].([]any)))
			assert.Equal(t, "<p>Called them</p>", a.must(200, "GET", "/notes/"+nid, nil)["body"])
		}

		a.must(200, "DELETE", "/tags/"+tid, nil)
		status, _, _ = a.call("GET", "/tags/"+tid, nil)
		assert.Equal(t, 404, status)
		assert.Empty(t, a.must(200, "GET", "/contacts/"+cid+"/tags", nil)["data"])
		a.srv.AssertNoViolations(t)
	})
}

func TestConversationStory(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		clk := newClock()
		a := newAPI(t, workspace.MustNew(t, workspace.WithClock(clk.Now)), version)
		c := a.must(200, "POST", "/contacts", obj{"email": "u@example.com", "external_id": "u-1"})
		msg := a.must(200, "POST", "/conversations", obj{"from": obj{"type": "user", "id": c["id"]}, "body": "Help!"})
		convID := msg["conversation_id"].(string)
		assert.Regexp(t, numeric, convID)

		found := a.must(200, "POST", "/conversations/search", obj{"query": obj{"operator": "AND", "value": []any{
			obj{"field": "state", "operator": "=", "value": "open"},
			obj{"field": "contact_ids", "operator": "=", "value": c["id"]},
		}}})
		assert.Equal(t, []string{convID}, ids(found["conversations"].([]any)))

		clk.Add(time.Minute)
		lastAuthor := func(cv obj) string {
			parts := cv["conversation_parts"].(obj)["conversation_parts"].([]any)
			return parts[len(parts)-1].(obj)["author"].(obj)["type"].(string)
		}
		cv := a.must(200, "POST", "/conversations/"+convID+"/reply", obj{"message_type": "comment", "type": "admin", "admin_id": "991267", "body": "On it"})
		assert.Equal(t, "admin", lastAuthor(cv))
		cv = a.must(200, "POST", "/conversations/"+convID+"/reply", obj{"message_type": "comment", "type": "user", "intercom_user_id": c["id"], "body": "Thanks"})
		assert.Equal(t, "user", lastAuthor(cv))
		cv = a.must(200, "POST", "/conversations/"+convID+"/parts", obj{"message_type": "assignment", "type": "admin", "admin_id": "991267", "assignee_id": "991268"})
		assert.EqualValues(t, 991268, toNum(cv["admin_assignee_id"]))
		cv = a.must(200, "POST", "/conversations/"+convID+"/parts", obj{"message_type": "snoozed", "admin_id": "991267", "snoozed_until": clk.Now().Add(time.Hour).Unix()})
		assert.Equal(t, "snoozed", cv["state"])
		cv = a.must(200, "POST", "/conversations/"+convID+"/parts", obj{"message_type": "open", "admin_id": "991267"})
		assert.Equal(t, "open", cv["state"])
		cv = a.must(200, "POST", "/conversations/"+convID+"/parts", obj{"message_type": "close", "type": "admin", "admin_id": "991267", "body": "Solved"})
		assert.Equal(t, "closed", cv["state"])
		assert.Equal(t, false, cv["open"])
		parts := cv["conversation_parts"].(obj)["conversation_parts"].([]any)
		var kinds []string
		for _, p := range parts {
			kinds = append(kinds, p.(obj)["part_type"].(string))
		}
		assert.Equal(t, []string{"comment", "comment", "assignment", "snoozed", "open", "close"}, kinds)

		// The conversation reads back closed, and searches by state see it.
		assert.Equal(t, "closed", a.must(200, "GET", "/conversations/"+convID, nil)["state"])
		none := a.must(200, "POST", "/conversations/search", obj{"query": obj{"field": "state", "operator": "=", "value": "open"}})
		assert.Empty(t, none["conversations"])
		other := a.must(200, "POST", "/contacts", obj{"email": "friend@example.com"})
		cv = a.must(200, "POST", "/conversations/"+convID+"/customers", obj{"admin_id": "991267", "customer": obj{"email": "friend@example.com"}})
		assert.Equal(t, []string{c["id"].(string), other["id"].(string)}, ids(cv["contacts"].(obj)["contacts"].([]any)))
		cv = a.must(200, "DELETE", "/conversations/"+convID+"/customers/"+other["id"].(string), obj{"admin_id": "991267"})
		assert.Equal(t, []string{c["id"].(string)}, ids(cv["contacts"].(obj)["contacts"].([]any)))
		status, _, e := a.call("DELETE", "/conversations/"+convID+"/customers/"+c["id"].(string), obj{"admin_id": "991267"})
		assert.Equal(t, 400, status, "%v", e)
		up := a.must(200, "PUT", "/conversations/"+convID, obj{"read": true})
		assert.Equal(t, true, up["read"])
		status, _, e = a.call("GET", "/conversations/999", nil)
		assert.Equal(t, 404, status)
		assert.Equal(t, "not_found", errCode(t, e))
		a.srv.AssertNoViolations(t)
	})
}

func toNum(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return -1
}

func TestTicketStory(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t), version)
		c := a.must(200, "POST", "/contacts", obj{"email": "k@example.com"})
		tk := a.must(200, "POST", "/tickets", obj{"ticket_type_id": "1", "contacts": []any{obj{"id": c["id"]}},
			"ticket_attributes": obj{"_default_title_": "Broken", "_default_description_": "It broke"}})
		id := tk["id"].(string)
		assert.Regexp(t, numeric, id)

		found := a.must(200, "POST", "/tickets/search", obj{"query": obj{"field": "ticket_attributes._default_title_", "operator": "~", "value": "brok"}})
		assert.Equal(t, []string{id}, ids(found["tickets"].([]any)))

		// Older versions name the state, newer ones send its id: both are
		// sent, and each version's body declares the one it knows.
		a.must(200, "PUT", "/tickets/"+id, obj{"state": "resolved", "ticket_state_id": "4", "ticket_attributes": obj{"_default_title_": "Fixed"}})
		got := a.must(200, "GET", "/tickets/"+id, nil)
		assert.Equal(t, "Fixed", got["ticket_attributes"].(obj)["_default_title_"])
		assert.Equal(t, false, got["open"], "a resolved ticket is closed")
		resolved := a.must(200, "POST", "/tickets/search", obj{"query": obj{"field": "state", "operator": "=", "value": "resolved"}})
		assert.Equal(t, []string{id}, ids(resolved["tickets"].([]any)))
		a.srv.AssertNoViolations(t)
	})
}

func TestDataAttributeAndEventStory(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t), version)
		attr := a.must(200, "POST", "/data_attributes", obj{"name": "seats", "model": "company", "data_type": "integer"})
		assert.Equal(t, "custom_attributes.seats", attr["full_name"])
		status, _, e := a.call("POST", "/data_attributes", obj{"name": "seats", "model": "company", "data_type": "integer"})
		assert.Equal(t, 400, status)
		assert.Contains(t, errMessage(e), "You already have 'seats'")

		list := a.must(200, "GET", "/data_attributes?model=company", nil)
		var names []string
		for _, x := range list["data"].([]any) {
			names = append(names, x.(obj)["name"].(string))
		}
		assert.Contains(t, names, "seats")

		id := strconv.FormatFloat(attr["id"].(float64), 'f', 0, 64)
		assert.Equal(t, true, a.must(200, "PUT", "/data_attributes/"+id, obj{"archived": true})["archived"])
		assert.NotContains(t, a.must(200, "GET", "/data_attributes?model=company", nil)["data"], attr)

		c := a.must(200, "POST", "/contacts", obj{"email": "ev@example.com", "external_id": "ev-1"})
		a.must(202, "POST", "/events", obj{"event_name": "ordered", "created_at": 1772442000, "user_id": "ev-1", "metadata": obj{"total": "3"}})
		a.must(202, "POST", "/events", obj{"event_name": "ordered", "created_at": 1772445600, "id": c["id"]})
		evs := a.must(200, "GET", "/events?type=user&intercom_user_id="+c["id"].(string), nil)
		assert.Len(t, evs["events"], 2)
		sum := a.must(200, "GET", "/events?type=user&summary=true&user_id=ev-1", nil)
		require.Len(t, sum["events"], 1)
		assert.EqualValues(t, 2, sum["events"].([]any)[0].(obj)["count"])
		status, _, e = a.call("POST", "/events", obj{"event_name": "x", "user_id": "nobody", "created_at": 1772442000})
		assert.Equal(t, 404, status, "%v", e)
		a.srv.AssertNoViolations(t)
	})
}

func TestExportLifecycle(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		clk := newClock()
		a := newAPI(t, workspace.MustNew(t, workspace.WithClock(clk.Now), workspace.WithExportDelay(10*time.Second)), version)
		c := a.must(200, "POST", "/contacts", obj{"email": "x@example.com", "external_id": "x-1"})
		msg := a.must(200, "POST", "/conversations", obj{"from": obj{"type": "user", "id": c["id"]}, "body": "hi"})

		from := clk.Now().Add(-time.Hour).Unix()
		job := a.must(200, "POST", "/export/content/data", obj{"created_at_after": from, "created_at_before": from + 7200})
		jid, _ := job["job_identifier"].(string)
		if jid == "" {
			jid = job["job_identfier"].(string) // the spelling of some versions
		}
		assert.Equal(t, "pending", job["status"])
		status, _, _ := a.call("GET", "/download/content/data/"+jid, nil)
		assert.Equal(t, 404, status, "no download before the job completes")
		status, _, _ = a.call("POST", "/export/content/data", obj{"created_at_after": from, "created_at_before": from + 7200})
		assert.Equal(t, 429, status, "one job at a time")

		clk.Add(5 * time.Second)
		assert.Equal(t, "in_progress", a.must(200, "GET", "/export/content/data/"+jid, nil)["status"])
		clk.Add(5 * time.Second)
		done := a.must(200, "GET", "/export/content/data/"+jid, nil)
		assert.Equal(t, "completed", done["status"])
		assert.NotEmpty(t, done["download_url"])

		_, h, raw := a.call("GET", "/download/content/data/"+jid, nil)
		assert.Equal(t, "application/octet-stream", h.Get("Content-Type"))
		zr, err := gzip.NewReader(bytes.NewReader(raw["_raw"].([]byte)))
		require.NoError(t, err)
		data, err := io.ReadAll(zr)
		require.NoError(t, err)
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 2)
		assert.Equal(t, msg["conversation_id"], rows[1][0])
		assert.Equal(t, "x-1", rows[1][6])

		// A canceled job stays canceled.
		job2 := a.must(200, "POST", "/export/content/data", obj{"created_at_after": from, "created_at_before": from + 60})
		jid2, _ := job2["job_identifier"].(string)
		if jid2 == "" {
			jid2 = job2["job_identfier"].(string)
		}
		assert.Equal(t, "canceled", a.must(200, "POST", "/export/cancel/"+jid2, nil)["status"])
		clk.Add(time.Minute)
		assert.Equal(t, "canceled", a.must(200, "GET", "/export/content/data/"+jid2, nil)["status"])
		a.srv.AssertNoViolations(t)
	})
}
