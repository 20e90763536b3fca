package conformance

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

const formSpec = `
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /uploads:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, kind]
              properties:
                file: {type: string, format: binary}
                kind: {type: string, enum: [photo]}
                position: {type: integer, minimum: 3}
                public: {type: boolean}
                tags: {type: array, items: {type: string}}
                pages: {type: array, items: {type: string, format: binary}}
            encoding:
              file: {contentType: 'image/png, image/*'}
      responses:
        '204': {description: stored}
  /objects:
    post:
      operationId: uploadObject
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                meta: {type: object, required: [a], properties: {a: {type: string}}}
      responses:
        '204': {description: stored}
`

func formPlan(t *testing.T, id string) *planned {
	t.Helper()
	doc, err := oas.Parse("9.1", []byte(formSpec))
	require.NoError(t, err)
	for _, p := range plan(doc) {
		if p.op.ID == id {
			return p
		}
	}
	t.Fatalf("no operation %s", id)
	return nil
}

func TestFormIsPlannedFromTheSchema(t *testing.T) {
	p := formPlan(t, "upload")
	require.NoError(t, p.err)
	assert.Nil(t, p.in.body, "no JSON body for an upload")
	require.NotNil(t, p.in.form)
	assert.Equal(t, []intercom.FormField{
		{Name: "kind", Value: "photo"}, {Name: "position", Value: "3"}, {Name: "public", Value: "true"}, {Name: "tags", Value: "example"},
	}, p.in.form.fields, "text, numbers and booleans as fields, a list as repeated fields, each satisfying its schema")
	require.Len(t, p.in.form.files, 2)
	assert.Equal(t, "file", p.in.form.files[0].field)
	assert.Equal(t, "image/png", p.in.form.files[0].contentType, "the first media type the encoding names")
	assert.Equal(t, "pages", p.in.form.files[1].field, "a list of binaries is a list of files")
	assert.Equal(t, "application/octet-stream", p.in.form.files[1].contentType)

	var body intercom.MultipartBody
	require.NoError(t, p.in.Multipart(&body))
	again := intercom.MultipartBody{}
	require.NoError(t, p.in.Multipart(&again))
	for _, b := range []intercom.MultipartBody{body, again} {
		got, err := io.ReadAll(b.Files[0].Content)
		require.NoError(t, err)
		assert.Equal(t, uploadContent("file"), got, "every call gets a fresh reader")
	}

	require.NoError(t, p.in.Multipart(&body))
	ct, r, err := body.Encode()
	require.NoError(t, err)
	sent, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Empty(t, formProblems("Upload", p.in.form, ct, sent), "the client sends the form as planned")

	// What the suite must notice: a missing part, an extra one, other
	// bytes, a file sent as another media type, a body that is no form.
	body.Fields = body.Fields[1:]
	ct, r, _ = body.Encode()
	sent, _ = io.ReadAll(r)
	assert.Len(t, formProblems("Upload", p.in.form, ct, sent), 1)
	for _, edit := range []func(*intercom.MultipartBody){
		func(b *intercom.MultipartBody) {
			b.Fields = append(b.Fields, intercom.FormField{Name: "extra", Value: "x"})
		},
		func(b *intercom.MultipartBody) { b.Files[0].ContentType = "application/octet-stream" },
	} {
		var b intercom.MultipartBody
		require.NoError(t, p.in.Multipart(&b))
		edit(&b)
		ct, r, err := b.Encode()
		require.NoError(t, err)
		sent, _ := io.ReadAll(r)
		assert.Len(t, formProblems("Upload", p.in.form, ct, sent), 1)
	}
	assert.Contains(t, formProblems("Upload", p.in.form, "application/json", []byte(`{}`))[0], "not multipart/form-data")
}

func TestFormWithAnObjectPartIsNotPlanned(t *testing.T) {
	p := formPlan(t, "uploadObject")
	require.Error(t, p.err)
	assert.Contains(t, p.err.Error(), `part "meta"`)
	assert.Contains(t, p.err.Error(), "the suite sends no other kind of part")
}

func TestInputWithoutAFormSaysSo(t *testing.T) {
	in := &Input{op: "makeThing"}
	err := in.Multipart(&intercom.MultipartBody{})
	assert.ErrorContains(t, err, "makeThing: the description documents no multipart/form-data request body")
}
