package schemadiff

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// comparePair compares two edited copies of baseSpec, with the neighbours
// given (nil for none).
func comparePair(t *testing.T, base, rev tree, prev, next *tree) *Report {
	t.Helper()
	var p, n *Spec
	if prev != nil {
		s := prev.spec(t, "prev")
		p = &s
	}
	if next != nil {
		s := next.spec(t, "next")
		n = &s
	}
	r, err := Compare(context.Background(), base.spec(t, "base"), rev.spec(t, "rev"), WithNeighbours(p, n))
	require.NoError(t, err)
	requireAccounted(t, r)
	return r
}

// edited returns baseSpec with edit applied.
func edited(t *testing.T, edit func(tree)) tree {
	t.Helper()
	d := parseTree(t, baseSpec)
	edit(d)
	return d
}

// allEntries lists every entry of a report.
func allEntries(r *Report) []Change {
	var out []Change
	r.each(func(c Change) { out = append(out, c) })
	return out
}

func optionalName(d tree) { d.at("components", "schemas", "contact")["required"] = []any{"id"} }

func TestChurnedRequiredFlagThatReverts(t *testing.T) {
	base := parseTree(t, baseSpec)
	rev := edited(t, optionalName)

	// The flag flips back in the version after: churn.
	r := comparePair(t, base, rev, nil, &base)
	got := find(r, BecameOptional)
	require.Len(t, got, 1)
	require.True(t, got[0].Annotation, got[0].Text)
	require.Equal(t, Breaking, got[0].Oasdiff, "oasdiff calls a response property made optional breaking")
	require.Contains(t, got[0].Why, "back to required in next")
	require.False(t, r.Has(Warning), "churn is no part of the wire view")
	require.Equal(t, 1, r.Summary.Annotations)

	// The version before already said optional: only the base differs.
	r = comparePair(t, base, rev, &rev, nil)
	got = find(r, BecameOptional)
	require.Len(t, got, 1)
	require.True(t, got[0].Annotation)
	require.Contains(t, got[0].Why, "prev says optional too")

	// The neighbours agree with the flip: a real change.
	r = comparePair(t, base, rev, &base, &rev)
	got = find(r, BecameOptional)
	require.Len(t, got, 1)
	require.False(t, got[0].Annotation)
	require.Equal(t, Breaking, got[0].Severity)
	require.Equal(t, 1, r.Count(Breaking))

	// Spec files without neighbours: the effective-schema rules decide.
	r = comparePair(t, base, rev, nil, nil)
	require.False(t, find(r, BecameOptional)[0].Annotation)
	require.True(t, r.Has(Breaking))
}

func TestChurnedPathParameterType(t *testing.T) {
	retype := func(d tree) {
		for _, m := range []string{"get", "put"} {
			op := d.at("paths", "/contacts/{id}", m)
			op["parameters"].([]any)[1].(map[string]any)["schema"] = map[string]any{"type": "integer"}
		}
	}
	base := parseTree(t, baseSpec)
	rev := edited(t, retype)
	// The next version calls the parameter something else and types it as
	// text again: it is the same parameter, and the flip reverts.
	next := parseTree(t, strings.ReplaceAll(baseSpec, "{id}", "{contact_id}"))
	for _, m := range []string{"get", "put"} {
		next.at("paths", "/contacts/{contact_id}", m)["parameters"].([]any)[1].(map[string]any)["name"] = "contact_id"
	}
	r := comparePair(t, base, rev, nil, &next)
	got := find(r, TypeChanged)
	require.NotEmpty(t, got)
	for _, c := range got {
		require.True(t, c.Annotation, c.Text)
	}
	require.False(t, r.Has(Warning))

	// A property retyped from text to integer is not churn, whatever the
	// neighbours say.
	r = comparePair(t, base, edited(t, func(d tree) {
		d.at("components", "schemas", "contact", "properties", "id")["type"] = "integer"
	}), nil, &base)
	require.True(t, r.Has(Breaking))
}

func TestPropertyOnlyTheBaseListed(t *testing.T) {
	withEmail := edited(t, func(d tree) {
		c := d.at("components", "schemas", "contact")
		c["properties"].(map[string]any)["email"] = map[string]any{"type": "string"}
		c["required"] = []any{"id", "name", "email"}
	})
	plain := parseTree(t, baseSpec)
	r := comparePair(t, withEmail, plain, &plain, nil)
	got := find(r, PropertyRemoved)
	require.Len(t, got, 1)
	require.True(t, got[0].Annotation)
	require.Contains(t, got[0].Why, "prev did not list it either")

	// The version before listed it too: the removal is real.
	r = comparePair(t, withEmail, plain, &withEmail, nil)
	require.False(t, find(r, PropertyRemoved)[0].Annotation)
	require.True(t, r.Has(Breaking))
}

func TestAllOfRefactorIsNoChange(t *testing.T) {
	// The same request and response shapes, written as allOf of a shared
	// part and the rest.
	rev := edited(t, func(d tree) {
		s := d.at("components", "schemas")
		s["named"] = map[string]any{
			"type":       "object",
			"required":   []any{"name"},
			"properties": map[string]any{"name": map[string]any{"type": "string"}},
		}
		s["contact_request"] = map[string]any{"allOf": []any{
			map[string]any{"$ref": "#/components/schemas/named"},
			map[string]any{"type": "object", "properties": map[string]any{
				"role": map[string]any{"type": "string", "enum": []any{"user", "lead"}},
			}},
		}}
	})
	r := comparePair(t, parseTree(t, baseSpec), rev, nil, nil)
	require.False(t, r.Has(Warning), "an allOf refactor with the same wire shape: %v", allEntries(r))
	for _, c := range allEntries(r) {
		require.NotEqual(t, CompositionChanged, c.Kind, c.Text)
		require.NotEqual(t, PropertyRemoved, c.Kind, c.Text)
	}
}

// withValue adds a request property whose schema is a oneOf of objects,
// each a components schema with one property of the type named.
func withValue(alternatives ...string) func(tree) {
	return func(d tree) {
		var list []any
		for _, a := range alternatives {
			d.at("components", "schemas")["by_"+a] = map[string]any{
				"type": "object", "properties": map[string]any{a: map[string]any{"type": a}},
			}
			list = append(list, map[string]any{"$ref": "#/components/schemas/by_" + a})
		}
		d.at("components", "schemas", "contact_request", "properties")["value"] = map[string]any{"oneOf": list}
	}
}

func TestSupersetOneOfIsCompatible(t *testing.T) {
	base := edited(t, withValue("string", "integer"))

	r := comparePair(t, base, edited(t, withValue("string", "integer", "boolean")), nil, nil)
	got := find(r, CompositionChanged)
	require.NotEmpty(t, got)
	for _, c := range got {
		require.Equal(t, Compatible, c.Severity, c.Text)
	}
	require.False(t, r.Has(Warning))

	// The same alternatives in another order are the same list.
	r = comparePair(t, base, edited(t, withValue("integer", "boolean", "string")), nil, nil)
	require.False(t, r.Has(Warning), "%v", allEntries(r))

	// Dropping an alternative narrows what the request may send.
	r = comparePair(t, base, edited(t, withValue("string")), nil, nil)
	require.True(t, r.Has(Breaking), "%v", allEntries(r))
}

func TestSchemaReplacedByAnyOfWithItsShape(t *testing.T) {
	// The list's items become "a contact or a company", the contact
	// schema included as it was.
	rev := edited(t, func(d tree) {
		d.at("components", "schemas")["company"] = map[string]any{"type": "object", "properties": map[string]any{"domain": map[string]any{"type": "string"}}}
		data := d.at("paths", "/contacts", "get", "responses", "200", "content", "application/json", "schema", "properties", "data")
		data["items"] = map[string]any{"anyOf": []any{
			map[string]any{"$ref": "#/components/schemas/contact"},
			map[string]any{"$ref": "#/components/schemas/company"},
		}}
	})
	r := comparePair(t, parseTree(t, baseSpec), rev, nil, nil)
	for _, c := range allEntries(r) {
		require.NotEqual(t, Breaking, c.Severity, c.Text)
	}
}

func TestNewResponseEnumValuesAreOneWarning(t *testing.T) {
	rev := edited(t, func(d tree) {
		d.at("components", "schemas", "contact", "properties", "role")["enum"] = []any{"user", "lead", "visitor", "admin"}
	})
	r := comparePair(t, parseTree(t, baseSpec), rev, nil, nil)
	got := find(r, EnumValueAdded)
	require.Len(t, got, 1, "both values, on every operation, are one entry")
	require.Equal(t, Warning, got[0].Severity)
	require.Equal(t, whyEnumAdded, got[0].Why)
	require.Equal(t, []string{"admin", "visitor"}, got[0].Values)
	require.Contains(t, got[0].Text, "`admin`, `visitor`")
	require.Equal(t, 1, r.Count(Warning))
	require.False(t, r.Has(Breaking))
}

// withExample puts an example on the GET /contacts/{id} response.
func withExample(value map[string]any) func(tree) {
	return func(d tree) {
		d.at("paths", "/contacts/{id}", "get", "responses", "200", "content", "application/json")["examples"] = map[string]any{
			"found": map[string]any{"value": value},
		}
	}
}

func TestExampleOnlyChange(t *testing.T) {
	base := edited(t, withExample(map[string]any{
		"id": "6329bd9ffe4e2e91dac76188", "name": "Ada", "role": "user", "created_at": 1719492795.0,
		"location": map[string]any{"city": "Dublin", "country": "Ireland"},
	}))
	// Ids, timestamps and free text differ in any two captures; the role
	// is a keyword.
	rev := edited(t, withExample(map[string]any{
		"id": "677c55676abd011ad17ff4f8", "name": "Grace", "role": "lead", "created_at": 1736201576.0,
		"location": map[string]any{"city": "Paris", "country": "France"},
	}))
	r := comparePair(t, base, rev, nil, nil)
	require.Zero(t, r.Findings, "the schemas are the same")
	require.Len(t, r.Examples, 1, "%v", r.Examples)
	e := r.Examples[0]
	require.Equal(t, "GET /contacts/{id}", e.Operation)
	require.Equal(t, "response 200", e.Where)
	require.Equal(t, "found", e.Example)
	require.Equal(t, "role", e.Path)
	require.Equal(t, `"user"`, e.From)
	require.Equal(t, `"lead"`, e.To)
	require.Equal(t, 1, r.Summary.Examples)
	require.False(t, r.Has(Compatible), "examples are no part of the wire view")
}

func TestSchemaContradictsItsExample(t *testing.T) {
	example := withExample(map[string]any{"id": "1", "name": "Ada", "email": "ada@example.com"})
	base := edited(t, func(d tree) {
		example(d)
		d.at("components", "schemas", "contact", "properties")["email"] = map[string]any{"type": "string"}
	})
	// The revision drops email from the schema, but its example still has
	// it: probably the schema that is wrong.
	rev := edited(t, example)
	r := comparePair(t, base, rev, nil, nil)
	require.Len(t, r.Contradictions, 1, "%v", r.Contradictions)
	c := r.Contradictions[0]
	require.Equal(t, "GET /contacts/{id}", c.Operation)
	require.Equal(t, "email", c.Path)
	require.Contains(t, c.Problem, "does not declare")

	// A retyped property its own example contradicts is a probable spec
	// error, not a breaking change.
	rev = edited(t, func(d tree) {
		withExample(map[string]any{"id": "1", "name": "Ada"})(d)
		d.at("components", "schemas", "contact", "properties", "name")["type"] = "integer"
	})
	r = comparePair(t, edited(t, withExample(map[string]any{"id": "1", "name": "Ada"})), rev, nil, nil)
	require.Len(t, r.Contradictions, 1)
	require.Contains(t, r.Contradictions[0].Problem, "must be an integer")
	got := find(r, TypeChanged)
	require.Len(t, got, 1)
	require.Equal(t, Warning, got[0].Severity)
	require.Equal(t, Breaking, got[0].Oasdiff)
	require.Contains(t, got[0].Why, "probable spec error")
}

// withTeammate adds a teammate schema, reached by its own operation, whose
// avatar has the given type, and an untyped assignee on contact.
func withTeammate(avatar map[string]any) func(tree) {
	return func(d tree) {
		schemas := d.at("components", "schemas")
		schemas["teammate"] = map[string]any{
			"type": "object",
			"properties": map[string]any{
				"type":   map[string]any{"type": "string", "enum": []any{"teammate"}},
				"id":     map[string]any{"type": "string"},
				"avatar": avatar,
			},
		}
		schemas["contact"].(map[string]any)["properties"].(map[string]any)["assignee"] = map[string]any{"type": "object"}
		d.at("paths")["/teammates/{id}"] = map[string]any{"get": map[string]any{
			"operationId": "getTeammate",
			"parameters": []any{
				map[string]any{"$ref": "#/components/parameters/version"},
				map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}},
			},
			"responses": map[string]any{"200": map[string]any{"description": "ok", "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/teammate"}},
			}}},
		}}
	}
}

var (
	avatarObject = map[string]any{"type": "object", "properties": map[string]any{"image_url": map[string]any{"type": "string"}}}
	avatarString = map[string]any{"type": "string", "format": "uri"}
)

// TestTypedObjectInAnotherExampleContradictsItsSchema pins the rule that
// an object inside any example naming its schema by its "type" field is
// checked against that schema: the teammate schema has no example of its
// own, but a contact's example shows a teammate whose avatar is an object
// after the revision retypes it as a string.
func TestTypedObjectInAnotherExampleContradictsItsSchema(t *testing.T) {
	example := withExample(map[string]any{"id": "1", "name": "Ada",
		"assignee": map[string]any{"type": "teammate", "id": "814860", "avatar": map[string]any{"image_url": "https://static.example.com/a.png"}}})
	base := edited(t, func(d tree) { withTeammate(avatarObject)(d); example(d) })
	rev := edited(t, func(d tree) { withTeammate(avatarString)(d); example(d) })
	r := comparePair(t, base, rev, nil, nil)
	require.Len(t, r.Contradictions, 1, "%v", r.Contradictions)
	c := r.Contradictions[0]
	require.Equal(t, "teammate", c.Schema)
	require.Equal(t, "GET /contacts/{id}", c.Operation)
	require.Equal(t, "assignee/avatar", c.Path)
	require.Contains(t, c.Problem, "must be a string")
	got := typeChanges(r, "teammate")
	require.Len(t, got, 1, "%v", got)
	require.Equal(t, Breaking, got[0].Oasdiff)
	require.Equal(t, Warning, got[0].Severity)
	require.Contains(t, got[0].Why, "probable spec error")
	require.Contains(t, got[0].Why, `type "teammate"`)

	// Without the example the retyping stands as breaking.
	r = comparePair(t, edited(t, withTeammate(avatarObject)), edited(t, withTeammate(avatarString)), nil, nil)
	require.Empty(t, r.Contradictions)
	require.Equal(t, Breaking, typeChanges(r, "teammate")[0].Severity)

	// An object whose type names no schema, or a schema whose type
	// property does not allow the name, is checked against nothing.
	other := withExample(map[string]any{"id": "1", "name": "Ada",
		"assignee": map[string]any{"type": "bot", "avatar": map[string]any{"image_url": "x"}}})
	r = comparePair(t, edited(t, func(d tree) { withTeammate(avatarObject)(d); other(d) }),
		edited(t, func(d tree) { withTeammate(avatarString)(d); other(d) }), nil, nil)
	require.Empty(t, r.Contradictions)
}

// TestTypeThatFlipsAndReverts pins the rule for a real retyping that the
// neighbouring versions undo: a probable spec error, not a breaking change.
func TestTypeThatFlipsAndReverts(t *testing.T) {
	before := edited(t, withTeammate(avatarString))
	base := edited(t, withTeammate(avatarObject))
	rev := edited(t, withTeammate(avatarString))

	// string, object, string: only the base says object.
	r := comparePair(t, base, rev, &before, nil)
	got := typeChanges(r, "teammate")
	require.Len(t, got, 1)
	require.Equal(t, Warning, got[0].Severity)
	require.Contains(t, got[0].Why, "flips and reverts: prev says string/uri too, only base says object")
	require.False(t, r.Has(Breaking))

	// object, string, object: the revision is the odd one out, and its
	// users get a string: still breaking.
	r = comparePair(t, base, rev, nil, &base)
	require.Equal(t, Breaking, typeChanges(r, "teammate")[0].Severity)

	// The neighbours confirm the change: breaking.
	r = comparePair(t, base, rev, &base, &rev)
	require.Equal(t, Breaking, typeChanges(r, "teammate")[0].Severity)
}

// typeChanges returns a schema's type-changed entries.
func typeChanges(r *Report, schema string) []Change {
	var out []Change
	for _, c := range schemaEntries(r, schema) {
		if c.Kind == TypeChanged {
			out = append(out, c)
		}
	}
	return out
}

// TestOneProblemInManyExamplesIsOneLine checks that the human formats list
// a problem seen in many examples once, with its operations, and keep
// every contradiction in the JSON.
func TestOneProblemInManyExamplesIsOneLine(t *testing.T) {
	missing := `property "job_title" is missing`
	r := &Report{Base: "1", Revision: "2", Contradictions: []Contradiction{
		{Operation: "GET /admins", OperationID: "listAdmins", Where: "response 200", Example: "ok", Path: "admins/*/job_title", Problem: missing},
		{Operation: "GET /admins/{id}", OperationID: "getAdmin", Where: "response 200", Example: "ok", Path: "job_title", Problem: missing},
		{Operation: "GET /admins/{id}", OperationID: "getAdmin", Where: "response 404", Example: "other", Path: "job_title", Problem: missing},
		{Operation: "GET /me", Where: "response 200", Path: "avatar", Problem: "value must be a string"},
		{Operation: "GET /me", Where: "response 200", Schema: "team", Path: "job_title", Problem: missing},
	}}
	r.summarize()
	var md bytes.Buffer
	require.NoError(t, r.WriteMarkdown(&md))
	out := md.String()
	require.Contains(t, out, "### Probable spec errors (5)")
	require.Contains(t, out, "- at `admins/*/job_title`, `job_title`: "+missing+", in 3 examples of 2 operations: `GET /admins` (`listAdmins`), `GET /admins/{id}` (`getAdmin`)\n")
	require.Contains(t, out, "- `GET /me`, response 200 at `avatar`: value must be a string\n")
	// Another schema's property of the same name is another problem.
	require.Contains(t, out, "- `GET /me`, response 200 at `job_title`: "+missing+"\n")
	require.Equal(t, 3, strings.Count(out[strings.Index(out, "### Probable spec errors"):], "\n- "))

	var js bytes.Buffer
	require.NoError(t, r.Write(&js, JSON))
	var back Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	require.Len(t, back.Contradictions, 5)
}
