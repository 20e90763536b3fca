package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryMarshalsEveryOperator(t *testing.T) {
	for op := range operators {
		value := any("x")
		if op == In || op == NotIn {
			value = []string{"a", "b"}
		}
		data, err := json.Marshal(Where("email", op, value))
		require.NoError(t, err, op)
		var got map[string]any
		require.NoError(t, json.Unmarshal(data, &got))
		assert.Equal(t, string(op), got["operator"])
		assert.Equal(t, "email", got["field"])
	}
	assert.Len(t, operators, 12)
}

func TestQueryNestedWireShape(t *testing.T) {
	q := And(
		Where("role", Equals, "user"),
		Or(Where("email", EndsWith, "@example.com"), Where("custom_attributes.plan", In, []string{"pro", "team"})),
		Where("unsubscribed_from_emails", Equals, false),
		Where("phone", Equals, nil),
	)
	data, err := json.Marshal(q)
	require.NoError(t, err)
	assert.JSONEq(t, `{"operator":"AND","value":[
		{"field":"role","operator":"=","value":"user"},
		{"operator":"OR","value":[
			{"field":"email","operator":"$","value":"@example.com"},
			{"field":"custom_attributes.plan","operator":"IN","value":["pro","team"]}]},
		{"field":"unsubscribed_from_emails","operator":"=","value":false},
		{"field":"phone","operator":"=","value":null}]}`, string(data))
}

func TestQueryLimits(t *testing.T) {
	filters := func(n int) []Query {
		out := make([]Query, n)
		for i := range out {
			out[i] = Where(fmt.Sprintf("custom_attributes.f%d", i), Equals, i)
		}
		return out
	}
	require.NoError(t, And(filters(MaxSearchGroupSize)...).Validate(), "15 filters in a group are fine")
	require.NoError(t, Or(And(filters(2)...), And(filters(15)...)).Validate(), "two levels are fine")

	cases := map[string]struct {
		q    Query
		want string
	}{
		"16 filters":       {And(filters(16)...), "AND group of 16 filters; Intercom allows at most 15"},
		"16 in a subgroup": {And(Where("a", Equals, 1), Or(filters(16)...)), "query.and[1] is an OR group of 16"},
		"three levels":     {And(Or(And(Where("a", Equals, 1)))), "nests groups 3 deep; Intercom allows at most 2"},
		"empty group":      {Or(), "empty OR group"},
		"zero query":       {Query{}, "is empty"},
		"no field":         {Where(" ", Equals, 1), "has no field name"},
		"bad operator":     {Where("email", Operator("LIKE"), "x"), `unknown operator "LIKE"`},
		"IN with scalar":   {Where("email", In, "x"), "IN needs a list value"},
		"list with =":      {Where("email", Equals, []string{"x"}), "a list value needs IN or NIN"},
		"odd value type":   {Where("created_at", GreaterThan, time.Now()), "value of type time.Time"},
		"nested bad leaf":  {And(Where("a", Equals, 1), Where("b", "?", 1)), "query.and[1]"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.q.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, merr := json.Marshal(tc.q)
			require.Error(t, merr, "an invalid query never reaches the wire")
			var dst json.RawMessage
			qerr := QueryInto(tc.q, &dst)
			require.ErrorIs(t, qerr, ErrInvalidQuery)
			assert.Nil(t, dst)
		})
	}
}

func TestConversationActionsWireShape(t *testing.T) {
	until := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		v    json.Marshaler
		want string
	}{
		"close":        {CloseConversation("991267715", "Solved"), `{"message_type":"close","type":"admin","admin_id":"991267715","body":"Solved"}`},
		"close silent": {CloseConversation("991267715", ""), `{"message_type":"close","type":"admin","admin_id":"991267715"}`},
		"open":         {OpenConversation("991267715"), `{"message_type":"open","admin_id":"991267715"}`},
		"snooze":       {SnoozeConversation("991267715", until), fmt.Sprintf(`{"message_type":"snoozed","admin_id":"991267715","snoozed_until":%d}`, until.Unix())},
		"assign":       {AssignConversation("991267715", "991267716", ""), `{"message_type":"assignment","type":"admin","admin_id":"991267715","assignee_id":"991267716"}`},
		"assign team":  {AssignConversationToTeam("991267715", "5017691", "Billing"), `{"message_type":"assignment","type":"team","admin_id":"991267715","assignee_id":"5017691","body":"Billing"}`},
		"admin reply":  {ReplyAsAdmin("991267715", "Hi").WithAttachments("https://example.com/a.png"), `{"message_type":"comment","type":"admin","admin_id":"991267715","body":"Hi","attachment_urls":["https://example.com/a.png"]}`},
		"note":         {NoteAsAdmin("991267715", "internal"), `{"message_type":"note","type":"admin","admin_id":"991267715","body":"internal"}`},
		"contact":      {ReplyAsContact(ContactByEmail("ada@example.com"), "Thanks"), `{"message_type":"comment","type":"user","email":"ada@example.com","body":"Thanks"}`},
		"contact id":   {ReplyAsContact(ContactByID("6657a6e36abd0123d6f0a8f2"), "Thanks"), `{"message_type":"comment","type":"user","intercom_user_id":"6657a6e36abd0123d6f0a8f2","body":"Thanks"}`},
		"contact uid":  {ReplyAsContact(ContactByUserID("u-1"), "Thanks"), `{"message_type":"comment","type":"user","user_id":"u-1","body":"Thanks"}`},
	}
	for name, tc := range cases {
		data, err := json.Marshal(tc.v)
		require.NoError(t, err, name)
		assert.JSONEq(t, tc.want, string(data), name)
	}
}

func TestConversationActionsRefuseMissingParts(t *testing.T) {
	many := make([]string, 11)
	for i := range many {
		many[i] = "https://example.com/f"
	}
	for name, v := range map[string]json.Marshaler{
		"no admin":       CloseConversation("", ""),
		"no assignee":    AssignConversation("1", " ", ""),
		"zero snooze":    SnoozeConversation("1", time.Time{}),
		"no contact":     ReplyAsContact(Contact{}, "hi"),
		"empty contact":  ReplyAsContact(ContactByEmail(""), "hi"),
		"no body":        ReplyAsContact(ContactByEmail("a@b.c"), ""),
		"no admin reply": ReplyAsAdmin("", "hi"),
		"zero action":    ConversationAction{},
		"zero reply":     Reply{},
		"11 attachments": ReplyAsAdmin("1", "hi").WithAttachments(many...),
	} {
		_, err := json.Marshal(v)
		require.Error(t, err, name)
		var me *json.MarshalerError
		require.True(t, errors.As(err, &me), name)
		assert.Contains(t, me.Err.Error(), "intercom:", name)
	}
}
