package workspace

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

func init() {
	route("POST /conversations", createConversation)
	route("GET /conversations", func(w *Workspace, c *call) (reply, error) {
		items := w.db.convs.all()
		page, pages, err := queryPage(c, items, 20)
		if err != nil {
			return reply{}, err
		}
		list := listOf(page)
		return ok(record{"type": "conversation.list", "conversations": list, "data": list, "total_count": float64(len(items)), "pages": pages})
	})
	route("GET /conversations/{}", func(w *Workspace, c *call) (reply, error) {
		cv, err := w.conversation(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(cv)
	})
	route("PUT /conversations/{}", func(w *Workspace, c *call) (reply, error) {
		cv, err := w.conversation(c.params[0])
		if err != nil {
			return reply{}, err
		}
		if read, has := c.body["read"].(bool); has {
			cv["read"] = read
		}
		if title, has := c.body["title"]; has {
			cv["title"] = title
		}
		if ca, has := c.body["custom_attributes"].(map[string]any); has {
			merged := oas.Clone(cv["custom_attributes"]).(map[string]any)
			for k, v := range ca {
				merged[k] = v
			}
			cv["custom_attributes"] = merged
		}
		w.touch(cv)
		return ok(cv)
	})
	route("POST /conversations/search", func(w *Workspace, c *call) (reply, error) {
		var items []record
		for _, cv := range w.db.convs.all() {
			items = append(items, conversationSearchView(cv))
		}
		page, pages, total, err := search(items, c.body)
		if err != nil {
			return reply{}, err
		}
		return ok(record{"type": "conversation.list", "conversations": listOf(page), "total_count": float64(total), "pages": pages})
	})
	route("POST /conversations/{}/customers", func(w *Workspace, c *call) (reply, error) {
		cv, err := w.conversation(c.params[0])
		if err != nil {
			return reply{}, err
		}
		if _, err := w.admin(idOf(c.body, "admin_id")); err != nil {
			return reply{}, err
		}
		who, _ := c.body["customer"].(map[string]any)
		r, err := w.contactBy(who)
		if err != nil {
			return reply{}, err
		}
		cl := cv["contacts"].(record)
		list := cl["contacts"].([]any)
		if !slices.ContainsFunc(list, func(e any) bool { return e.(record)["id"] == r["id"] }) {
			cl["contacts"] = append(list, record{"type": "contact", "id": r["id"], "external_id": r["external_id"]})
		}
		w.addPart(cv, "participant_added", "", record{"type": "admin", "id": idOf(c.body, "admin_id")}, nil)
		return ok(cv)
	})
	route("DELETE /conversations/{}/customers/{}", func(w *Workspace, c *call) (reply, error) {
		cv, err := w.conversation(c.params[0])
		if err != nil {
			return reply{}, err
		}
		cl := cv["contacts"].(record)
		list := cl["contacts"].([]any)
		if len(list) == 1 && list[0].(record)["id"] == c.params[1] {
			return reply{}, badRequest("parameter_invalid", "Removing the last customer is not allowed")
		}
		n := len(list)
		list = slices.DeleteFunc(list, func(e any) bool { return e.(record)["id"] == c.params[1] })
		if len(list) == n {
			return reply{}, notFound("User Not Found")
		}
		cl["contacts"] = list
		w.addPart(cv, "participant_removed", "", record{"type": "admin", "id": idOf(c.body, "admin_id")}, nil)
		return ok(cv)
	})
	route("POST /conversations/{}/reply", replyConversation)
	route("POST /conversations/{}/parts", manageConversation)
	route("POST /conversations/{}/tags", func(w *Workspace, c *call) (reply, error) {
		cv, err := w.conversation(c.params[0])
		if err != nil {
			return reply{}, err
		}
		t, err := w.tag(idOf(c.body, "id"))
		if err != nil {
			return reply{}, err
		}
		tags := cv["tags"].(record)
		list := tags["tags"].([]any)
		if !slices.ContainsFunc(list, func(e any) bool { return str(e.(record), "id") == str(t, "id") }) {
			tags["tags"] = append(list, t)
			w.touch(cv)
		}
		return ok(t)
	})
	route("DELETE /conversations/{}/tags/{}", func(w *Workspace, c *call) (reply, error) {
		cv, err := w.conversation(c.params[0])
		if err != nil {
			return reply{}, err
		}
		t, err := w.tag(c.params[1])
		if err != nil {
			return reply{}, err
		}
		tags := cv["tags"].(record)
		tags["tags"] = slices.DeleteFunc(tags["tags"].([]any), func(e any) bool { return str(e.(record), "id") == str(t, "id") })
		w.touch(cv)
		return ok(t)
	})
}

func (w *Workspace) conversation(id string) (record, error) {
	if id == "last" {
		all := w.db.convs.all()
		if len(all) > 0 {
			return all[len(all)-1], nil
		}
	}
	cv, found := w.db.convs.get(id)
	if !found {
		return nil, notFound("Resource Not Found")
	}
	return cv, nil
}

// author returns the author of a conversation part: an admin by
// admin_id, or a contact by intercom_user_id, user_id or email.
func (w *Workspace) author(body map[string]any) (record, error) {
	if str(body, "type") == "admin" || idOf(body, "admin_id") != "" {
		a, err := w.admin(idOf(body, "admin_id"))
		if err != nil {
			return nil, err
		}
		return record{"type": "admin", "id": a["id"], "name": a["name"], "email": a["email"]}, nil
	}
	r, err := w.contactBy(body)
	if err != nil {
		return nil, err
	}
	return record{"type": str(r, "role"), "id": r["id"], "name": r["name"], "email": r["email"]}, nil
}

// contactBy finds a contact by intercom_user_id, user_id (external id) or
// email.
func (w *Workspace) contactBy(body map[string]any) (record, error) {
	var match func(record) bool
	switch {
	case str(body, "intercom_user_id") != "":
		return w.contact(str(body, "intercom_user_id"))
	case str(body, "user_id") != "":
		match = func(r record) bool { return str(r, "external_id") == str(body, "user_id") }
	case str(body, "email") != "":
		match = func(r record) bool { return lower(str(r, "email")) == lower(str(body, "email")) }
	default:
		return nil, invalid("", "name the contact with intercom_user_id, user_id or email")
	}
	r, found := w.db.contacts.find(match)
	if !found {
		return nil, notFound("User Not Found")
	}
	return r, nil
}

func createConversation(w *Workspace, c *call) (reply, error) {
	from, _ := c.body["from"].(map[string]any)
	r, err := w.contact(str(from, "id"))
	if err != nil {
		return reply{}, err
	}
	body := str(c.body, "body")
	if body == "" {
		return reply{}, &apiError{Status: http.StatusBadRequest, Code: "parameter_not_found", Message: "body is required", Field: "body"}
	}
	now := w.unix()
	if t, isNum := c.body["created_at"].(float64); isNum {
		now = t
	}
	id := w.numID()
	msgID := w.numID()
	author := record{"type": str(r, "role"), "id": r["id"], "name": r["name"], "email": r["email"]}
	cv := record{
		"type": "conversation", "id": id, "title": nil, "created_at": now, "updated_at": now,
		"waiting_since": now, "snoozed_until": nil, "open": true, "state": "open", "read": false,
		"priority": "not_priority", "admin_assignee_id": nil, "team_assignee_id": nil,
		"tags":                record{"type": "tag.list", "tags": []any{}},
		"conversation_rating": nil,
		"source": record{"type": "conversation", "id": msgID, "delivered_as": "customer_initiated", "subject": "",
			"body": body, "author": author, "attachments": []any{}, "url": nil, "redacted": false},
		"contacts":            record{"type": "contact.list", "contacts": []any{record{"type": "contact", "id": r["id"], "external_id": r["external_id"]}}},
		"teammates":           record{"type": "admin.list", "admins": []any{}},
		"custom_attributes":   record{},
		"first_contact_reply": record{"created_at": now, "type": "conversation", "url": nil},
		"conversation_parts":  record{"type": "conversation_part.list", "conversation_parts": []any{}, "total_count": float64(0)},
	}
	w.db.convs.put(id, cv)
	return ok(record{"type": "user_message", "id": msgID, "created_at": now, "body": body, "message_type": "inapp", "conversation_id": id})
}

// addPart appends a part to a conversation and moves updated_at.
func (w *Workspace) addPart(cv record, partType, body string, author record, assignedTo any) {
	now := w.unix()
	parts := cv["conversation_parts"].(record)
	list := parts["conversation_parts"].([]any)
	var b any
	if body != "" {
		b = body
	}
	list = append(list, record{
		"type": "conversation_part", "id": w.numID(), "part_type": partType, "body": b,
		"created_at": now, "updated_at": now, "notified_at": now, "assigned_to": assignedTo,
		"author": author, "attachments": []any{}, "external_id": nil, "redacted": false,
	})
	parts["conversation_parts"] = list
	parts["total_count"] = float64(len(list))
	w.touch(cv)
}

func replyConversation(w *Workspace, c *call) (reply, error) {
	cv, err := w.conversation(c.params[0])
	if err != nil {
		return reply{}, err
	}
	author, err := w.author(c.body)
	if err != nil {
		return reply{}, err
	}
	kind := str(c.body, "message_type")
	if kind == "" {
		kind = "comment"
	}
	body := str(c.body, "body")
	if body == "" && kind != "quick_reply" {
		return reply{}, &apiError{Status: http.StatusBadRequest, Code: "parameter_not_found", Message: "body is required", Field: "body"}
	}
	w.addPart(cv, kind, body, author, nil)
	if author["type"] == "admin" {
		tm := cv["teammates"].(record)
		admins := tm["admins"].([]any)
		if !slices.ContainsFunc(admins, func(e any) bool { return str(e.(record), "id") == str(author, "id") }) {
			tm["admins"] = append(admins, record{"type": "admin", "id": author["id"]})
		}
		if kind == "comment" {
			cv["waiting_since"] = nil
		}
	} else {
		// A contact's reply reopens the conversation and starts the wait.
		cv["waiting_since"] = w.unix()
		cv["open"], cv["state"], cv["snoozed_until"] = true, "open", nil
	}
	return ok(cv)
}

func manageConversation(w *Workspace, c *call) (reply, error) {
	cv, err := w.conversation(c.params[0])
	if err != nil {
		return reply{}, err
	}
	a, err := w.admin(idOf(c.body, "admin_id"))
	if err != nil {
		return reply{}, err
	}
	author := record{"type": "admin", "id": a["id"], "name": a["name"], "email": a["email"]}
	switch kind := str(c.body, "message_type"); kind {
	case "close":
		cv["open"], cv["state"], cv["snoozed_until"] = false, "closed", nil
		w.addPart(cv, "close", str(c.body, "body"), author, nil)
	case "open":
		cv["open"], cv["state"], cv["snoozed_until"] = true, "open", nil
		w.addPart(cv, "open", "", author, nil)
	case "snoozed":
		until, isNum := c.body["snoozed_until"].(float64)
		if !isNum || until <= w.unix() {
			return reply{}, invalid("snoozed_until", "snoozed_until must be a Unix time in the future")
		}
		cv["state"], cv["snoozed_until"] = "snoozed", until
		w.addPart(cv, "snoozed", "", author, nil)
	case "assignment":
		assignee := idOf(c.body, "assignee_id")
		var to any
		if str(c.body, "type") == "team" {
			if assignee != "0" {
				if _, found := w.db.teams.get(assignee); !found {
					return reply{}, notFound("Team Not Found")
				}
				to = record{"type": "team", "id": assignee}
			}
			cv["team_assignee_id"] = nilIfZero(assignee)
		} else {
			if assignee != "0" {
				if _, err := w.admin(assignee); err != nil {
					return reply{}, err
				}
				to = record{"type": "admin", "id": assignee}
			}
			cv["admin_assignee_id"] = nilIfZeroNum(assignee)
		}
		w.addPart(cv, "assignment", str(c.body, "body"), author, to)
	default:
		return reply{}, invalid("message_type", fmt.Sprintf("message_type %q is not close, open, snoozed or assignment", kind))
	}
	return ok(cv)
}

func nilIfZero(id string) any {
	if id == "" || id == "0" {
		return nil
	}
	return id
}

// nilIfZeroNum holds an admin id as Intercom answers it: an integer.
func nilIfZeroNum(id string) any {
	n, isNum := toInt(id)
	if !isNum || n == 0 {
		return nil
	}
	return variants{float64(n), id}
}

// conversationSearchView adds contact_ids and tag_ids for searches.
func conversationSearchView(cv record) record {
	v := make(record, len(cv)+2)
	for k, e := range cv {
		v[k] = e
	}
	var contacts, tags []any
	for _, e := range cv["contacts"].(record)["contacts"].([]any) {
		contacts = append(contacts, e.(record)["id"])
	}
	for _, e := range cv["tags"].(record)["tags"].([]any) {
		tags = append(tags, e.(record)["id"])
	}
	v["contact_ids"], v["tag_ids"] = nonNil(contacts), nonNil(tags)
	return v
}
