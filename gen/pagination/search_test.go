package pagination

import (
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/stretchr/testify/assert"
)

func TestSearchArgsAcceptOptionalParams(t *testing.T) {
	for _, c := range []struct {
		args                   string
		onlyOptional           bool
		wantParams, wantSearch bool
	}{
		{"body SearchContactsJSONRequestBody", true, false, true},
		{"params *SearchContactsParams, body SearchContactsJSONRequestBody", true, true, true},
		{"params *SearchContactsParams, body SearchContactsJSONRequestBody", false, false, false},
		{"id string, body SearchContactsJSONRequestBody", true, false, false},
		{"params *SearchContactsParams", true, false, false},
		{"", true, false, false},
	} {
		params, ok := searchArgs(c.args, c.onlyOptional)
		assert.Equal(t, c.wantSearch, ok, c.args)
		assert.Equal(t, c.wantParams, params, c.args)
	}
}

func TestOnlyOptionalParams(t *testing.T) {
	op := &codegen.OperationDefinition{QueryParams: []codegen.ParameterDefinition{{ParamName: "include_monitors"}}}
	assert.True(t, onlyOptionalParams(op))
	op.HeaderParams = []codegen.ParameterDefinition{{ParamName: "X-Tenant", Required: true}}
	assert.False(t, onlyOptionalParams(op))
}
