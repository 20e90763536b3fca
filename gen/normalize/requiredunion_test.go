package normalize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequiredBesideUnionMovesIntoBranches(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths: {}
components:
  schemas:
    shared: {type: object, properties: {data_type: {type: string}}}
    create_request:
      type: object
      properties:
        name: {type: string}
        model: {type: string, enum: [contact, company]}
      required: [name, model, data_type]
      oneOf:
      - properties: {data_type: {enum: [options]}, options: {type: array, items: {type: string}}}
        required: [options]
      - $ref: '#/components/schemas/shared'
    plain:
      type: object
      properties: {name: {type: string}}
      required: [name]
`)
	r := run(t, RequiredBesideUnion, doc)
	require.Len(t, r.Findings, 1)
	s := at(t, doc, "#/components/schemas/create_request").(map[string]any)
	assert.NotContains(t, s, "required")
	assert.Equal(t, []any{"options", "name", "model", "data_type"}, at(t, doc, "#/components/schemas/create_request/oneOf/0/required"))
	assert.Equal(t, []any{"name", "model", "data_type"}, at(t, doc, "#/components/schemas/create_request/oneOf/1/required"))
	assert.Equal(t, "#/components/schemas/shared", at(t, doc, "#/components/schemas/create_request/oneOf/1/allOf/0/$ref"), "a shared branch is wrapped, not changed")
	assert.NotContains(t, at(t, doc, "#/components/schemas/shared").(map[string]any), "required")
	assert.Equal(t, []any{"name"}, at(t, doc, "#/components/schemas/plain/required"), "no union, no change")
}
