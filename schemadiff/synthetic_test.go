package schemadiff

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// baseSpec is a small API in the shape of Intercom's: a version header on
// every operation, components schemas shared by several operations, one
// inline response.
const baseSpec = `
openapi: 3.0.3
info: {title: synthetic, version: "1"}
paths:
  /contacts:
    get:
      operationId: listContacts
      parameters:
        - {$ref: '#/components/parameters/version'}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  total: {type: integer}
                  data:
                    type: array
                    items: {$ref: '#/components/schemas/contact'}
    post:
      operationId: createContact
      parameters:
        - {$ref: '#/components/parameters/version'}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/contact_request'}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/contact'}
  /contacts/{id}:
    get:
      operationId: getContact
      parameters:
        - {$ref: '#/components/parameters/version'}
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/contact'}
    put:
      operationId: updateContact
      parameters:
        - {$ref: '#/components/parameters/version'}
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/contact_request'}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/contact'}
components:
  parameters:
    version:
      name: Intercom-Version
      in: header
      schema: {type: string, enum: ["1.0", "1.1"], default: "1.1"}
  schemas:
    contact:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        role: {type: string, enum: [user, lead]}
        location: {$ref: '#/components/schemas/location'}
    location:
      type: object
      properties:
        city: {type: string}
        country: {type: string}
    contact_request:
      type: object
      required: [name]
      properties:
        name: {type: string}
        role: {type: string, enum: [user, lead]}
`

// tree is a parsed spec that a test edits.
type tree map[string]any

func parseTree(t testing.TB, src string) tree {
	t.Helper()
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
	return doc
}

// at walks keys down the tree.
func (d tree) at(keys ...string) map[string]any {
	m := map[string]any(d)
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func (d tree) spec(t testing.TB, name string) Spec {
	t.Helper()
	data, err := json.Marshal(d)
	require.NoError(t, err)
	return Spec{Name: name, Data: data}
}

// compareEdited compares baseSpec with a copy edited by edit.
func compareEdited(t *testing.T, edit func(d tree)) *Report {
	t.Helper()
	rev := parseTree(t, baseSpec)
	edit(rev)
	r, err := Compare(context.Background(), parseTree(t, baseSpec).spec(t, "base"), rev.spec(t, "revision"))
	require.NoError(t, err)
	requireAccounted(t, r)
	return r
}

// requireAccounted checks that every finding was placed in one group and
// that the entries' finding counts add up.
func requireAccounted(t *testing.T, r *Report) {
	t.Helper()
	require.Len(t, r.placement, r.Findings)
	for i, p := range r.placement {
		require.NotEmptyf(t, p, "finding %d was placed in no group", i)
	}
	sum := 0
	r.each(func(c Change) { sum += c.Findings })
	require.Equal(t, r.Findings, sum, "entries' findings do not add up to oasdiff's")
}

// find returns the entries of a kind anywhere in the report.
func find(r *Report, k Kind) []Change {
	var out []Change
	r.each(func(c Change) {
		if c.Kind == k {
			out = append(out, c)
		}
	})
	return out
}

func schemaEntries(r *Report, name string) []Change {
	for _, s := range r.Schemas {
		if s.Name == name {
			return s.Changes
		}
	}
	return nil
}

func TestIdenticalSpecsHaveNoChanges(t *testing.T) {
	r := compareEdited(t, func(tree) {})
	require.Zero(t, r.Findings)
	require.Zero(t, r.Summary.Entries)
	require.False(t, r.Has(Warning))
}

func TestBreakingClassification(t *testing.T) {
	cases := []struct {
		name     string
		edit     func(d tree)
		kind     Kind
		severity Severity
		schema   string // the schema the change must be filed under, if any
	}{
		{
			name: "required response property removed",
			edit: func(d tree) {
				c := d.at("components", "schemas", "contact")
				delete(c["properties"].(map[string]any), "name")
				c["required"] = []any{"id"}
			},
			kind: PropertyRemoved, severity: Breaking, schema: "contact",
		},
		{
			name: "optional response property added",
			edit: func(d tree) {
				d.at("components", "schemas", "contact", "properties")["email"] = map[string]any{"type": "string"}
			},
			kind: PropertyAdded, severity: Compatible, schema: "contact",
		},
		{
			name: "required request property added",
			edit: func(d tree) {
				c := d.at("components", "schemas", "contact_request")
				c["properties"].(map[string]any)["email"] = map[string]any{"type": "string"}
				c["required"] = []any{"name", "email"}
			},
			kind: PropertyAdded, severity: Breaking, schema: "contact_request",
		},
		{
			name: "optional request property added",
			edit: func(d tree) {
				d.at("components", "schemas", "contact_request", "properties")["email"] = map[string]any{"type": "string"}
			},
			kind: PropertyAdded, severity: Compatible, schema: "contact_request",
		},
		{
			name: "enum value removed from a request",
			edit: func(d tree) {
				d.at("components", "schemas", "contact_request", "properties", "role")["enum"] = []any{"user"}
			},
			kind: EnumValueRemoved, severity: Breaking, schema: "contact_request",
		},
		{
			name: "enum value added to a request",
			edit: func(d tree) {
				d.at("components", "schemas", "contact_request", "properties", "role")["enum"] = []any{"user", "lead", "visitor"}
			},
			kind: EnumValueAdded, severity: Compatible, schema: "contact_request",
		},
		{
			name: "response property retyped",
			edit: func(d tree) {
				d.at("components", "schemas", "contact", "properties", "id")["type"] = "integer"
			},
			kind: TypeChanged, severity: Breaking, schema: "contact",
		},
		{
			name: "request property made required",
			edit: func(d tree) {
				d.at("components", "schemas", "contact_request")["required"] = []any{"name", "role"}
			},
			kind: BecameRequired, severity: Breaking, schema: "contact_request",
		},
		{
			name: "request property made optional",
			edit: func(d tree) {
				d.at("components", "schemas", "contact_request")["required"] = []any{}
			},
			kind: BecameOptional, severity: Compatible, schema: "contact_request",
		},
		{
			name: "response property became nullable",
			edit: func(d tree) {
				d.at("components", "schemas", "contact", "properties", "name")["nullable"] = true
			},
			kind: BecameNullable, severity: Breaking, schema: "contact",
		},
		{
			name: "nested schema property removed",
			edit: func(d tree) {
				delete(d.at("components", "schemas", "location", "properties"), "country")
			},
			kind: PropertyRemoved, severity: Compatible, schema: "location",
		},
		{
			name: "operation removed",
			edit: func(d tree) {
				delete(d.at("paths", "/contacts/{id}"), "put")
			},
			kind: OperationRemoved, severity: Breaking,
		},
		{
			name: "operation added",
			edit: func(d tree) {
				d.at("paths", "/contacts/{id}")["delete"] = map[string]any{
					"operationId": "deleteContact",
					"parameters":  []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}},
					"responses":   map[string]any{"204": map[string]any{"description": "gone"}},
				}
			},
			kind: OperationAdded, severity: Compatible,
		},
		{
			name: "path parameter retyped",
			edit: func(d tree) {
				get := d.at("paths", "/contacts/{id}", "get")
				get["parameters"].([]any)[1].(map[string]any)["schema"] = map[string]any{"type": "integer"}
			},
			kind: TypeChanged, severity: Breaking,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := compareEdited(t, tc.edit)
			got := find(r, tc.kind)
			require.Lenf(t, got, 1, "want one %s entry; the report has %v", tc.kind, r.Summary.ByKind)
			require.Equal(t, tc.severity, got[0].Severity, got[0].Text)
			require.Equal(t, tc.severity == Breaking, r.Has(Breaking))
			if tc.schema != "" {
				require.Contains(t, schemaEntries(r, tc.schema), got[0], "the change belongs under schema %s", tc.schema)
			}
		})
	}
}

func TestSchemaChangeIsReportedOnceWithTheOperationsItReaches(t *testing.T) {
	r := compareEdited(t, func(d tree) {
		c := d.at("components", "schemas", "contact")
		delete(c["properties"].(map[string]any), "name")
		c["required"] = []any{"id"}
	})
	entries := schemaEntries(r, "contact")
	require.Len(t, entries, 1)
	e := entries[0]
	// contact is returned by all four operations, once inside an inline
	// list response.
	require.Equal(t, []string{"GET /contacts", "POST /contacts", "GET /contacts/{id}", "PUT /contacts/{id}"}, e.Operations)
	require.Equal(t, 4, e.Findings)
	require.Equal(t, []string{"name"}, e.Properties)
	require.Contains(t, e.Text, "`name`")
	require.NotContains(t, e.Text, "data/items", "the path is relative to the schema")
	require.Empty(t, r.Operations, "nothing is left to report per operation")
}

func TestPropertiesWithTheSameChangeShareAnEntry(t *testing.T) {
	r := compareEdited(t, func(d tree) {
		c := d.at("components", "schemas", "contact", "properties")
		c["email"] = map[string]any{"type": "string"}
		c["phone"] = map[string]any{"type": "string"}
	})
	entries := schemaEntries(r, "contact")
	require.Len(t, entries, 1)
	require.Equal(t, []string{"email", "phone"}, entries[0].Properties)
	require.Contains(t, entries[0].Text, "`email`, `phone`")
	require.Equal(t, 8, entries[0].Findings, "two properties on four operations")
}

func TestRepeatedChangeIsReportedOnce(t *testing.T) {
	r := compareEdited(t, func(d tree) {
		v := d.at("components", "parameters", "version", "schema")
		v["enum"] = []any{"1.1", "1.2"}
		v["default"] = "1.2"
	})
	require.Len(t, r.Common, 3, "enum value added, enum value removed, default changed")
	for _, c := range r.Common {
		require.Len(t, c.Operations, 4, c.Text)
		require.Equal(t, 4, c.Findings)
		require.Equal(t, InParameter, c.Location)
	}
	require.Empty(t, r.Operations)
	kinds := []Kind{r.Common[0].Kind, r.Common[1].Kind, r.Common[2].Kind}
	require.ElementsMatch(t, []Kind{EnumValueAdded, EnumValueRemoved, DefaultChanged}, kinds)
	// The header is the API version header: its values and default follow
	// the version, so none of this is a change to act on.
	require.False(t, r.Has(Warning))
	for _, c := range r.Common {
		require.Equal(t, whyVersionHeader, c.Why, c.Text)
	}
}

func TestCommonShareThreshold(t *testing.T) {
	// A change on two of the four operations is common at a share of 0.5
	// and per operation at 0.75.
	edit := func(d tree) {
		for _, m := range []string{"get", "put"} {
			op := d.at("paths", "/contacts/{id}", m)
			op["parameters"].([]any)[1].(map[string]any)["schema"] = map[string]any{"type": "integer"}
		}
	}
	base := parseTree(t, baseSpec).spec(t, "base")
	rev := parseTree(t, baseSpec)
	edit(rev)

	half, err := Compare(context.Background(), base, rev.spec(t, "rev"), WithCommonShare(0.5))
	require.NoError(t, err)
	require.Len(t, half.Common, 1)
	require.Empty(t, half.Operations)

	most, err := Compare(context.Background(), base, rev.spec(t, "rev"), WithCommonShare(0.75))
	require.NoError(t, err)
	require.Empty(t, most.Common)
	require.Len(t, most.Operations, 2)
	for _, o := range most.Operations {
		require.Equal(t, "/contacts/{id}", o.Path)
		require.Len(t, o.Changes, 1)
	}
}

func TestInlineChangesStayWithTheirOperation(t *testing.T) {
	r := compareEdited(t, func(d tree) {
		schema := d.at("paths", "/contacts", "get", "responses", "200", "content", "application/json", "schema")
		delete(schema["properties"].(map[string]any), "total")
	})
	require.Empty(t, r.Schemas)
	require.Len(t, r.Operations, 1)
	require.Equal(t, "GET", r.Operations[0].Method)
	require.Equal(t, "/contacts", r.Operations[0].Path)
	require.Equal(t, "listContacts", r.Operations[0].OperationID)
	require.Equal(t, PropertyRemoved, r.Operations[0].Changes[0].Kind)
}

func TestSchemasAddedAndRemoved(t *testing.T) {
	r := compareEdited(t, func(d tree) {
		s := d.at("components", "schemas")
		s["company"] = map[string]any{"type": "object"}
		s["unused"] = map[string]any{"type": "object"}
	})
	require.Equal(t, []string{"company", "unused"}, r.SchemasAdded)

	back := compareEdited(t, func(d tree) {
		s := d.at("components", "schemas")
		s["company"] = map[string]any{"type": "object"}
	})
	require.Equal(t, []string{"company"}, back.SchemasAdded)

	// Swap the sides: the schema is now removed.
	withExtra := parseTree(t, baseSpec)
	withExtra.at("components", "schemas")["company"] = map[string]any{"type": "object"}
	rr, err := Compare(context.Background(), withExtra.spec(t, "a"), parseTree(t, baseSpec).spec(t, "b"))
	require.NoError(t, err)
	requireAccounted(t, rr)
	require.Len(t, rr.SchemasRemoved, 1)
	require.Equal(t, SchemaRemoved, rr.SchemasRemoved[0].Kind)
	require.Contains(t, rr.SchemasRemoved[0].Text, "company")
}

func TestKindOfCoversEveryRule(t *testing.T) {
	require.Equal(t, PropertyRemoved, KindOf("response-required-property-removed"))
	require.Equal(t, PropertyAdded, KindOf("new-required-request-property"))
	require.Equal(t, ParameterAdded, KindOf("new-optional-request-parameter"))
	require.Equal(t, ParameterRemoved, KindOf("request-parameter-removed"))
	require.Equal(t, EnumValueRemoved, KindOf("request-parameter-enum-value-removed"))
	require.Equal(t, BecameOptional, KindOf("response-property-became-optional"))
	require.Equal(t, BecameNotNullable, KindOf("request-body-became-not-nullable"))
	require.Equal(t, TypeChanged, KindOf("response-property-type-changed"))
	require.Equal(t, BodyChanged, KindOf("response-media-type-removed"))
	require.Equal(t, OperationRemoved, KindOf("api-path-removed-without-deprecation"))
	require.Equal(t, OtherChange, KindOf("no-such-rule"))

	// Every rule oasdiff has is given a kind a reader can search for; only
	// webhooks, which the Intercom specs do not use, fall through.
	var other []string
	for _, id := range allRuleIDs() {
		if KindOf(id) == OtherChange {
			other = append(other, id)
		}
	}
	slices.Sort(other)
	require.Equal(t, []string{"webhook-added", "webhook-removed"}, other)
}

func TestLocationOf(t *testing.T) {
	require.Equal(t, InParameter, locationOf("request-parameter-enum-value-added"))
	require.Equal(t, InRequest, locationOf("new-required-request-property"))
	require.Equal(t, InResponse, locationOf("response-property-became-optional"))
	require.Equal(t, InHeader, locationOf("required-response-header-removed"))
	require.Equal(t, InOperation, locationOf("endpoint-added"))
	require.True(t, strings.HasPrefix(string(locationOf("api-security-removed")), "sec"))
}

func allRuleIDs() []string { return checker.GetAllRuleIds() }
