package normalize

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// parse turns a YAML snippet into a document tree as the pipeline loads it.
func parse(t *testing.T, src string) Doc {
	t.Helper()
	var doc Doc
	require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
	return doc
}

// at follows a JSON pointer and fails the test when nothing is there.
func at(t *testing.T, doc Doc, ptr string) any {
	t.Helper()
	v, ok := resolvePointer(doc, ptr)
	require.True(t, ok, "nothing at %s", ptr)
	return v
}

func run(t *testing.T, rule Rule, doc Doc) *Report {
	t.Helper()
	r, err := Apply(doc, []Rule{rule})
	require.NoError(t, err)
	return r
}

func TestDanglingRefBecomesFreeFormObject(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    thing:
      type: object
      properties:
        attrs:
          $ref: '#/components/schemas/missing'
        other:
          $ref: '#/components/schemas/missing'
        fine:
          $ref: '#/components/schemas/thing'
`)
	r := run(t, DanglingRef, doc)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, "dangling-ref: #/components/schemas/missing -> 2 uses -> free-form object", r.Findings[0].String())
	attrs := at(t, doc, "#/components/schemas/thing/properties/attrs").(map[string]any)
	assert.Equal(t, map[string]any{"type": "object", "additionalProperties": true}, attrs)
	assert.Equal(t, "#/components/schemas/thing", at(t, doc, "#/components/schemas/thing/properties/fine/$ref"))
}

func TestDanglingNonSchemaRefIsAnError(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /x:
    get:
      parameters:
      - $ref: '#/components/parameters/gone'
      responses: {}
`)
	_, err := Apply(doc, []Rule{DanglingRef})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "#/components/parameters/gone")
	assert.Contains(t, err.Error(), "overlay")
}

func TestPathParamInQueryMovesToPath(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
      - name: id
        in: query
        schema: {type: string}
      - name: q
        in: query
        schema: {type: string}
      responses: {}
`)
	r := run(t, PathParamInQuery, doc)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, "path", at(t, doc, "#/paths/~1things~1{id}/get/parameters/0/in"))
	assert.Equal(t, true, at(t, doc, "#/paths/~1things~1{id}/get/parameters/0/required"))
	assert.Equal(t, "query", at(t, doc, "#/paths/~1things~1{id}/get/parameters/1/in"), "a real query parameter stays")
}

func TestUndeclaredPathParamIsDeclared(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /a/{a_id}/b/{b_id}:
    parameters:
    - name: a_id
      in: path
      required: true
      schema: {type: integer}
    delete:
      operationId: deleteB
      responses: {}
`)
	r := run(t, UndeclaredPathParam, doc)
	require.Len(t, r.Findings, 1)
	assert.Contains(t, r.Findings[0].String(), `"b_id"`)
	params := at(t, doc, "#/paths/~1a~1{a_id}~1b~1{b_id}/delete/parameters").([]any)
	require.Len(t, params, 1, "a_id is declared on the path item and must not be declared twice")
	assert.Equal(t, "b_id", params[0].(map[string]any)["name"])
	assert.Equal(t, "path", params[0].(map[string]any)["in"])
}

func TestArrayWithoutItemsGetsItems(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    s:
      anyOf:
      - type: string
      - type: array
`)
	r := run(t, ArrayWithoutItems, doc)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, map[string]any{}, at(t, doc, "#/components/schemas/s/anyOf/1/items"))
}

func TestSchemalessJSONGetsShapeOfExample(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /x:
    post:
      responses:
        '200':
          content:
            application/json:
              examples:
                one: {value: [1, 2]}
        '400':
          content:
            application/json:
              example: {type: error.list}
        '204':
          description: no body
          content:
            application/json: {}
`)
	r := run(t, SchemalessJSON, doc)
	require.Len(t, r.Findings, 2)
	assert.Equal(t, "array", at(t, doc, "#/paths/~1x/post/responses/200/content/application~1json/schema/type"))
	assert.Equal(t, "object", at(t, doc, "#/paths/~1x/post/responses/400/content/application~1json/schema/type"))
	_, has := resolvePointer(doc, "#/paths/~1x/post/responses/204/content/application~1json/schema")
	assert.False(t, has, "no example, no schema: nothing to infer")
}

func TestRefSiblingNullableWrapsInAllOf(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    team_member:
      type: object
    ticket:
      type: object
      properties:
        assignee:
          $ref: '#/components/schemas/team_member'
          nullable: true
        plain:
          $ref: '#/components/schemas/team_member'
`)
	r := run(t, RefSiblingNullable, doc)
	require.Len(t, r.Findings, 1)
	got := at(t, doc, "#/components/schemas/ticket/properties/assignee").(map[string]any)
	assert.Equal(t, true, got["nullable"])
	assert.Equal(t, "TeamMember", got["x-go-type"], "the Go type stays the referenced schema's")
	assert.Equal(t, []any{map[string]any{"$ref": "#/components/schemas/team_member"}}, got["allOf"])
	assert.Equal(t, "#/components/schemas/team_member", at(t, doc, "#/components/schemas/ticket/properties/plain/$ref"))
}

func TestInvalidSchemaExampleIsDropped(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    s:
      type: object
      properties:
        flag:
          type: string
          nullable: true
          example: false
        count:
          type: integer
          example: 3
`)
	r := run(t, InvalidSchemaExample, doc)
	require.Len(t, r.Findings, 1)
	_, has := resolvePointer(doc, "#/components/schemas/s/properties/flag/example")
	assert.False(t, has)
	assert.Equal(t, 3, at(t, doc, "#/components/schemas/s/properties/count/example"), "a valid example stays")
}

func TestInlineEnumCollisionRenamesTheEnum(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    widget:
      type: object
      properties:
        kind:
          type: string
          enum: [widget]
        size:
          type: string
          enum: [s, m]
    widget_kind:
      type: object
`)
	r := run(t, InlineEnumCollision, doc)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, "WidgetKindEnum", at(t, doc, "#/components/schemas/widget/properties/kind/x-go-type-name"))
	_, has := resolvePointer(doc, "#/components/schemas/widget/properties/size/x-go-type-name")
	assert.False(t, has, "an enum that clashes with nothing keeps its derived name")
}

func TestOperationTypeCollisionRenamesTheSchema(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /w:
    get:
      operationId: findWidgets
      responses: {}
components:
  schemas:
    find_widgets_raw_response:
      type: object
    find_widgets_params:
      type: object
`)
	r := run(t, OperationTypeCollision, doc)
	require.Len(t, r.Findings, 2)
	assert.Equal(t, "FindWidgetsRawResponseBody", at(t, doc, "#/components/schemas/find_widgets_raw_response/x-go-name"))
	assert.Equal(t, "FindWidgetsParamsBody", at(t, doc, "#/components/schemas/find_widgets_params/x-go-name"))
}

func TestInlineUnionBodyIsHoisted(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /w:
    post:
      operationId: createWidget
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
              - type: object
                properties: {a: {type: string}}
              - type: object
                properties: {b: {type: string}}
      responses: {}
    put:
      operationId: putWidget
      requestBody:
        content:
          application/json:
            schema:
              type: object
      responses: {}
components:
  schemas:
    CreateWidgetRequest:
      type: object
`)
	r := run(t, InlineUnionBody, doc)
	require.Len(t, r.Findings, 1, "only the union body moves")
	assert.Equal(t, "#/components/schemas/CreateWidgetRequestBody", at(t, doc, "#/paths/~1w/post/requestBody/content/application~1json/schema/$ref"))
	hoisted := at(t, doc, "#/components/schemas/CreateWidgetRequestBody").(map[string]any)
	assert.Len(t, hoisted["oneOf"], 2)
	assert.Equal(t, "object", at(t, doc, "#/paths/~1w/put/requestBody/content/application~1json/schema/type"))
}

func TestDefaultRulesAreNamedAndDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Default {
		assert.NotEmpty(t, r.Name)
		assert.NotEmpty(t, r.Defect, r.Name)
		assert.False(t, seen[r.Name], "duplicate rule name %s", r.Name)
		seen[r.Name] = true
	}
}

// TestRulesAreIdempotent runs every rule twice over a document with every
// defect: the second run must find nothing left to repair.
func TestRulesAreIdempotent(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /t/{id}/{other}:
    post:
      operationId: makeT
      parameters:
      - {name: id, in: query, schema: {type: string}}
      - name: f
        in: query
        schema:
          oneOf: [{properties: {a: {type: string}}}, {properties: {b: {type: string}}}]
      requestBody:
        content:
          application/json:
            schema:
              anyOf: [{type: object}, {type: string}]
      responses:
        '200':
          content:
            application/json:
              example: {a: 1}
  /u:
    get:
      responses: {'200': {description: ok}}
components:
  schemas:
    t:
      type: object
      properties:
        kind: {type: string, enum: [x]}
        list: {type: array}
        ref: {$ref: '#/components/schemas/gone'}
        n: {$ref: '#/components/schemas/t', nullable: true}
        bad: {type: integer, example: nope}
        uid: {type: string, format: uuid, maxLength: 24}
    t_kind: {type: object}
    make_t_raw_response: {type: object}
    both:
      type: object
      properties: {name: {type: string}}
      required: [name]
      oneOf: [{properties: {a: {type: string}}}, {$ref: '#/components/schemas/t_kind'}]
    error:
      type: object
      properties:
        request_id: {type: string, format: uuid}
    job:
      type: object
      properties:
        job_identfier: {type: string}
        count: {type: string}
`)
	doc["paths"].(map[string]any)["/jobs"] = parse(t, `
get:
  responses:
    '200':
      content:
        application/json:
          schema: {$ref: '#/components/schemas/job'}
          example: {job_identifier: abc, count: 3}
`)
	first, err := Apply(doc, Default)
	require.NoError(t, err)
	for _, r := range Default {
		assert.Positive(t, first.Count(r.Name), "the sample should exercise %s", r.Name)
	}
	before, err := json.Marshal(doc)
	require.NoError(t, err)
	second, err := Apply(doc, Default)
	require.NoError(t, err)
	assert.Empty(t, second.Findings)
	after, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

func TestUnionQueryObjectMergesBranches(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /events:
    get:
      operationId: listEvents
      parameters:
      - name: filter
        in: query
        required: true
        style: form
        explode: true
        schema:
          type: object
          oneOf:
          - {properties: {user_id: {type: string}}, required: [user_id]}
          - {properties: {email: {type: string}}, required: [email]}
      - name: plain
        in: query
        schema: {type: string}
      responses: {}
`)
	r := run(t, UnionQueryObject, doc)
	require.Len(t, r.Findings, 1)
	s := at(t, doc, "#/paths/~1events/get/parameters/0/schema").(map[string]any)
	assert.Nil(t, s["oneOf"])
	assert.Nil(t, s["required"], "no branch's property is required on its own")
	assert.Len(t, s["properties"], 2)
	assert.Contains(t, at(t, doc, "#/paths/~1events/get/parameters/0/description"), "exactly one of: user_id, email")
	assert.Equal(t, "string", at(t, doc, "#/paths/~1events/get/parameters/1/schema/type"))
}

func TestFormatLengthConflictDropsImpossibleFormat(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    s:
      type: object
      properties:
        id: {type: string, format: uuid, minLength: 24, maxLength: 24}
        real: {type: string, format: uuid, maxLength: 36}
`)
	r := run(t, FormatLengthConflict, doc)
	require.Len(t, r.Findings, 1)
	_, has := resolvePointer(doc, "#/components/schemas/s/properties/id/format")
	assert.False(t, has)
	assert.Equal(t, "uuid", at(t, doc, "#/components/schemas/s/properties/real/format"))
}

func TestKnownWireFacts(t *testing.T) {
	cs, err := Corrections()
	require.NoError(t, err)
	require.NotEmpty(t, cs)
	doc := parse(t, `
openapi: 3.0.1
info: {version: "2.12"}
paths:
  /contacts/{contact_id}/notes:
    get:
      parameters:
      - {name: contact_id, in: path, required: true, schema: {type: integer}}
  /companies/{id}:
    put:
      responses: {'200': {description: ok}}
components:
  schemas:
    error:
      properties:
        request_id: {type: string, format: uuid}
    contact:
      properties:
        avatar: {type: object, properties: {image_url: {type: string}}}
    CreateTagRequest:
      oneOf: [{type: object}, {type: object}]
`)
	rep := run(t, KnownWireFacts, doc)
	assert.Equal(t, map[string]any{"type": "string", "example": "002d37gmte7nhkf9o4eg"}, at(t, doc, "#/components/schemas/error/properties/request_id"))
	assert.Equal(t, "string", at(t, doc, "#/paths/~1contacts~1{contact_id}~1notes/get/parameters/0/schema/type"))
	assert.NotNil(t, at(t, doc, "#/paths/~1companies~1{id}/put/requestBody/content/application~1json/schema/properties/custom_attributes"))
	assert.NotNil(t, at(t, doc, "#/components/schemas/CreateTagRequest/anyOf"))
	assert.Equal(t, "object", at(t, doc, "#/components/schemas/contact/properties/avatar/type"), "the avatar fact stops at 2.11")
	assert.Equal(t, 4, rep.Count("known-wire-facts"))
}

func TestVersionAtMost(t *testing.T) {
	assert.True(t, versionAtMost("2.10", "2.11"))
	assert.True(t, versionAtMost("2.11", "2.11"))
	assert.False(t, versionAtMost("2.12", "2.11"))
	assert.False(t, versionAtMost("Unstable", "2.11"))
}

func TestOptionalResponseProperties(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /c:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/req'}
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/company'}
components:
  schemas:
    req: {type: object, required: [name], properties: {name: {type: string}}}
    company:
      type: object
      required: [size, plan]
      properties:
        size: {type: integer}
        plan: {$ref: '#/components/schemas/plan'}
    plan: {type: object, required: [id], properties: {id: {type: string}}}
`)
	rep := run(t, OptionalResponseProperties, doc)
	assert.Nil(t, at(t, doc, "#/components/schemas/company").(map[string]any)["required"])
	assert.Nil(t, at(t, doc, "#/components/schemas/plan").(map[string]any)["required"], "reached through a reference")
	assert.Equal(t, []any{"name"}, at(t, doc, "#/components/schemas/req").(map[string]any)["required"], "request-only schemas keep their flags")
	assert.Equal(t, 2, rep.Count("optional-response-properties"))
}

func TestSchemaExampleDrift(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /conversations:
    get:
      operationId: listConversations
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/paginated_response'}
              examples:
                ok:
                  value: {type: conversation.list, conversations: [{type: conversation, id: "1"}], pages: {next: null}}
  /jobs:
    get:
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/job'}
              example: {job_identifier: abc, status: 3}
components:
  schemas:
    paginated_response:
      type: object
      properties:
        type: {type: string}
        data: {type: array, items: {$ref: '#/components/schemas/news_item'}}
        pages: {type: object}
    news_item: {type: object, properties: {type: {type: string, enum: [news-item]}, id: {type: string}}}
    conversation: {type: object, properties: {type: {type: string}, id: {type: string}}}
    job:
      type: object
      properties:
        job_identfier: {type: string}
        status: {type: string}
`)
	rep := run(t, SchemaExampleDrift, doc)
	conv := at(t, doc, "#/components/schemas/paginated_response/properties/conversations").(map[string]any)
	assert.Equal(t, "array", conv["type"])
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/conversation"}, conv["items"], "items typed by their type field")
	assert.NotNil(t, at(t, doc, "#/components/schemas/paginated_response/properties/data"), "the schema's own property stays")
	assert.Equal(t, "string", at(t, doc, "#/components/schemas/job/properties/job_identifier/type"))
	assert.Equal(t, "integer", at(t, doc, "#/components/schemas/job/properties/status/"+XExampleType))
	assert.Equal(t, 3, rep.Count(ExampleDrift))
	report := DriftReport("9.9", rep)
	assert.Contains(t, report, `the schema spells it "job_identfier"`)
	assert.Contains(t, report, "| `job/properties/status` | type string")
	assert.Contains(t, report, "3 cases.")
}
