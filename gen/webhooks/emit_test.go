package webhooks

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/pipeline"
)

// result is a version with the schemas contact, ticket and data_event, of
// which oapi-codegen made structs of contact and conversation_part only
// (data_event unreferenced; conversation_part missing from the spec).
func result(api string) *pipeline.Result {
	spec := &openapi3.T{Components: &openapi3.Components{Schemas: openapi3.Schemas{
		"contact":    openapi3.NewSchemaRef("", openapi3.NewObjectSchema()),
		"ticket":     openapi3.NewSchemaRef("", openapi3.NewObjectSchema()),
		"data_event": openapi3.NewSchemaRef("", openapi3.NewObjectSchema()),
	}}}
	return &pipeline.Result{Spec: spec, Files: map[string][]byte{"api.gen.go": []byte(api)}}
}

const api = `package v9_9

type Contact struct{ Id string ` + "`json:\"id\"`" + ` }
type ConversationPart struct{}
type Ticket = Contact
`

func TestItemsFollowTheVersion(t *testing.T) {
	items, err := Items(result(api))
	require.NoError(t, err)
	// ticket is an alias here, not a struct; conversation_part is not in
	// the spec; data_event has no type.
	assert.Equal(t, []Item{{Schema: "contact", Type: "Contact"}}, items)
}

func TestEmitWritesCodeThatNamesTheTypes(t *testing.T) {
	r := result(api)
	require.NoError(t, Emit(pipeline.Version{Name: "9.9"}, r))
	code := string(r.Files[CodeFile])
	assert.Contains(t, code, pipeline.Header)
	assert.Contains(t, code, `"contact": func() any { return new(Contact) },`)
	assert.Contains(t, code, `return []string{"contact"}`)
	assert.NotContains(t, code, "Ticket")
	test := string(r.Files[TestFile])
	assert.Contains(t, test, `reflect.TypeFor[*v9_9.Contact]()`)
	assert.Contains(t, test, `intercomtest.WebhookItemExamples("9.9", info.Schema)`)
}

func TestEmitRefusesATakenName(t *testing.T) {
	err := Emit(pipeline.Version{Name: "9.9"}, result(api+"\nfunc DecodeWebhookItem() {}\n"))
	require.ErrorContains(t, err, "DecodeWebhookItem is already taken")
}
