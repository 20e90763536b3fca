package normalize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMissingOperationIDIsMadeFromMethodAndPath(t *testing.T) {
	doc := parse(t, `
openapi: 3.0.1
paths:
  /export/reporting_data/{job_identifier}:
    get: {responses: {'200': {description: ok}}}
  /export/reporting_data/enqueue:
    post: {responses: {'200': {description: ok}}}
  /things:
    get: {operationId: getThings, responses: {'200': {description: ok}}}
  /Things:
    get: {responses: {'200': {description: ok}}}
`)
	r := run(t, MissingOperationID, doc)
	require.Len(t, r.Findings, 3)
	assert.Equal(t, "getExportReportingDataByJobIdentifier", at(t, doc, "#/paths/~1export~1reporting_data~1{job_identifier}/get/operationId"))
	assert.Equal(t, "postExportReportingDataEnqueue", at(t, doc, "#/paths/~1export~1reporting_data~1enqueue/post/operationId"))
	assert.Equal(t, "getThings", at(t, doc, "#/paths/~1things/get/operationId"), "an operationId given is kept")
	assert.Equal(t, "getThings2", at(t, doc, "#/paths/~1Things/get/operationId"), "a taken name gets a suffix")

	again := run(t, MissingOperationID, doc)
	assert.Empty(t, again.Findings, "stable: a second run changes nothing")
}
