package oas

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// TestEveryDocumentedAnswerIsValid checks, through kin-openapi's response
// validator, that the answer built for every operation of every version
// satisfies the description, whether it came from an example or from the
// schema.
func TestEveryDocumentedAnswerIsValid(t *testing.T) {
	for _, v := range versions.All {
		doc, err := Load(v.Name)
		require.NoError(t, err)
		require.NotEmpty(t, doc.Operations)
		fromSchema := 0
		for _, op := range doc.Operations {
			a, err := op.SuccessAnswer()
			require.NoError(t, err, "%s %s", v.Name, op.ID)
			if a.Sample.FromSchema() {
				fromSchema++
			}
			req := httptest.NewRequest(op.Method, "/", nil)
			opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, SchemaValidationOptions: FormatOptions()}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{
					Request: req,
					Route:   &routers.Route{Spec: doc.T, Path: op.Path, PathItem: op.Item, Method: op.Method, Operation: op.Op},
					Options: opts,
				},
				Status:  a.Status,
				Header:  http.Header{"Content-Type": {a.ContentType}},
				Body:    io.NopCloser(bytes.NewReader(a.Body)),
				Options: opts,
			}
			if a.ContentType == "" {
				in.Header = http.Header{}
			}
			assert.NoError(t, openapi3filter.ValidateResponse(context.Background(), in), "%s %s (%s)", v.Name, op.ID, a.Sample.Source)
		}
		t.Logf("%s: %d operations, %d answers built from the schema", v.Name, len(doc.Operations), fromSchema)
	}
}

func TestLoad(t *testing.T) {
	a, err := Load("2.11")
	require.NoError(t, err)
	b, err := Load("v2_11")
	require.NoError(t, err)
	assert.Same(t, a, b, "loaded once")
	assert.Equal(t, "2.11", a.Version)
	op, ok := a.Operation("identifyAdmin")
	require.True(t, ok)
	assert.Equal(t, "GET", op.Method)
	assert.Equal(t, "/me", op.Path)

	_, err = Load("1.0")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2.10, 2.11, 2.12")
}

const tinySpec = `{
  "openapi": "3.0.1",
  "info": {"title": "t", "version": "1"},
  "servers": [{"url": "https://api.example.com"}],
  "paths": {
    "/things/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "example": "abc"}],
      "get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}},
      "delete": {"responses": {"204": {"description": "gone"}}}
    },
    "/things": {
      "post": {
        "operationId": "makeThing",
        "requestBody": {"content": {"application/json": {
          "schema": {"$ref": "#/components/schemas/Thing"},
          "examples": {
            "a_bad": {"value": {"name": 5}},
            "b_extra": {"value": {"name": "xxx", "bogus": true}},
            "c_good": {"value": {"name": "yyy"}}
          }
        }}},
        "responses": {"201": {"description": "made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
      }
    }
  },
  "components": {"schemas": {
    "Thing": {
      "type": "object",
      "required": ["name", "kind", "undeclared"],
      "properties": {
        "name": {"type": "string", "minLength": 3, "maxLength": 5},
        "id": {"type": "string", "readOnly": true},
        "secret": {"type": "string", "writeOnly": true},
        "kind": {"type": "string", "enum": ["small", "large"]},
        "count": {"type": "integer", "minimum": 10, "exclusiveMinimum": true, "multipleOf": 4},
        "ratio": {"type": "number", "maximum": 1},
        "when": {"type": "string", "format": "date-time"},
        "mail": {"type": "string", "format": "email"},
        "uid": {"type": "string", "format": "uuid"},
        "tags": {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
        "maybe": {"type": "string", "nullable": true},
        "child": {"$ref": "#/components/schemas/Thing"},
        "pet": {"$ref": "#/components/schemas/Pet"},
        "both": {"allOf": [
          {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
          {"type": "object", "required": ["b"], "properties": {"b": {"type": "boolean"}}}
        ]}
      }
    },
    "Pet": {
      "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
      "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}
    },
    "Cat": {"type": "object", "required": ["kind", "claws"], "properties": {"kind": {"type": "string"}, "claws": {"type": "integer"}}},
    "Dog": {"type": "object", "required": ["kind", "bark"], "properties": {"kind": {"type": "string"}, "bark": {"type": "string"}}},
    "Impossible": {"type": "string", "pattern": "^[0-9]{3}$"}
  }}
}`

func tiny(t *testing.T) *Doc {
	t.Helper()
	d, err := Parse("tiny", []byte(tinySpec))
	require.NoError(t, err)
	return d
}

func TestGenerateSatisfiesTheSchema(t *testing.T) {
	d := tiny(t)
	thing := d.T.Components.Schemas["Thing"].Value
	for _, dir := range []Direction{Request, Response} {
		v, err := Generate(thing, dir)
		require.NoError(t, err, dir)
		m := v.(map[string]any)
		assert.Contains(t, m, "undeclared", "a required name is present even when undeclared")
		assert.Contains(t, []any{"small", "large"}, m["kind"])
		assert.Equal(t, float64(12), m["count"], "above an exclusive 10, a multiple of 4")
		assert.LessOrEqual(t, m["ratio"].(float64), 1.0)
		assert.Len(t, m["tags"], 2)
		assert.Equal(t, "examp", m["name"], "cut to the length bounds")
		assert.Contains(t, m["pet"], "claws", "the discriminator picks the first branch")
		assert.Equal(t, "cat", m["pet"].(map[string]any)["kind"])
		assert.Equal(t, map[string]any{"a": "example", "b": true}, m["both"], "allOf merges the branches")
		if dir == Request {
			assert.NotContains(t, m, "id", "readOnly is not sent")
			assert.Contains(t, m, "secret")
		} else {
			assert.NotContains(t, m, "secret", "writeOnly is not answered")
			assert.Contains(t, m, "id")
		}
		// The recursion through child stops.
		depth := 0
		for c, ok := m["child"].(map[string]any); ok; c, ok = c["child"].(map[string]any) {
			depth++
		}
		assert.LessOrEqual(t, depth, maxDepth)
		assert.Equal(t, "example", m["maybe"], "a nullable value is filled in, not null")
		assert.Equal(t, "2024-05-01T12:00:00Z", m["when"])
		assert.Equal(t, map[string]any{"key0": float64(1)}, m["labels"])
	}
}

func TestGenerateFailsForAnUnsatisfiableSchema(t *testing.T) {
	d := tiny(t)
	_, err := Generate(d.T.Components.Schemas["Impossible"].Value, Request)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no value built satisfies the request schema")
	assert.Contains(t, err.Error(), "regular expression")
}

func TestFromMediaPrefersValidExamplesThatStickToTheSchema(t *testing.T) {
	d := tiny(t)
	op, ok := d.Operation("makeThing")
	require.True(t, ok)
	_, mt := JSONMedia(op.Op.RequestBody.Value.Content)
	require.NotNil(t, mt)
	// The examples all lack the required kind, so none is valid...
	s, err := FromMedia(mt, Request)
	require.NoError(t, err)
	assert.True(t, s.FromSchema())
	require.Len(t, s.Rejected, 3)
	assert.Contains(t, s.Rejected[0], `example "a_bad": /name: value must be a string`)

	// ...until the schema no longer requires it.
	schema := *mt.Schema.Value
	schema.Required = []string{"name"}
	mt2 := *mt
	mt2.Schema = &openapi3.SchemaRef{Value: &schema}
	s, err = FromMedia(&mt2, Request)
	require.NoError(t, err)
	assert.Equal(t, `example "c_good"`, s.Source, "the valid example without undeclared keys wins over b_extra")
	assert.Equal(t, map[string]any{"name": "yyy"}, s.Value)
	assert.Len(t, s.Rejected, 1)
}

func TestFromParameterRejectsABadExample(t *testing.T) {
	d := tiny(t)
	op, ok := d.Operation("getThing")
	require.True(t, ok)
	params := op.Parameters()
	require.Len(t, params, 1, "the path item's parameter applies")
	s, err := FromParameter(params[0])
	require.NoError(t, err)
	assert.Equal(t, float64(1), s.Value)
	assert.Equal(t, []string{"example: /: value must be an integer"}, s.Rejected)
}

func TestSuccessAnswer(t *testing.T) {
	d := tiny(t)
	op, _ := d.Operation("makeThing")
	a, err := op.SuccessAnswer()
	require.NoError(t, err)
	assert.Equal(t, 201, a.Status)
	assert.Equal(t, "application/json", a.ContentType)
	assert.True(t, json.Valid(a.Body))

	del, ok := d.Operation("DELETE /things/{id}")
	require.True(t, ok, "an operation without operationId is named by method and path")
	a, err = del.SuccessAnswer()
	require.NoError(t, err)
	assert.Equal(t, 204, a.Status)
	assert.Nil(t, a.Body)
}

func TestRoutingIgnoresServersAndFindsMethods(t *testing.T) {
	d := tiny(t)
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:9/things/7", nil)
	route, params, err := d.Router.FindRoute(req)
	require.NoError(t, err)
	assert.Equal(t, "getThing", route.Operation.OperationID)
	assert.Equal(t, "7", params["id"])

	req = httptest.NewRequest(http.MethodPut, "/things/7", nil)
	_, _, err = d.Router.FindRoute(req)
	require.Error(t, err)
	assert.Equal(t, []string{"GET", "DELETE"}, d.Methods(req))
	assert.Empty(t, d.Methods(httptest.NewRequest(http.MethodGet, "/nothing", nil)))
}

func TestParseRejectsDuplicateOperationIDs(t *testing.T) {
	spec := strings.Replace(tinySpec, `"operationId": "makeThing"`, `"operationId": "getThing"`, 1)
	_, err := Parse("tiny", []byte(spec))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"getThing"`)
}

func TestUndeclaredAndDeclared(t *testing.T) {
	d := tiny(t)
	thing := d.T.Components.Schemas["Thing"].Value
	v := map[string]any{
		"name":   "abc",
		"bogus":  1,
		"labels": map[string]any{"free": 1},
		"child":  map[string]any{"name": "x", "junk": true},
		"pet":    map[string]any{"kind": "cat", "anything": "kept: a union keeps its raw JSON"},
		"tags":   []any{"a"},
	}
	assert.Equal(t, []string{"/bogus", "/child/junk"}, Undeclared(thing, v))
	got := Declared(thing, v).(map[string]any)
	assert.NotContains(t, got, "bogus")
	assert.NotContains(t, got["child"], "junk")
	assert.Contains(t, got["labels"], "free")
	assert.Contains(t, got["pet"], "anything")
	assert.Contains(t, v, "bogus", "the input is not changed")
}

func TestMessage(t *testing.T) {
	d := tiny(t)
	thing := d.T.Components.Schemas["Thing"].Value
	err := Validate(thing, map[string]any{"name": "abcd", "kind": "small", "undeclared": 1, "labels": map[string]any{"a/b": "x"}}, Request)
	require.Error(t, err)
	assert.Equal(t, []string{"/labels/a~1b: value must be an integer"}, Problems(err))

	err = Validate(thing, map[string]any{"name": "abcd", "kind": "small", "undeclared": 1, "pet": map[string]any{"kind": "dog"}}, Request)
	require.Error(t, err)
	p := Problems(err)
	require.Len(t, p, 1)
	assert.Contains(t, p[0], `/pet`)
	assert.Contains(t, p[0], `"bark" is missing`, "a oneOf says why its branch failed")

	err = Validate(thing, map[string]any{"name": "abcd", "kind": "small", "undeclared": 1, "mail": "nope", "uid": "1234"}, Request)
	require.Error(t, err)
	assert.Len(t, Problems(err), 2, "email and uuid formats are checked")
}
