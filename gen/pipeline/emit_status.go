package pipeline

import (
	"bytes"
	"text/template"

	"github.com/intercomgo/intercom/gen/normalize"
)

func init() { coreEmitters = append(coreEmitters, emitStatusTest, emitDriftReport) }

// DriftReportFile lists where the version's response schemas disagree
// with the spec's own examples, and what the generator did about it.
const DriftReportFile = "schema-examples.md"

func emitDriftReport(v Version, r *Result) error {
	r.Files[DriftReportFile] = []byte(normalize.DriftReport(v.Name, r.Report))
	return nil
}

// StatusTestFile is the generated test that sends every operation each
// error status with several bodies.
const StatusTestFile = "status_gen_test.go"

var statusTestTemplate = template.Must(template.New("status").Parse(Header + `

package {{.Package}}_test

import (
	"testing"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pipeline/statuscheck"
	"github.com/intercomgo/intercom/versions/{{.Package}}"
)

// TestEveryOperationReturnsTypedErrors sends every operation each of the
// statuses in statuscheck.Statuses, with an Intercom error list carrying a
// non-UUID request id, with an empty body and with an HTML page, retries
// off, and expects an *intercom.Error with that status every time.
func TestEveryOperationReturnsTypedErrors(t *testing.T) {
	statuscheck.Run(t, func(baseURL string) (any, error) {
		return {{.Package}}.NewClient(intercom.WithToken("test-token"), intercom.WithBaseURL(baseURL), intercom.WithMaxRetries(0))
	}, []string{
{{- range .Methods}}
		"{{.Name}}",
{{- end}}
	})
}
`))

func emitStatusTest(v Version, r *Result) error {
	methods, err := Methods(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := statusTestTemplate.Execute(&buf, map[string]any{"Package": v.Package(), "Methods": methods}); err != nil {
		return err
	}
	return r.AddGo(StatusTestFile, buf.Bytes())
}
