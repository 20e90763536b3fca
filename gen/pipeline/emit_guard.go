package pipeline

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

func init() { coreEmitters = append(coreEmitters, emitGuard, emitGuardTest) }

// pathStyleRE matches oapi-codegen's styling of one path parameter, the
// only place a caller's value enters a request path.
var pathStyleRE = regexp.MustCompile(`(?m)^(\tpathParam[0-9]+, err = )runtime\.StyleParamWithOptions\((.*ParamLocation: runtime\.ParamLocationPath.*)\)$`)

// readBodyEdit routes every response parser's read of the body through the
// size-limited reader.
var readBodyEdit = [2]string{"bodyBytes, err := io.ReadAll(rsp.Body)", "bodyBytes, err := readResponseBody(rsp)"}

// guardRawClient edits oapi-codegen's output so that every path parameter
// is checked after styling (stylePathParam, in guard.gen.go) and every
// response body is read with the size limit. It fails when the output no
// longer has the expected shape, rather than leave a parameter unchecked.
func guardRawClient(api string, pathParams, parsers int) (string, error) {
	if n := strings.Count(api, "runtime.ParamLocationPath"); n != pathParams {
		return "", fmt.Errorf("oapi-codegen's output changed shape: %d path parameters are styled, the operations have %d; update guardRawClient", n, pathParams)
	}
	if n := len(pathStyleRE.FindAllStringIndex(api, -1)); n != pathParams {
		return "", fmt.Errorf("oapi-codegen's output changed shape: only %d of %d path parameters are styled as `pathParamN, err = runtime.StyleParamWithOptions(...)`; update pathStyleRE", n, pathParams)
	}
	api = pathStyleRE.ReplaceAllString(api, "${1}stylePathParam(${2})")
	if n := strings.Count(api, readBodyEdit[0]); n != parsers {
		return "", fmt.Errorf("oapi-codegen's output changed shape: expected %q in each of the %d response parsers, found it %d times; update readBodyEdit", readBodyEdit[0], parsers, n)
	}
	api = strings.ReplaceAll(api, readBodyEdit[0], readBodyEdit[1])
	if n := strings.Count(api, "io.ReadAll("); n != 0 {
		return "", fmt.Errorf("oapi-codegen's output changed shape: %d reads of a body without the size limit remain; update readBodyEdit", n)
	}
	return api, nil
}

var guardTemplate = template.Must(template.New("guard").Parse(Header + `

package {{.Package}}

import (
	"net/http"

	"github.com/oapi-codegen/runtime"

	"github.com/intercomgo/intercom"
)

// stylePathParam styles a path parameter as oapi-codegen does, then
// refuses a value that would change the endpoint called (an empty value,
// "." or ".."), before any request is built.
func stylePathParam(style string, explode bool, name string, value any, opts runtime.StyleParamOptions) (string, error) {
	s, err := runtime.StyleParamWithOptions(style, explode, name, value, opts)
	if err != nil {
		return "", err
	}
	if err := intercom.CheckPathSegment(name, s); err != nil {
		return "", err
	}
	return s, nil
}

// readResponseBody reads a response body into memory within the size limit
// of the client's transport (see intercom.WithMaxResponseBytes).
func readResponseBody(rsp *http.Response) ([]byte, error) {
	return intercom.ReadResponseBody(rsp)
}
`))

func emitGuard(v Version, r *Result) error {
	var buf bytes.Buffer
	if err := guardTemplate.Execute(&buf, map[string]any{"Package": v.Package()}); err != nil {
		return err
	}
	return r.AddGo("guard.gen.go", buf.Bytes())
}

// guardCall is one call of a typed method with one path parameter
// replaced by a hostile value.
type guardCall struct {
	Method string // Go method name
	Param  string // the parameter's name in the spec
	Args   string // literal arguments after ctx, the bad one as "bad"
	Result bool   // the method returns a body besides the error
}

var guardTestTemplate = template.Must(template.New("guardtest").Parse(Header + `

package {{.Package}}_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/versions/{{.Package}}"
)

// TestPathParametersCannotChangeTheEndpoint calls every operation that has
// a string path parameter with that parameter empty, "." and "..", and
// checks that each call fails with intercom.ErrInvalidPathParam, naming
// the parameter, before anything is sent.
func TestPathParametersCannotChangeTheEndpoint(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	c, err := {{.Package}}.NewClient(intercom.WithToken("test-token"), intercom.WithBaseURL(srv.URL), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	ctx := context.Background()
	type call struct {
		method, param string
		do            func(bad string) error
	}
	calls := []call{
{{- range .Calls}}
		{ {{- printf "%q" .Method}}, {{printf "%q" .Param}}, func(bad string) error {
			{{if .Result}}_, err := {{else}}err := {{end}}c.{{.Method}}(ctx, {{.Args}})
			return err
		}},
{{- end}}
	}
	assert.Len(t, calls, {{len .Calls}}, "one call per string path parameter")
	for _, tc := range calls {
		for _, bad := range []string{"", ".", ".."} {
			err := tc.do(bad)
			if assert.Error(t, err, "%s with %s=%q", tc.method, tc.param, bad) {
				assert.True(t, errors.Is(err, intercom.ErrInvalidPathParam), "%s with %s=%q: %v", tc.method, tc.param, bad, err)
				assert.Contains(t, err.Error(), tc.param, "the error names the parameter")
			}
		}
	}
	assert.Zero(t, sent.Load(), "no request reached the server")
}
{{with .Sized}}
// TestResponseSizeIsCapped checks that a typed call reads no more than
// intercom.WithMaxResponseBytes allows, counted after decompression, both
// when Go's transport decompresses and when the caller asked for gzip
// itself and the body arrives compressed.
func TestResponseSizeIsCapped(t *testing.T) {
	const limit = 64 << 10
	big := []byte(` + "`" + `{"type":"list","pad":"` + "`" + ` + strings.Repeat("0", 1<<20) + ` + "`" + `"}` + "`" + `)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(big)
	require.NoError(t, zw.Close())
	require.Less(t, zipped.Len(), limit, "the compressed body alone fits the limit")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(zipped.Bytes())
			return
		}
		_, _ = w.Write(big)
	}))
	defer srv.Close()
	for _, mode := range []string{"", "transparent", "explicit"} {
		opts := []intercom.Option{intercom.WithToken("test-token"), intercom.WithBaseURL(srv.URL), intercom.WithMaxRetries(0), intercom.WithMaxResponseBytes(limit)}
		var editors []intercom.RequestOption
		switch mode {
		case "":
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.DisableCompression = true
			opts = append(opts, intercom.WithHTTPClient(&http.Client{Transport: tr}))
		case "explicit":
			editors = append(editors, intercom.WithHeader("Accept-Encoding", "gzip"))
		}
		c, err := {{$.Package}}.NewClient(opts...)
		require.NoError(t, err)
		{{if .Result}}_, err = {{else}}err = {{end}}c.{{.Method}}(context.Background(){{.Args}}, editors...)
		require.Error(t, err, mode)
		assert.True(t, errors.Is(err, intercom.ErrResponseTooLarge), "%s: %v", mode, err)
		assert.Contains(t, err.Error(), "65536 bytes", mode)
		assert.Contains(t, err.Error(), "WithMaxResponseBytes", mode)
	}
}
{{end}}`))

func emitGuardTest(v Version, r *Result) error {
	methods, err := Methods(r)
	if err != nil {
		return err
	}
	hasResult := map[string]bool{}
	for _, m := range methods {
		hasResult[m.Name] = m.ReturnsValue()
	}
	var calls []guardCall
	for i := range r.Operations {
		op := &r.Operations[i]
		for j, p := range op.PathParams {
			if p.TypeDef() != "string" {
				continue // a number cannot spell a relative segment
			}
			var args []string
			for k, q := range op.PathParams {
				if k == j {
					args = append(args, "bad")
				} else {
					args = append(args, zeroLiteral(q.TypeDef()))
				}
			}
			if op.RequiresParamObject() {
				args = append(args, "nil")
			}
			if op.HasBody() {
				switch body := JSONBody(op); {
				case body != nil:
					args = append(args, fmt.Sprintf("%s.%s%sRequestBody{}", v.Package(), op.OperationId, body.NameTag))
				case HasMultipartBody(op):
					// An empty form encodes; the path parameter must
					// still stop the call.
					args = append(args, "&intercom.MultipartBody{}")
				default:
					return fmt.Errorf("operation %s: no JSON or multipart/form-data request body (content types: %s)", op.SpecOperationId, bodyTypes(op))
				}
			}
			calls = append(calls, guardCall{Method: op.OperationId, Param: p.ParamName, Args: strings.Join(args, ", "), Result: hasResult[op.OperationId]})
		}
	}
	// The size test calls the first operation that needs no path
	// parameter and no body.
	var sized *guardCall
	for i := range r.Operations {
		op := &r.Operations[i]
		if len(op.PathParams) == 0 && !op.HasBody() {
			args := ""
			if op.RequiresParamObject() {
				args = ", nil"
			}
			sized = &guardCall{Method: op.OperationId, Args: args, Result: hasResult[op.OperationId]}
			break
		}
	}
	var buf bytes.Buffer
	err = guardTestTemplate.Execute(&buf, map[string]any{"Package": v.Package(), "Calls": calls, "Sized": sized})
	if err != nil {
		return err
	}
	return r.AddGo("guard_gen_test.go", buf.Bytes())
}
