package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shapesSpec is a synthetic description with the shapes the typed-method
// template must handle beyond plain JSON: a multipart/form-data upload, a
// binary download, and an operation description.
const shapesSpec = `
openapi: 3.0.1
info: {title: shapes, version: "9.1"}
paths:
  /uploads/{folder}:
    post:
      operationId: uploadFile
      parameters:
      - {name: folder, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/upload'}
  /exports/{id}:
    get:
      operationId: downloadExport
      description: |
        Downloads the export.

        Search operators: =, !=, IN.
      parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
components:
  schemas:
    upload:
      type: object
      required: [id]
      properties:
        id: {type: string}
`

func TestTypedMethodShapes(t *testing.T) {
	res, err := Generate(Version{Name: "9.1", SHA256: "x"}, []byte(shapesSpec), nil)
	require.NoError(t, err)
	client := string(res.Files["client.gen.go"])
	assert.Contains(t, client, "func (c *Client) UploadFile(ctx context.Context, folder string, body *intercom.MultipartBody, opts ...intercom.RequestOption) (*Upload, error) {")
	assert.Contains(t, client, "contentType, form, err := body.Encode()")
	assert.Contains(t, client, "NewUploadFileRequestWithBody(c.server, folder, contentType, form)")
	guard := string(res.Files["guard_gen_test.go"])
	assert.Contains(t, guard, "c.UploadFile(ctx, bad, &intercom.MultipartBody{})", "the path guard calls an upload with an empty form")
	assert.Contains(t, client, "func (c *Client) DownloadExport(ctx context.Context, id string, opts ...intercom.RequestOption) (io.ReadCloser, error) {")
	assert.Contains(t, client, `c.transport.CallStream(ctx, op, req, "application/octet-stream", opts)`)
	assert.Contains(t, client, "// Search operators: =, !=, IN.", "the operation's description is on the typed method")
	assert.Contains(t, client, "it is not bounded by intercom.WithMaxResponseBytes")

	api := string(res.Files["api.gen.go"])
	assert.Contains(t, api, "type Upload struct {\n\t// Raw gives access to the JSON this value was decoded from.\n\tintercom.Raw `json:\"-\"`")
	assert.Contains(t, api, "Id *string `json:\"id,omitempty\"`", "response properties are optional")
	assert.Contains(t, string(res.Files[StatusTestFile]), `"UploadFile",`)
}

func TestCommentLines(t *testing.T) {
	got := commentLines("Intro.\n{% admonition type=\"warning\" %}\nCareful.\n{% /admonition %}\n### Limits\n* At most 15 filters.\n\n\n")
	assert.Equal(t, []string{"Intro.", "", "Careful.", "", "# Limits", "", "  - At most 15 filters."}, got)
}
