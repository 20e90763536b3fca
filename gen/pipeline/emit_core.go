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
	// Description is Intercom's description of the operation, as Go
	// comment text (without the leading "// ").
	Description []string
	Deprecated  bool
	// Args is the parameter list after ctx, without the trailing
	// per-call options: path parameters, params, body.
	Args string
	// CallArgs passes Args on to the raw client.
	CallArgs string
	// RawCall is the ClientWithResponses method called.
	RawCall string
	// Builder is the request builder the typed method calls, and
	// BuildArgs its arguments after the server URL.
	Builder   string
	BuildArgs string
	// Multipart is set when the request body is multipart/form-data,
	// which the typed method takes as an *intercom.MultipartBody.
	Multipart bool
	// Result is the Go type of the success body ("" when the operation
	// has no JSON success body); Fields are the response fields that hold
	// it, one per 2xx status.
	Result string
	Fields []string
	// Stream is the media type of a non-JSON success body, which the
	// typed method returns as an io.ReadCloser; "" otherwise.
	Stream string
	// BodySuffix is the request-body suffix ("JSON") or "" without body.
	BodySuffix string
}

// ReturnsValue reports whether the typed method returns a value (a
// decoded body or a stream) besides the error.
func (m Method) ReturnsValue() bool { return m.Result != "" || m.Stream != "" }

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
			Builder:     "New" + op.OperationId + "Request",
		}
		if op.Spec != nil {
			m.Description = commentLines(op.Spec.Description)
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
		build := append([]string(nil), call...)
		if op.HasBody() {
			if body := JSONBody(op); body != nil {
				m.BodySuffix = body.Suffix()
				m.RawCall = op.OperationId + body.Suffix() + "WithResponse"
				m.Builder = "New" + op.OperationId + "Request" + body.Suffix()
				args = append(args, "body "+op.OperationId+body.NameTag+"RequestBody")
				call = append(call, "body")
				build = append(build, "body")
			} else if HasMultipartBody(op) {
				m.Multipart = true
				m.Builder = "New" + op.OperationId + "RequestWithBody"
				args = append(args, "body *intercom.MultipartBody")
				build = append(build, "contentType", "form")
			} else {
				return nil, fmt.Errorf("operation %s: no JSON or multipart/form-data request body the client can send (content types: %s)", op.SpecOperationId, bodyTypes(op))
			}
		}
		m.Args = strings.Join(args, ", ")
		m.CallArgs = strings.Join(call, ", ")
		m.BuildArgs = strings.Join(build, ", ")
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
		if m.Result == "" {
			m.Stream = streamType(op)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// HasMultipartBody reports whether op accepts a multipart/form-data body.
func HasMultipartBody(op *codegen.OperationDefinition) bool {
	for _, b := range op.Bodies {
		if strings.HasPrefix(b.ContentType, "multipart/form-data") {
			return true
		}
	}
	if op.Spec != nil && op.Spec.RequestBody != nil && op.Spec.RequestBody.Value != nil {
		for ct := range op.Spec.RequestBody.Value.Content {
			if strings.HasPrefix(ct, "multipart/form-data") {
				return true
			}
		}
	}
	return false
}

// streamType returns the media type of op's first 2xx body that is not
// JSON, or "".
func streamType(op *codegen.OperationDefinition) string {
	if op.Spec == nil || op.Spec.Responses == nil {
		return ""
	}
	codes := make([]string, 0)
	for code := range op.Spec.Responses.Map() {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		ref := op.Spec.Responses.Value(code)
		if !strings.HasPrefix(code, "2") || ref == nil || ref.Value == nil {
			continue
		}
		var cts []string
		for ct := range ref.Value.Content {
			cts = append(cts, ct)
		}
		sort.Strings(cts)
		for _, ct := range cts {
			if !strings.Contains(ct, "json") {
				return ct
			}
		}
	}
	return ""
}

// commentLines turns a Markdown description into Go doc comment lines:
// Markdown headings become doc headings (with the blank lines go doc needs
// around them), Markdoc tags such as {% admonition %} are dropped, trailing
// space is trimmed and runs of blank lines collapse.
func commentLines(s string) []string {
	var out []string
	blank := false
	emit := func(line string) {
		if blank && len(out) > 0 {
			out = append(out, "")
		}
		blank = false
		out = append(out, line)
	}
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "{%") && strings.HasSuffix(t, "%}") {
			blank = true
			continue
		}
		if line == "" {
			blank = true
			continue
		}
		if h := strings.TrimLeft(line, "#"); h != line && len(line)-len(h) <= 6 && strings.HasPrefix(h, " ") {
			blank = true
			emit("# " + strings.TrimSpace(h))
			blank = true
			continue
		}
		if t := strings.TrimLeft(line, " "); strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "- ") {
			// go doc takes only indented bullets for a list.
			line = "  - " + t[2:]
		}
		emit(line)
	}
	return out
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
	"io"
	"strings"

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
// *intercom.Error for any answer outside 2xx (whatever its body), a
// transport error otherwise. Success bodies are decoded tolerantly (see
// intercom.Decode): a value that disagrees with its type never fails the
// call; it is coerced or left empty and reported. Every method takes
// per-call options (intercom.RequestOption) after its arguments.
// A Client is safe for concurrent use.
type Client struct {
	raw       *ClientWithResponses
	transport *intercom.Transport
	// server is the base URL with a trailing slash, which the request
	// builders resolve operation paths against.
	server string
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
	return &Client{raw: raw, transport: t, server: strings.TrimSuffix(t.BaseURL(), "/") + "/"}, nil
}

// Raw returns the oapi-codegen client beneath c. Its methods return the full
// response (status, headers, raw body and every typed body) without turning
// error statuses into errors.
func (c *Client) Raw() *ClientWithResponses { return c.raw }

// Transport returns the transport c sends through, which reports the
// latest rate-limit figures.
func (c *Client) Transport() *intercom.Transport { return c.transport }

// buildError reports a request that could not be built from the arguments.
func buildError(op string, err error) error {
	return fmt.Errorf("intercom: %s: building the request: %w", op, err)
}

{{range .Methods}}
// {{.Name}} calls {{.HTTPMethod}} {{.Path}} ({{.OperationID}}).{{if .Summary}}
//
// {{.Summary}}{{end}}{{if .Description}}
//{{range .Description}}
//{{if .}} {{.}}{{end}}{{end}}{{end}}{{if .Stream}}
//
// The success body ({{.Stream}}) is returned as a stream, which the caller
// must close; it is not bounded by intercom.WithMaxResponseBytes.{{end}}{{if .Deprecated}}
//
// Deprecated: Intercom marks this operation deprecated.{{end}}
func (c *Client) {{.Name}}(ctx context.Context{{if .Args}}, {{.Args}}{{end}}, opts ...intercom.RequestOption) ({{if .Result}}*{{.Result}}, {{else if .Stream}}io.ReadCloser, {{end}}error) {
{{- if .Multipart}}
	contentType, form, err := body.Encode()
	if err != nil {
		return {{if .ReturnsValue}}nil, {{end}}buildError("{{.Name}}", err)
	}
{{- end}}
	req, err := {{.Builder}}(c.server{{if .BuildArgs}}, {{.BuildArgs}}{{end}})
	if err != nil {
		return {{if .ReturnsValue}}nil, {{end}}buildError("{{.Name}}", err)
	}
	op := intercom.Operation{Name: "{{.Name}}", ID: "{{.OperationID}}", Method: "{{.HTTPMethod}}", Path: "{{.Path}}"}
{{- if .Result}}
	var out {{.Result}}
	if err := c.transport.Call(ctx, op, req, &out, opts); err != nil {
		return nil, err
	}
	return &out, nil
{{- else if .Stream}}
	return c.transport.CallStream(ctx, op, req, "{{.Stream}}", opts)
{{- else}}
	return c.transport.Call(ctx, op, req, nil, opts)
{{- end}}
}
{{end}}`))

func emitClient(v Version, r *Result) error {
	methods, err := Methods(r)
	if err != nil {
		return err
	}
	for _, m := range methods {
		r.MarkRaw(m.Result)
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
// package [github.com/intercomgo/intercom], and per-call options
// (intercom.RequestOption) follow each method's arguments.
//
// Every property of a response type is optional: a pointer, or a slice or
// map that is nil when the answer did not carry it, whatever the
// description's required flags say, so absent never reads as a made-up
// zero, and a property has the same Go type in every version package whose
// wire type is the same. Results and iterator items embed intercom.Raw, so
// fields the types do not model can be read from the JSON they came from.
// Bodies that disagree with their types are decoded tolerantly (see
// intercom.Decode). The package has {{.Count}} operations.
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
