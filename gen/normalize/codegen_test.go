package normalize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStripVersionHeaderRemovesParameterAndItsSchema(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /me:
    get:
      operationId: identify
      parameters:
      - name: intercom-version
        in: header
        schema:
          $ref: '#/components/schemas/intercom_version'
      responses: {}
  /contacts/{id}:
    parameters:
    - $ref: '#/components/parameters/version'
    get:
      operationId: showContact
      parameters:
      - name: id
        in: path
        required: true
        schema: {type: string}
      - name: Intercom-Version
        in: query
        schema: {type: string}
      responses: {}
components:
  parameters:
    version:
      name: Intercom-Version
      in: header
      schema:
        $ref: '#/components/schemas/intercom_version'
  schemas:
    intercom_version:
      type: string
      enum: ['2.11', '2.12']
    kept:
      type: string
`)
	r := run(t, StripVersionHeader, doc)
	assert.NotContains(t, at(t, doc, "#/paths/~1me/get"), "parameters", "an operation left without parameters has none")
	assert.NotContains(t, at(t, doc, "#/paths/~1contacts~1{id}"), "parameters")
	params := at(t, doc, "#/paths/~1contacts~1{id}/get/parameters").([]any)
	require.Len(t, params, 2, "the path parameter and a query parameter of the same name stay")
	assert.NotContains(t, at(t, doc, "#/components/parameters"), "version")
	schemas := at(t, doc, "#/components/schemas").(map[string]any)
	assert.NotContains(t, schemas, "intercom_version", "a schema only the header used goes with it")
	assert.Contains(t, schemas, "kept")
	assert.Equal(t, 4, r.Count("strip-version-header"))
}

func TestStripVersionHeaderKeepsASchemaStillInUse(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /me:
    get:
      parameters:
      - name: Intercom-Version
        in: header
        schema:
          $ref: '#/components/schemas/intercom_version'
      responses: {}
components:
  schemas:
    intercom_version: {type: string}
    app:
      type: object
      properties:
        version:
          $ref: '#/components/schemas/intercom_version'
`)
	run(t, StripVersionHeader, doc)
	assert.Contains(t, at(t, doc, "#/components/schemas"), "intercom_version")
}

func TestEnumSymbolNamesNameOperators(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    filter:
      type: object
      properties:
        operator: {type: string, enum: ['=', '!=', 'IN', '!~', '$', 'custom op']}
        state: {type: string, enum: [open, closed]}
`)
	run(t, EnumSymbolNames, doc)
	assert.Equal(t, []any{"Equals", "NotEquals", "In", "NotContains", "EndsWith", "CustomOp"},
		at(t, doc, "#/components/schemas/filter/properties/operator/x-enum-varnames"))
	assert.NotContains(t, at(t, doc, "#/components/schemas/filter/properties/state"), "x-enum-varnames", "word values keep oapi-codegen's names")
}

func TestNameShapesNamesUnionsVariantsAndBodies(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /c:
    post:
      operationId: createThing
      responses:
        '200':
          content:
            application/json:
              schema:
                allOf: [{$ref: '#/components/schemas/thing'}]
                properties:
                  extra: {type: boolean}
    get:
      operationId: listThings
      responses:
        '200':
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}}
components:
  schemas:
    thing:
      type: object
      properties: {id: {type: string}}
    filter:
      type: object
      properties:
        value:
          oneOf:
          - {type: string}
          - {type: array, items: {type: integer}}
          - {title: By Email, properties: {email: {type: string}}}
        single:
          oneOf: [{$ref: '#/components/schemas/thing'}]
    event:
      type: object
      properties: {id: {type: string}, email: {type: string}}
      anyOf:
      - {title: id required, required: [id]}
      - {title: email required, required: [email]}
`)
	run(t, NameShapes, doc)
	assert.Equal(t, "#/components/schemas/FilterValue", at(t, doc, "#/components/schemas/filter/properties/value/$ref"))
	variants := at(t, doc, "#/components/schemas/FilterValue/oneOf").([]any)
	var refs []any
	for _, v := range variants {
		refs = append(refs, v.(map[string]any)["$ref"])
	}
	assert.Equal(t, []any{"#/components/schemas/FilterValueString", "#/components/schemas/FilterValueIntList", "#/components/schemas/FilterValueByEmail"}, refs)
	assert.Equal(t, "#/components/schemas/thing", at(t, doc, "#/components/schemas/filter/properties/single/$ref"), "a one-variant union is its variant")
	assert.NotContains(t, at(t, doc, "#/components/schemas/event"), "anyOf", "required-only variants leave the Go type")
	assert.Equal(t, "#/components/schemas/CreateThingResponse", at(t, doc, "#/paths/~1c/post/responses/200/content/application~1json/schema/$ref"))
	assert.Equal(t, "#/components/schemas/thing", at(t, doc, "#/paths/~1c/get/responses/200/content/application~1json/schema/$ref"), "a body equal to a component reuses it")
}

func TestNameShapesNamesErrorBodiesByStatus(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /csat:
    post:
      operationId: submitRating
      responses:
        '422':
          content:
            application/json:
              schema:
                type: object
                properties:
                  errors: {type: object, additionalProperties: {type: string}}
        '4XX':
          content:
            application/json:
              schema:
                type: object
                properties: {reason: {type: string}}
        '400':
          content:
            application/json:
              schema: {type: object, additionalProperties: {type: string}}
        '200':
          content:
            application/json:
              schema:
                type: object
                properties: {status: {type: string}}
components:
  schemas: {}
`)
	run(t, NameShapes, doc)
	body := func(code string) any {
		return at(t, doc, "#/paths/~1csat/post/responses/"+code+"/content/application~1json/schema")
	}
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/SubmitRatingResponse"}, body("200"), "the success body keeps the plain name")
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/SubmitRatingUnprocessableEntityResponse"}, body("422"))
	assert.Equal(t, map[string]any{"$ref": "#/components/schemas/SubmitRatingClientErrorResponse"}, body("4XX"))
	assert.NotContains(t, body("400"), "$ref", "a map body stays a map")
}
