package pagination

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/gen/pipeline"
)

// shapes has one operation per shape the rules know, with names unlike
// Intercom's so that only the shapes can decide, plus near misses.
const shapes = `
openapi: 3.0.1
info: {title: shapes, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /a:
    get:
      operationId: walkA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/cursor_list"}
  /b:
    get:
      operationId: walkB
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: per_page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/cursor_list"}
  /c:
    get:
      operationId: walkC
      parameters:
        - {name: starting_after, in: query, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/cursor_list"}
  /d:
    post:
      operationId: findD
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                pagination:
                  type: object
                  required: [per_page]
                  properties:
                    per_page: {type: integer}
                    starting_after: {type: string, nullable: true}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  results: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  pages: {$ref: "#/components/schemas/cursor_pages"}
  /e:
    get:
      operationId: walkE
      parameters:
        - {name: scroll_param, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  scroll_param: {type: string}
  /f:
    get:
      operationId: walkF
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  entries: {type: array, items: {type: string}}
                  pages:
                    type: object
                    properties:
                      next: {type: string, nullable: true, format: uri}
                      page: {type: integer}
  /g:
    get:
      operationId: walkG
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  pages: {type: object, description: may be empty}
  /h:
    get:
      operationId: walkH
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  pages: {$ref: "#/components/schemas/cursor_pages"}
                  data:
                    type: object
                    properties:
                      hits: {type: array, items: {$ref: "#/components/schemas/thing"}}
                      notes: {type: array, items: {type: object, properties: {thing_id: {type: string}}}}
  /i:
    get:
      operationId: walkI
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  pages: {$ref: "#/components/schemas/cursor_pages"}
                  left: {type: array, items: {type: string}}
                  right: {type: array, items: {type: string}}
  /j:
    get:
      operationId: walkJ
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/thing"}}
  /l:
    get:
      operationId: walkL
      parameters:
        - {name: page, in: query, schema: {type: integer}}
        - {name: per_page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  page: {type: integer}
                  per_page: {type: integer}
                  total_pages: {type: integer}
  /m:
    get:
      operationId: walkM
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: per_page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  next_cursor: {type: string, nullable: true}
                  has_more: {type: boolean}
  /n:
    get:
      operationId: walkN
      parameters:
        - {name: per_page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  next_cursor: {type: string, nullable: true}
                  has_more: {type: boolean}
  /o:
    get:
      operationId: walkO
      parameters:
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/thing"}}
                  page: {type: integer}
  /k:
    get:
      operationId: fetchK
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/thing"}
components:
  schemas:
    thing:
      type: object
      properties:
        id: {type: string}
    cursor_pages:
      type: object
      properties:
        next:
          allOf: [{$ref: "#/components/schemas/starting_after_paging"}]
          nullable: true
        page: {type: integer}
        per_page: {type: integer}
        total_pages: {type: integer}
    starting_after_paging:
      type: object
      properties:
        per_page: {type: integer}
        starting_after: {type: string, nullable: true}
    cursor_list:
      type: object
      properties:
        data: {type: array, items: {$ref: "#/components/schemas/thing"}}
        pages: {$ref: "#/components/schemas/cursor_pages"}
        total_count: {type: integer}
`

func generateShapes(t *testing.T) *pipeline.Result {
	t.Helper()
	r, err := pipeline.Generate(pipeline.Version{Name: "9.1", SHA256: strings.Repeat("0", 64)}, []byte(shapes), nil)
	require.NoError(t, err)
	return r
}

func TestRules(t *testing.T) {
	r := generateShapes(t)
	plan, err := Plan(r)
	require.NoError(t, err)
	type want struct {
		style      intercom.PageStyle
		items      string
		item       string
		undeclared []string
		fallback   bool
	}
	wants := map[string]want{
		"walkA": {intercom.PageCursor, "data", "Thing", []string{"starting_after"}, true},
		"walkB": {intercom.PageNumber, "data", "Thing", nil, false},
		"walkC": {intercom.PageCursor, "data", "Thing", nil, true},
		"findD": {intercom.PageSearch, "results", "Thing", nil, false},
		"walkE": {intercom.PageScroll, "data", "Thing", nil, false},
		"walkF": {intercom.PageNextURL, "entries", "string", nil, false},
		"walkG": {intercom.PageAny, "items", "Thing", []string{"starting_after"}, false},
		"walkH": {intercom.PageCursor, "data.hits", "Thing", []string{"starting_after"}, true},
		"walkL": {intercom.PageNumber, "data", "Thing", nil, false},
		"walkM": {intercom.PageCursor, "data", "Thing", nil, false},
	}
	got := map[string]GenOp{}
	for _, op := range plan.Ops {
		got[op.Method.OperationID] = op
	}
	assert.Len(t, got, len(wants))
	for id, w := range wants {
		op, ok := got[id]
		if !assert.True(t, ok, "%s is not iterated", id) {
			continue
		}
		assert.Equal(t, w.style, op.Style, id)
		assert.Equal(t, w.items, strings.Join(op.Items, "."), id)
		assert.Equal(t, w.item, op.ItemType, id)
		assert.Equal(t, w.undeclared, op.Undeclared, id)
		assert.Equal(t, w.fallback, op.PageFallback, id)
	}

	skips := map[string]string{}
	for _, s := range plan.Skips {
		skips[s.Method.OperationID] = s.Reason
	}
	assert.Contains(t, skips["walkI"], "unclear which array holds the items (left, right)")
	assert.Contains(t, skips["walkJ"], "declares page but its response has none of: a pages object, page and total_pages at its top level, next_cursor with has_more, scroll_param")
	assert.Contains(t, skips["walkN"], "has next_cursor and has_more, but the operation declares no cursor query parameter")
	assert.Contains(t, skips["walkO"], "has page without total_pages")
	assert.NotContains(t, skips, "fetchK", "an operation without paging shapes is not mentioned")
	assert.Len(t, skips, 4)

	// Page numbers at the top level are read there; a cursor named cursor
	// goes back under that name, and has_more false ends the list.
	assert.Equal(t, LayoutTopPages, got["walkL"].Layout)
	assert.Contains(t, got["walkL"].Info, "in.TotalPages = ")
	assert.NotContains(t, got["walkL"].Info, "Pages.")
	m := got["walkM"]
	assert.Equal(t, LayoutNextCursor, m.Layout)
	assert.Contains(t, m.Fetch, `intercom.SetQuery("cursor", at.StartingAfter)`)
	assert.Contains(t, m.Info, "in.NextCursor = \"\"")

	// The search copies the caller's body, keeps its per_page and fills a
	// required per_page from the previous page.
	d := got["findD"]
	assert.Contains(t, d.Fetch, "b := body")
	assert.Contains(t, d.Fetch, "pg.StartingAfter = &at.StartingAfter")
	assert.Contains(t, d.Fetch, "if pg.PerPage == 0 && at.PerPage > 0")
	assert.Contains(t, d.Fetch, "FindD(ctx, b, opts...)")
	// The untyped pages object is read generically.
	assert.Contains(t, got["walkG"].Info, "intercom.PageInfoFromMap(*v)")
}

func TestEmittedFiles(t *testing.T) {
	r := generateShapes(t)
	for _, name := range []string{CodeFile, TestFile, TableFile} {
		require.Contains(t, r.Files, name)
	}
	code := string(r.Files[CodeFile])
	assert.True(t, strings.HasPrefix(code, pipeline.Header+"\n"))
	for _, fn := range []string{"WalkAPages", "WalkAAll", "FindDPages", "FindDAll", "WalkEAll", "WalkGAll"} {
		assert.Contains(t, code, "func (c *Client) "+fn+"(ctx context.Context")
	}
	assert.NotContains(t, code, "WalkIPages", "a skipped operation gets no iterator")
	test := string(r.Files[TestFile])
	assert.Contains(t, test, `name: "WalkH"`)
	assert.Contains(t, test, `ItemsPath: []string{"data", "hits"}`)

	table := string(r.Files[TableFile])
	assert.True(t, strings.HasPrefix(table, TableHeader+"\n"))
	assert.Contains(t, table, "10 paginated operations: cursor 4, search 1, scroll 1, page number 2, next URL 1, any 1.")
	assert.Contains(t, table, "| `walkJ` | `GET /j` |")
	assert.Contains(t, table, "`data.hits` (`Thing`)")
}

func TestDocumentIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	want, err := Document(root)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, DocPath))
	require.NoError(t, err, "run `make generate`")
	assert.True(t, bytes.Equal(want, got), "%s is stale: run `make generate`", DocPath)
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("word ", 40)
	out := wrap(long, "// ")
	for _, line := range strings.Split(out, "\n") {
		assert.True(t, strings.HasPrefix(line, "// "))
		assert.LessOrEqual(t, len(line), 80)
	}
	assert.Equal(t, strings.Fields(long), strings.Fields(strings.ReplaceAll(out, "//", "")))
}
