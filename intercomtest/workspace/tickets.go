package workspace

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// ticketStates are the states every workspace's tickets move through.
var ticketStates = []string{"submitted", "in_progress", "waiting_on_customer", "resolved"}

func ticketState(i int) variants {
	label := strings.ReplaceAll(ticketStates[i], "_", " ")
	label = strings.ToUpper(label[:1]) + label[1:]
	return variants{ticketStates[i], record{"type": "ticket_state", "id": fmt.Sprint(i + 1), "category": ticketStates[i], "internal_label": label, "external_label": label}}
}

func init() {
	route("GET /ticket_types", func(w *Workspace, c *call) (reply, error) {
		return ok(record{"type": "ticket_type.list", "ticket_types": listOf(w.db.ticketType.all()), "data": listOf(w.db.ticketType.all())})
	})
	route("GET /ticket_types/{}", func(w *Workspace, c *call) (reply, error) {
		tt, found := w.db.ticketType.get(c.params[0])
		if !found {
			return reply{}, notFound("Ticket Type Not Found")
		}
		return ok(tt)
	})
	route("GET /ticket_states", func(w *Workspace, c *call) (reply, error) {
		var list []any
		for i := range ticketStates {
			list = append(list, ticketState(i)[1])
		}
		return ok(record{"type": "list", "data": list})
	})
	route("POST /tickets", createTicket)
	route("GET /tickets/{}", func(w *Workspace, c *call) (reply, error) {
		t, err := w.ticket(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(t)
	})
	route("PUT /tickets/{}", updateTicket)
	route("POST /tickets/search", func(w *Workspace, c *call) (reply, error) {
		var items []record
		for _, t := range w.db.tickets.all() {
			v := make(record, len(t)+1)
			for k, e := range t {
				v[k] = e
			}
			v["state"] = t["ticket_state"].(variants)[0]
			items = append(items, v)
		}
		page, pages, total, err := search(items, c.body)
		if err != nil {
			return reply{}, err
		}
		return ok(record{"type": "ticket.list", "tickets": listOf(page), "total_count": float64(total), "pages": pages})
	})
	route("POST /tickets/{}/reply", func(w *Workspace, c *call) (reply, error) {
		t, err := w.ticket(c.params[0])
		if err != nil {
			return reply{}, err
		}
		author, err := w.author(c.body)
		if err != nil {
			return reply{}, err
		}
		now := w.unix()
		parts := t["ticket_parts"].(record)
		part := record{"type": "ticket_part", "id": w.numID(), "part_type": strOr(str(c.body, "message_type"), "comment"),
			"body": str(c.body, "body"), "created_at": now, "updated_at": now, "author": author,
			"attachments": []any{}, "redacted": false}
		parts["ticket_parts"] = append(parts["ticket_parts"].([]any), part)
		parts["total_count"] = float64(len(parts["ticket_parts"].([]any)))
		w.touch(t)
		return ok(part)
	})
}

func strOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (w *Workspace) ticket(id string) (record, error) {
	t, found := w.db.tickets.get(id)
	if !found {
		return nil, notFound("Ticket not found")
	}
	return t, nil
}

func createTicket(w *Workspace, c *call) (reply, error) {
	tt, found := w.db.ticketType.get(idOf(c.body, "ticket_type_id"))
	if !found {
		return reply{}, notFound("Ticket Type Not Found")
	}
	list, _ := c.body["contacts"].([]any)
	if len(list) == 0 {
		return reply{}, &apiError{Status: http.StatusBadRequest, Code: "parameter_not_found", Message: "contacts is required", Field: "contacts"}
	}
	var contacts []any
	for _, e := range list {
		m, _ := e.(map[string]any)
		var r record
		var err error
		switch {
		case str(m, "id") != "":
			r, err = w.contact(str(m, "id"))
		case str(m, "external_id") != "":
			r, err = w.contactBy(map[string]any{"user_id": str(m, "external_id")})
		default:
			r, err = w.contactBy(map[string]any{"email": str(m, "email")})
		}
		if err != nil {
			return reply{}, err
		}
		contacts = append(contacts, record{"type": "contact", "id": r["id"], "external_id": r["external_id"]})
	}
	attrs, _ := c.body["ticket_attributes"].(map[string]any)
	if attrs == nil {
		attrs = map[string]any{}
	}
	now := w.unix()
	id := w.numID()
	t := record{
		"type": "ticket", "id": id, "ticket_id": fmt.Sprint(w.db.tickets.len() + 1), "category": tt["category"],
		"ticket_attributes": oas.Clone(attrs), "ticket_state": ticketState(0), "ticket_type": tt,
		"contacts":          record{"type": "contact.list", "contacts": contacts},
		"admin_assignee_id": "0", "team_assignee_id": "0", "created_at": now, "updated_at": now,
		"open": true, "snoozed_until": nil, "is_shared": false,
		"linked_objects":              record{"type": "list", "data": []any{}, "has_more": false, "total_count": float64(0)},
		"ticket_parts":                record{"type": "ticket_part.list", "ticket_parts": []any{}, "total_count": float64(0)},
		"ticket_state_internal_label": "Submitted", "ticket_state_external_label": "Submitted",
	}
	w.db.tickets.put(id, t)
	return ok(t)
}

func updateTicket(w *Workspace, c *call) (reply, error) {
	t, err := w.ticket(c.params[0])
	if err != nil {
		return reply{}, err
	}
	if attrs, has := c.body["ticket_attributes"].(map[string]any); has {
		merged := oas.Clone(t["ticket_attributes"]).(map[string]any)
		for k, v := range attrs {
			merged[k] = v
		}
		t["ticket_attributes"] = merged
	}
	state := -1
	if s := str(c.body, "state"); s != "" {
		for i, name := range ticketStates {
			if name == s {
				state = i
			}
		}
		if state < 0 {
			return reply{}, invalid("state", fmt.Sprintf("state %q is not one of %s", s, strings.Join(ticketStates, ", ")))
		}
	}
	if sid := idOf(c.body, "ticket_state_id"); sid != "" {
		n, _ := toInt(sid)
		if n < 1 || n > len(ticketStates) {
			return reply{}, invalid("ticket_state_id", "Ticket state id is not valid or is not associated with the ticket type.")
		}
		state = n - 1
	}
	if state >= 0 {
		t["ticket_state"] = ticketState(state)
		m := t["ticket_state"].(variants)[1].(record)
		t["ticket_state_internal_label"], t["ticket_state_external_label"] = m["internal_label"], m["external_label"]
		t["open"] = ticketStates[state] != "resolved"
	}
	for _, k := range []string{"open", "is_shared", "snoozed_until"} {
		if v, has := c.body[k]; has {
			t[k] = v
		}
	}
	if as, has := c.body["assignment"].(map[string]any); has {
		if aid := idOf(as, "assignee_id"); aid != "" {
			if aid != "0" {
				if _, err := w.admin(aid); err != nil {
					return reply{}, err
				}
			}
			t["admin_assignee_id"] = aid
		}
	}
	w.touch(t)
	return ok(t)
}
