// Package conformance generates, into every version package, the table the
// conformance suite (package intercomtest/conformance) drives: for each
// operation, a thin adapter that decodes JSON inputs (or, for an upload, a
// multipart form) into the typed method's arguments and calls it. Importing the package registers the
// emitter with the pipeline.
package conformance

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/intercomgo/intercom/gen/pipeline"
)

// FileName is the test file written into each version package.
const FileName = "conformance_gen_test.go"

func init() {
	pipeline.Emitters = append(pipeline.Emitters, Emit)
}

// call is one row of the generated table.
type call struct {
	OperationID string
	Method      string
	Result      bool
	Stream      bool // the method returns an io.ReadCloser
	// Decls declare the variables the arguments decode into; Decodes fill
	// them; Args pass them to the method.
	Decls   []string
	Decodes []string
	Args    string
}

var tmpl = template.Must(template.New("conformance").Parse(pipeline.Header + `

package {{.Package}}

import (
	"context"
	"errors"
	"testing"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/conformance"
)

// TestConformance calls each of the {{len .Calls}} operations of API version {{.Version}}
// through the typed Client, with a valid request built from the
// description, against the fake server and against Prism.
func TestConformance(t *testing.T) {
	conformance.Run(t, APIVersion, NewClient, conformanceCalls)
}

// conformanceCalls adapts every method of Client to the suite, keyed by
// operationId.
var conformanceCalls = map[string]conformance.Call[*Client]{
{{- range .Calls}}
	{{printf "%q" .OperationID}}: {Method: {{printf "%q" .Method}}, Result: {{.Result}}, Do: func(ctx context.Context, c *Client, in *conformance.Input) (any, error) {
	{{- range .Decls}}
		{{.}}
	{{- end}}
	{{- if .Decodes}}
		if err := errors.Join({{range $i, $d := .Decodes}}{{if $i}}, {{end}}{{$d}}{{end}}); err != nil {
			return nil, err
		}
	{{- end}}
		{{if .Result}}return conformance.Result(c.{{.Method}}(ctx{{.Args}})){{else if .Stream}}return nil, conformance.Stream(c.{{.Method}}(ctx{{.Args}})){{else}}return nil, c.{{.Method}}(ctx{{.Args}}){{end}}
	}},
{{- end}}
}
`))

// Emit writes the conformance table of one version.
func Emit(v pipeline.Version, r *pipeline.Result) error {
	methods, err := pipeline.Methods(r)
	if err != nil {
		return err
	}
	byName := map[string]pipeline.Method{}
	for _, m := range methods {
		byName[m.Name] = m
	}
	var calls []call
	for i := range r.Operations {
		op := &r.Operations[i]
		m, ok := byName[op.OperationId]
		if !ok {
			return fmt.Errorf("conformance: operation %s has no typed method", op.OperationId)
		}
		c, err := adapter(op, m)
		if err != nil {
			return fmt.Errorf("conformance: operation %s: %w", m.OperationID, err)
		}
		calls = append(calls, c)
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, map[string]any{"Package": v.Package(), "Version": v.Name, "Calls": calls})
	if err != nil {
		return err
	}
	return r.AddGo(FileName, buf.Bytes())
}

// adapter derives one row from oapi-codegen's view of the operation, in the
// order the typed method takes its arguments: path parameters, the params
// struct, the body.
func adapter(op *codegen.OperationDefinition, m pipeline.Method) (call, error) {
	c := call{OperationID: m.OperationID, Method: m.Name, Result: m.Result != "", Stream: m.Stream != ""}
	var args []string
	for i, p := range op.PathParams {
		name := fmt.Sprintf("p%d", i)
		c.Decls = append(c.Decls, fmt.Sprintf("var %s %s", name, p.TypeDef()))
		c.Decodes = append(c.Decodes, fmt.Sprintf("in.Path(%q, &%s)", p.ParamName, name))
		args = append(args, name)
	}
	if op.RequiresParamObject() {
		c.Decls = append(c.Decls, fmt.Sprintf("var params %sParams", op.OperationId))
		c.Decodes = append(c.Decodes, "in.Params(&params)")
		args = append(args, "&params")
	}
	if op.HasBody() {
		// The body the typed method takes: JSON when the operation
		// accepts it, else a multipart form built from the schema.
		switch body := pipeline.JSONBody(op); {
		case body != nil:
			c.Decls = append(c.Decls, fmt.Sprintf("var body %s%sRequestBody", op.OperationId, body.NameTag))
			c.Decodes = append(c.Decodes, "in.Body(&body)")
			args = append(args, "body")
		case pipeline.HasMultipartBody(op):
			c.Decls = append(c.Decls, "var body intercom.MultipartBody")
			c.Decodes = append(c.Decodes, "in.Multipart(&body)")
			args = append(args, "&body")
		default:
			return c, fmt.Errorf("no JSON or multipart/form-data request body the client can send")
		}
	}
	if accept := acceptFor(op); accept != "" {
		// The transport asks for JSON unless told otherwise; an operation
		// whose success body is text or a file must ask for that.
		args = append(args, fmt.Sprintf("intercom.WithHeader(\"Accept\", %q)", accept))
	}
	if len(args) > 0 {
		c.Args = ", " + strings.Join(args, ", ")
	}
	return c, nil
}

// acceptFor returns the Accept header for an operation whose success
// answer is not JSON (text, a file): its media types, then JSON for the
// error answers. It is "" for an operation that answers JSON or nothing.
func acceptFor(op *codegen.OperationDefinition) string {
	if op.Spec == nil || op.Spec.Responses == nil {
		return ""
	}
	var types []string
	for code, ref := range op.Spec.Responses.Map() {
		if !strings.HasPrefix(code, "2") || ref.Value == nil {
			continue
		}
		for mt := range ref.Value.Content {
			if strings.Contains(mt, "json") {
				return ""
			}
			types = append(types, mt)
		}
	}
	if len(types) == 0 {
		return ""
	}
	sort.Strings(types)
	return strings.Join(types, ", ") + ", application/json;q=0.5"
}
