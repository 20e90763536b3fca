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
