package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// ConversationAction is a change of a conversation's state: close, open,
// snooze or assign. Intercom takes all four through one operation
// (ManageConversation) whose body is a union; a version package's
// BuildManageConversationRequest turns an action into that body:
//
//	body, err := v2_12.BuildManageConversationRequest(intercom.CloseConversation(adminID, "Solved"))
//	_, err = client.ManageConversation(ctx, conversationID, body)
type ConversationAction struct {
	fields map[string]any
	err    error
}

// CloseConversation closes a conversation as the admin adminID, with an
// optional closing message ("" for none).
func CloseConversation(adminID, message string) ConversationAction {
	f := map[string]any{"message_type": "close", "type": "admin", "admin_id": adminID}
	if message != "" {
		f["body"] = message
	}
	return action(f, adminID)
}

// OpenConversation reopens a closed or snoozed conversation as the admin
// adminID.
func OpenConversation(adminID string) ConversationAction {
	return action(map[string]any{"message_type": "open", "admin_id": adminID}, adminID)
}

// SnoozeConversation snoozes a conversation until the given time (Intercom
// keeps whole seconds) as the admin adminID.
func SnoozeConversation(adminID string, until time.Time) ConversationAction {
	a := action(map[string]any{"message_type": "snoozed", "admin_id": adminID, "snoozed_until": until.Unix()}, adminID)
	if until.IsZero() && a.err == nil {
		a.err = errors.New("intercom: SnoozeConversation needs a time to snooze until")
	}
	return a
}

// AssignConversation assigns a conversation to the admin assigneeID, as the
// admin adminID, with an optional message ("" for none). Use
// AssignConversationToTeam for a team.
func AssignConversation(adminID, assigneeID, message string) ConversationAction {
	return assign("admin", adminID, assigneeID, message)
}

// AssignConversationToTeam assigns a conversation to the team teamID, as
// the admin adminID, with an optional message ("" for none).
func AssignConversationToTeam(adminID, teamID, message string) ConversationAction {
	return assign("team", adminID, teamID, message)
}

func assign(kind, adminID, assigneeID, message string) ConversationAction {
	f := map[string]any{"message_type": "assignment", "type": kind, "admin_id": adminID, "assignee_id": assigneeID}
	if message != "" {
		f["body"] = message
	}
	a := action(f, adminID)
	if strings.TrimSpace(assigneeID) == "" && a.err == nil {
		a.err = fmt.Errorf("intercom: assigning a conversation needs the id of the %s to assign it to", kind)
	}
	return a
}

func action(f map[string]any, adminID string) ConversationAction {
	a := ConversationAction{fields: f}
	if strings.TrimSpace(adminID) == "" {
		a.err = fmt.Errorf("intercom: %s a conversation needs the id of the admin who does it", f["message_type"])
	}
	return a
}

// MarshalJSON encodes the action as Intercom's request body, or reports
// what is missing.
func (a ConversationAction) MarshalJSON() ([]byte, error) {
	if a.err != nil {
		return nil, a.err
	}
	if a.fields == nil {
		return nil, errors.New("intercom: empty ConversationAction: build it with CloseConversation, OpenConversation, SnoozeConversation or AssignConversation")
	}
	return json.Marshal(a.fields)
}

// Reply is a message added to a conversation or ticket: a reply or a note
// by an admin, or a reply by a contact. A version package's
// BuildReplyConversationRequest (or BuildReplyTicketRequest) turns it into
// the operation's union body.
type Reply struct {
	fields map[string]any
	err    error
}

// Contact names the contact a reply comes from, by one of the identifiers
// Intercom accepts.
type Contact struct {
	key, value string
}

// ContactByID names a contact by Intercom's id for it.
func ContactByID(id string) Contact { return Contact{"intercom_user_id", id} }

// ContactByUserID names a contact by the external user_id you gave it.
func ContactByUserID(userID string) Contact { return Contact{"user_id", userID} }

// ContactByEmail names a contact by email address.
func ContactByEmail(email string) Contact { return Contact{"email", email} }

// ReplyAsAdmin is a reply by the admin adminID, visible to the contact.
func ReplyAsAdmin(adminID, body string) Reply {
	return adminReply("comment", adminID, body)
}

// NoteAsAdmin is an internal note by the admin adminID, which contacts do
// not see.
func NoteAsAdmin(adminID, body string) Reply {
	return adminReply("note", adminID, body)
}

func adminReply(kind, adminID, body string) Reply {
	r := Reply{fields: map[string]any{"message_type": kind, "type": "admin", "admin_id": adminID, "body": body}}
	if strings.TrimSpace(adminID) == "" {
		r.err = errors.New("intercom: an admin reply needs the id of the admin who writes it")
	}
	return r
}

// ReplyAsContact is a reply written by a contact.
func ReplyAsContact(from Contact, body string) Reply {
	r := Reply{fields: map[string]any{"message_type": "comment", "type": "user", "body": body}}
	switch {
	case from.key == "" || strings.TrimSpace(from.value) == "":
		r.err = errors.New("intercom: a contact reply needs the contact: use ContactByID, ContactByUserID or ContactByEmail")
	case strings.TrimSpace(body) == "":
		r.err = errors.New("intercom: a contact reply needs a body")
	default:
		r.fields[from.key] = from.value
	}
	return r
}

// WithAttachments returns the reply with up to ten attachment URLs.
func (r Reply) WithAttachments(urls ...string) Reply {
	if r.fields == nil {
		return r
	}
	f := maps.Clone(r.fields) // r is a value: the original keeps its fields
	f["attachment_urls"] = append([]string(nil), urls...)
	r.fields = f
	if len(urls) > 10 && r.err == nil {
		r.err = fmt.Errorf("intercom: a reply takes at most 10 attachment URLs, got %d", len(urls))
	}
	return r
}

// MarshalJSON encodes the reply as Intercom's request body, or reports
// what is missing.
func (r Reply) MarshalJSON() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.fields == nil {
		return nil, errors.New("intercom: empty Reply: build it with ReplyAsAdmin, NoteAsAdmin or ReplyAsContact")
	}
	return json.Marshal(r.fields)
}
