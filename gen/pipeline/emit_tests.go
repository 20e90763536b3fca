package pipeline

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

func init() { coreEmitters = append(coreEmitters, emitClientTest) }

// unionCall is one operation whose JSON body is an anyOf/oneOf union.
type unionCall struct {
	Method   string // Go method name
	BodyType string // Go type of the body
	Args     string // literal arguments between ctx and body
	Result   bool   // the method returns a body besides the error
}

var clientTestTemplate = template.Must(template.New("clienttest").Parse(Header + `

package {{.Package}}_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/versions/{{.Package}}"
	"github.com/intercomgo/intercom/versions/{{.Package}}/spec"
)

// methods lists the Client method of every operation in the spec.
var methods = map[string]string{
{{- range .Methods}}
	{{printf "%q" .OperationID}}: {{printf "%q" .Name}},
{{- end}}
}

// TestEveryOperationHasAMethod counts the operations of the embedded spec
// independently of the generator and checks that each has a typed method.
func TestEveryOperationHasAMethod(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage ` + "`json:\"paths\"`" + `
	}
	require.NoError(t, json.Unmarshal(spec.JSON, &doc))
	ops := 0
	client := reflect.TypeOf(&{{.Package}}.Client{})
	for path, item := range doc.Paths {
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
			default:
				continue
			}
			var op struct {
				OperationID string ` + "`json:\"operationId\"`" + `
			}
			require.NoError(t, json.Unmarshal(raw, &op))
			ops++
			name, ok := methods[op.OperationID]
			if assert.True(t, ok, "%s %s (%s) has no method", method, path, op.OperationID) {
				_, ok = client.MethodByName(name)
				assert.True(t, ok, "Client has no method %s", name)
			}
		}
	}
	assert.Equal(t, {{.Count}}, ops, "operations in the spec")
	assert.Len(t, methods, ops, "methods generated")
}

// TestUnionBodiesAreSentAsSet sends every anyOf/oneOf request body through
// its typed method and checks that the server receives what was set, not
// the "{}" a lost MarshalJSON would send.
func TestUnionBodiesAreSentAsSet(t *testing.T) {
	const sent = ` + "`" + `{"probe":"kept","n":1}` + "`" + `
	var received []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	c, err := {{.Package}}.NewClient(intercom.WithToken("test-token"), intercom.WithBaseURL(srv.URL), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	ctx := context.Background()
	calls := map[string]func() error{
{{- range .Unions}}
		{{printf "%q" .Method}}: func() error {
			var body {{$.Package}}.{{.BodyType}}
			if err := json.Unmarshal([]byte(sent), &body); err != nil {
				return err
			}
			{{if .Result}}_, err := {{else}}err := {{end}}c.{{.Method}}(ctx{{.Args}}, body)
			return err
		},
{{- end}}
	}
	assert.Len(t, calls, {{len .Unions}})
	for name, call := range calls {
		received = nil
		_ = call() // the answer does not matter; the request does
		assert.JSONEq(t, sent, string(received), "%s sent a different body", name)
	}
}
`))

func emitClientTest(v Version, r *Result) error {
	methods, err := Methods(r)
	if err != nil {
		return err
	}
	hasResult := map[string]bool{}
	for _, m := range methods {
		hasResult[m.Name] = m.ReturnsValue()
	}
	var unions []unionCall
	for i := range r.Operations {
		op := &r.Operations[i]
		if !op.HasBody() || !isUnionBody(op) {
			continue
		}
		args := ""
		for _, p := range op.PathParams {
			args += ", " + zeroLiteral(p.TypeDef())
		}
		if op.RequiresParamObject() {
			args += ", nil"
		}
		unions = append(unions, unionCall{Method: op.OperationId, BodyType: op.OperationId + "JSONRequestBody", Args: args, Result: hasResult[op.OperationId]})
	}
	var buf bytes.Buffer
	err = clientTestTemplate.Execute(&buf, map[string]any{
		"Package": v.Package(),
		"Methods": methods,
		"Count":   len(methods),
		"Unions":  unions,
	})
	if err != nil {
		return err
	}
	return r.AddGo("client_gen_test.go", buf.Bytes())
}

// isUnionBody reports whether an operation's JSON body is an anyOf/oneOf.
func isUnionBody(op *codegen.OperationDefinition) bool {
	if op.Spec == nil || op.Spec.RequestBody == nil || op.Spec.RequestBody.Value == nil {
		return false
	}
	for mt, media := range op.Spec.RequestBody.Value.Content {
		if !strings.Contains(mt, "json") || media.Schema == nil || media.Schema.Value == nil {
			continue
		}
		if isUnion(media.Schema.Value) {
			return true
		}
	}
	return false
}

func isUnion(s *openapi3.Schema) bool { return len(s.AnyOf) > 0 || len(s.OneOf) > 0 }

// zeroLiteral returns a valid argument for a path parameter of a Go type.
func zeroLiteral(goType string) string {
	switch goType {
	case "string":
		return `"x"`
	case "int", "int32", "int64", "float32", "float64":
		return "1"
	case "bool":
		return "true"
	default:
		return fmt.Sprintf("*new(%s)", goType)
	}
}
