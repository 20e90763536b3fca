package conformance

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/pipeline"
)

const spec = `
openapi: 3.0.1
info: {title: t, version: "1"}
security: [{bearerAuth: []}]
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
paths:
  /things/{thing_id}/parts/{part}:
    get:
      operationId: getPart
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: integer}}
        - {name: part, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
  /things:
    post:
      operationId: makeThing
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
      responses:
        "201":
          description: made
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
  /things/{thing_id}/files:
    post:
      operationId: uploadThingFile
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                caption: {type: string}
      responses:
        "200":
          description: stored
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
  /ping:
    delete:
      operationId: ping
      responses:
        "204": {description: gone}
`

func generate(t *testing.T) string {
	t.Helper()
	res, err := pipeline.Generate(pipeline.Version{Name: "9.1", SHA256: strings.Repeat("0", 64)}, []byte(spec), nil)
	require.NoError(t, err)
	src, ok := res.Files[FileName]
	require.True(t, ok, "the emitter is registered and writes %s", FileName)
	return string(src)
}

func TestEmitsOneCallPerOperation(t *testing.T) {
	src := generate(t)
	require.True(t, strings.HasPrefix(src, pipeline.Header+"\n"))

	f, err := parser.ParseFile(token.NewFileSet(), FileName, src, 0)
	require.NoError(t, err)
	assert.Equal(t, "v9_1", f.Name.Name, "an internal test of the version package")

	var keys []string
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && vs.Names[0].Name == "conformanceCalls" {
			for _, elt := range vs.Values[0].(*ast.CompositeLit).Elts {
				k, err := strconv.Unquote(elt.(*ast.KeyValueExpr).Key.(*ast.BasicLit).Value)
				require.NoError(t, err)
				keys = append(keys, k)
			}
		}
		return true
	})
	slices.Sort(keys)
	assert.Equal(t, []string{"getPart", "makeThing", "ping", "uploadThingFile"}, keys, "keyed by operationId")
	assert.Contains(t, src, "conformance.Run(t, APIVersion, NewClient, conformanceCalls)")
}

func TestAdaptersDecodeEveryArgument(t *testing.T) {
	src := generate(t)
	// Path parameters in path order, with their Go types, then params.
	assert.Contains(t, src, "var p0 int\n")
	assert.Contains(t, src, "var p1 string\n")
	assert.Contains(t, src, `errors.Join(in.Path("thing_id", &p0), in.Path("part", &p1), in.Params(&params))`)
	assert.Contains(t, src, "return conformance.Result(c.GetPart(ctx, p0, p1, &params))")
	// The body decodes into the typed request body.
	assert.Contains(t, src, "var body MakeThingJSONRequestBody")
	assert.Contains(t, src, "return conformance.Result(c.MakeThing(ctx, body))")
	// A multipart body is built by the suite and passed as the form.
	assert.Contains(t, src, "var body intercom.MultipartBody\n")
	assert.Contains(t, src, `errors.Join(in.Path("thing_id", &p0), in.Multipart(&body))`)
	assert.Contains(t, src, "return conformance.Result(c.UploadThingFile(ctx, p0, &body))")
	assert.Contains(t, src, `"github.com/intercomgo/intercom"`, "imported for the form")
	// A method without a body to return hands back its error alone.
	assert.Contains(t, src, `"ping": {Method: "Ping", Result: false`)
	assert.Contains(t, src, "return nil, c.Ping(ctx)")
}
