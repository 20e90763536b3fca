package pipeline

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// coreEmitters write the files every version package has besides
// oapi-codegen's api.gen.go.
var coreEmitters = []Emitter{emitDoc, emitClient, emitSpec}

// Method describes one typed method of the generated Client.
type Method struct {
	Name        string // Go name, from oapi-codegen
	OperationID string // as in the spec
	HTTPMethod  string
	Path        string
	Summary     string
	Deprecated  bool
	// Args is the parameter list after ctx, without the trailing
	// request editors: path parameters, params, body.
	Args string
	// CallArgs passes Args on to the raw client.
	CallArgs string
	// RawCall is the ClientWithResponses method called.
	RawCall string
	// Result is the Go type of the success body ("" when the operation
	// has no JSON success body); Fields are the response fields that hold
	// it, one per 2xx status.
	Result string
	Fields []string
	// BodySuffix is the request-body suffix ("JSON") or "" without body.
	BodySuffix string
}

// Methods derives the typed methods of a version's Client from
// oapi-codegen's operation definitions.
func Methods(r *Result) ([]Method, error) {
	var out []Method
	for i := range r.Operations {
		op := &r.Operations[i]
		m := Method{
			Name:        op.OperationId,
			OperationID: specOperationID(op),
			HTTPMethod:  op.Method,
			Path:        op.Path,
			Summary:     op.Summary,
			Deprecated:  op.Spec != nil && op.Spec.Deprecated,
			RawCall:     op.OperationId + "WithResponse",
		}
		var args, call []string
		for _, p := range op.PathParams {
			args = append(args, p.GoVariableName()+" "+p.TypeDef())
			call = append(call, p.GoVariableName())
		}
		if op.RequiresParamObject() {
			args = append(args, "params *"+op.OperationId+"Params")
			call = append(call, "params")
		}
		if op.HasBody() {
			body := JSONBody(op)
			if body == nil {
				return nil, fmt.Errorf("operation %s: no JSON request body the client can send (content types: %s)", op.SpecOperationId, bodyTypes(op))
			}
			m.BodySuffix = body.Suffix()
			m.RawCall = op.OperationId + body.Suffix() + "WithResponse"
			args = append(args, "body "+op.OperationId+body.NameTag+"RequestBody")
			call = append(call, "body")
		}
		m.Args = strings.Join(args, ", ")
		m.CallArgs = strings.Join(call, ", ")
		tds, err := op.GetResponseTypeDefinitions()
		if err != nil {
			return nil, fmt.Errorf("operation %s: %w", op.SpecOperationId, err)
		}
		for _, td := range tds {
			if !strings.HasPrefix(td.ResponseName, "2") || !strings.HasPrefix(td.TypeName, "JSON") {
				continue
			}
			decl := td.Schema.TypeDecl()
			if m.Result == "" {
				m.Result = decl
			}
			if decl == m.Result {
				m.Fields = append(m.Fields, td.TypeName)
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// JSONBody returns the request body the typed method of op sends: its
// first JSON body the client supports, or nil.
func JSONBody(op *codegen.OperationDefinition) *codegen.RequestBodyDefinition {
	for j := range op.Bodies {
		if op.Bodies[j].IsSupportedByClient() && op.Bodies[j].IsJSON() {
			return &op.Bodies[j]
		}
	}
	return nil
}

// specOperationID is the operationId as the spec spells it.
func specOperationID(op *codegen.OperationDefinition) string {
	if op.Spec != nil && op.Spec.OperationID != "" {
		return op.Spec.OperationID
	}
	return op.OperationId
}

func bodyTypes(op *codegen.OperationDefinition) string {
	var ts []string
	for _, b := range op.Bodies {
		ts = append(ts, b.ContentType)
	}
	return strings.Join(ts, ", ")
}

var clientTemplate = template.Must(template.New("client").Parse(Header + `

package {{.Package}}

import (
	"context"
	"fmt"

	"github.com/intercomgo/intercom"
)

// APIVersion is the Intercom API version this package speaks. Every request
// a Client sends carries it in the Intercom-Version header.
const APIVersion = "{{.Version}}"

// SpecSHA256 is the sha256 of the upstream OpenAPI description this package
// was generated from.
const SpecSHA256 = "{{.SHA256}}"

// Client calls Intercom API version {{.Version}}. Each method sends one
// request and returns the decoded success body, or an error: an
// *intercom.Error for an answer outside 2xx, a transport error otherwise.
// A Client is safe for concurrent use.
type Client struct {
	raw       *ClientWithResponses
	transport *intercom.Transport
}

// NewClient builds a Client for API version {{.Version}}. Options come from the
// root package: intercom.WithToken is required, the rest (region, retries,
// logging, HTTP client) have defaults.
func NewClient(opts ...intercom.Option) (*Client, error) {
	t, err := intercom.NewTransport(APIVersion, opts...)
	if err != nil {
		return nil, err
	}
	raw, err := NewClientWithResponses(t.BaseURL(), WithHTTPClient(t))
	if err != nil {
		return nil, fmt.Errorf("intercom: %w", err)
	}
	return &Client{raw: raw, transport: t}, nil
}

// Raw returns the oapi-codegen client beneath c. Its methods return the full
// response (status, headers, raw body and every typed body) without turning
// error statuses into errors.
func (c *Client) Raw() *ClientWithResponses { return c.raw }

// Transport returns the transport c sends through, which reports the
// latest rate-limit figures.
func (c *Client) Transport() *intercom.Transport { return c.transport }

// noBody reports a success answer whose JSON body did not decode into the
// documented type.
func noBody(op string, status int, body []byte) error {
	return fmt.Errorf("intercom: %s answered %d without the documented JSON body (%d bytes)", op, status, len(body))
}
{{range .Methods}}
// {{.Name}} calls {{.HTTPMethod}} {{.Path}} ({{.OperationID}}).{{if .Summary}}
//
// {{.Summary}}{{end}}{{if .Deprecated}}
//
// Deprecated: Intercom marks this operation deprecated.{{end}}
func (c *Client) {{.Name}}(ctx context.Context{{if .Args}}, {{.Args}}{{end}}, reqEditors ...RequestEditorFn) ({{if .Result}}*{{.Result}}, {{end}}error) {
	r, err := c.raw.{{.RawCall}}(ctx{{if .CallArgs}}, {{.CallArgs}}{{end}}, reqEditors...)
	if err != nil {
		return {{if .Result}}nil, {{end}}err
	}
	if err := intercom.CheckResponse(r.HTTPResponse, r.Body); err != nil {
		return {{if .Result}}nil, {{end}}err
	}{{if .Result}}{{range .Fields}}
	if r.{{.}} != nil {
		return r.{{.}}, nil
	}{{end}}
	return nil, noBody("{{.OperationID}}", r.StatusCode(), r.Body){{else}}
	return nil{{end}}
}
{{end}}`))

func emitClient(v Version, r *Result) error {
	methods, err := Methods(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = clientTemplate.Execute(&buf, map[string]any{
		"Package": v.Package(),
		"Version": v.Name,
		"SHA256":  v.SHA256,
		"Methods": methods,
	})
	if err != nil {
		return err
	}
	return r.AddGo("client.gen.go", buf.Bytes())
}

var docTemplate = template.Must(template.New("doc").Parse(Header + `

// Package {{.Package}} is a typed Go client for version {{.Version}} of Intercom's
// REST API, generated from Intercom's OpenAPI description of that version
// (sha256 {{.SHA256}}).
//
// Every operation of the version is a method of [Client] with typed
// parameters, request body and result:
//
//	client, err := {{.Package}}.NewClient(intercom.WithToken(os.Getenv("INTERCOM_ACCESS_TOKEN")))
//	if err != nil {
//		return err
//	}
//	admin, err := client.IdentifyAdmin(ctx)
//
// Options (region, retries, rate limiting, logging) come from the root
// package [github.com/intercomgo/intercom]. The package has {{.Count}} operations.
// The normalized description it was generated from is embedded in the
// subpackage spec, which only the tools that want it import.
package {{.Package}}
`))

func emitDoc(v Version, r *Result) error {
	var buf bytes.Buffer
	err := docTemplate.Execute(&buf, map[string]any{
		"Package": v.Package(),
		"Version": v.Name,
		"SHA256":  v.SHA256,
		"Count":   len(r.Operations),
	})
	if err != nil {
		return err
	}
	return r.AddGo("doc.go", buf.Bytes())
}

var specTemplate = template.Must(template.New("spec").Parse(Header + `

// Package spec embeds the normalized OpenAPI description of Intercom API
// version {{.Version}}: the upstream file with the generator's repairs applied, as
// JSON. The fake server and the schema diff read it; client code need not.
package spec

import _ "embed"

// Version is the Intercom API version the description documents.
const Version = "{{.Version}}"

// UpstreamSHA256 is the sha256 of the upstream file before normalization.
const UpstreamSHA256 = "{{.SHA256}}"

// JSON is the normalized description.
//
//go:embed openapi.json
var JSON []byte
`))

func emitSpec(v Version, r *Result) error {
	var buf bytes.Buffer
	if err := specTemplate.Execute(&buf, map[string]any{"Version": v.Name, "SHA256": v.SHA256}); err != nil {
		return err
	}
	return r.AddGo("spec/spec.gen.go", buf.Bytes())
}
