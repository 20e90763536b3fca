package pagecheck

import (
	"iter"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const coverageSpec = `{
  "paths": {
    "/a": {"get": {"operationId": "listA", "responses": {"200": {"$ref": "#/components/responses/AList"}}}},
    "/b": {"post": {"operationId": "findB",
      "requestBody": {"content": {"application/json": {"schema": {"properties": {"pagination": {"type": "object"}}}}}},
      "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/c": {"get": {"operationId": "scrollC", "responses": {"200": {"content": {"application/json": {"schema":
      {"allOf": [{"$ref": "#/components/schemas/scroll"}]}}}}}}},
    "/d": {"get": {"operationId": "getD", "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}}
  },
  "components": {
    "responses": {"AList": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/list"}}}}},
    "schemas": {
      "list": {"properties": {"data": {"type": "array"}, "pages": {"type": "object"}}},
      "scroll": {"properties": {"scroll_param": {"type": "string"}}}
    }
  }
}`

type fakeClient struct{}

func (*fakeClient) ListAPages() iter.Seq2[int, error] { return nil }
func (*fakeClient) ListAAll() iter.Seq2[int, error]   { return nil }
func (*fakeClient) FindBPages() iter.Seq2[int, error] { return nil }
func (*fakeClient) FindBAll() int                     { return 0 }
func (*fakeClient) GetDPages() iter.Seq2[int, error]  { return nil }

func TestPaginated(t *testing.T) {
	got, err := Paginated([]byte(coverageSpec))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"listA": "GET /a", "findB": "POST /b", "scrollC": "GET /c"}, got)
}

func TestProblems(t *testing.T) {
	methods := map[string]string{"listA": "ListA", "findB": "FindB", "scrollC": "ScrollC", "getD": "GetD"}
	problems, err := Problems([]byte(coverageSpec), methods, reflect.TypeFor[*fakeClient]())
	require.NoError(t, err)
	require.Len(t, problems, 4, "%q", problems)
	assert.Contains(t, problems[0], "POST /b (findB) returns a paginated response but the Client has no iterator FindBAll")
	assert.Contains(t, problems[1], "no iterator ScrollCPages")
	assert.Contains(t, problems[2], "no iterator ScrollCAll")
	assert.Contains(t, problems[3], "Client.GetDPages iterates over GetD, which the spec does not describe as paginated")

	_, err = Problems([]byte(`{"paths":{}}`), methods, reflect.TypeFor[*fakeClient]())
	require.Error(t, err, "a spec without paginated operations means the detector is broken")
	_, err = Paginated([]byte(`{`))
	require.Error(t, err)
}
