// Package pagination generates, for every paginated operation of a version
// package, a lazy iterator over its items (<Op>All) and one over its pages
// (<Op>Pages), built on intercom.Pager. Which operations paginate, and how,
// is derived from the shapes in the spec by the rules in rules.go. Its
// emitter also writes, into each version package, a test (the generated
// coverage and walk tests) and pagination.md, the table of paginated
// operations; Document assembles those tables into docs/pagination.md.
package pagination

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/intercomgo/intercom/gen/manifest"
	"github.com/intercomgo/intercom/gen/pipeline"
)

// DocPath is where Document's output goes, below the module root.
const DocPath = "docs/pagination.md"

func init() { pipeline.Finishers = append(pipeline.Finishers, WriteDocument) }

// WriteDocument writes docs/pagination.md below root. The generator runs it
// after writing the version packages.
func WriteDocument(root string) error {
	doc, err := Document(root)
	if err != nil {
		return err
	}
	return manifest.WriteFileAtomic(filepath.Join(root, filepath.FromSlash(DocPath)), doc)
}

// Document renders docs/pagination.md from the pagination.md of every
// version package in the manifest, oldest version first.
func Document(root string) ([]byte, error) {
	m, err := manifest.Load(filepath.Join(root, "openapi", "manifest.json"))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(TableHeader + "\n" + docIntro)
	for _, e := range m.Versions {
		v := pipeline.Version{Name: e.Version}
		path := filepath.Join(pipeline.VersionDir(root, v), TableFile)
		table, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%w (run `make generate`)", err)
		}
		body, ok := strings.CutPrefix(string(table), TableHeader+"\n")
		if !ok {
			return nil, fmt.Errorf("%s does not start with %q; regenerate it with `make generate`", path, TableHeader)
		}
		b.WriteString("\n" + body)
	}
	return b.Bytes(), nil
}

const docIntro = `
# Pagination

Every operation of a version package whose answer is one page of a longer
list has two iterators besides its plain method:

` + "```go" + `
for contact, err := range client.ListContactsAll(ctx) {
	if err != nil {
		return err // a *intercom.PageError; errors.As finds the *intercom.Error beneath
	}
	use(contact)
}
for page, err := range client.ListContactsPages(ctx) {
	// page is the typed answer (*ContactList) with total_count and pages
}
` + "```" + `

Both take the plain method's arguments and request editors, and share these
rules:

- A page is requested only when the loop asks for an item (or page) beyond
  those already fetched; breaking out of the loop sends no further request.
- Requests go through the client's transport and its retry policy. A page
  that cannot be fetched ends the sequence with a ` + "`*intercom.PageError`" + `;
  no page is skipped or fetched twice, so each item arrives once, in order.
- Searches send their pages with ` + "`intercom.Idempotent`" + `: they only read, so a
  5xx answer is retried although the method is POST. The same holds for any
  paginated POST (such as listing companies).
- A cursor or next-page link that comes back unchanged, or one already
  followed (a loop), or a page other than the page number asked for, ends
  the walk with an error wrapping ` + "`intercom.ErrNoProgress`" + ` rather than
  deliver items twice or loop forever, however long the loop. The check keeps
  32 bytes per page walked. An empty page ends a walk by page number, whatever
  ` + "`total_pages`" + ` claims.
- The context is checked before every request and every item.
- Parameters the API accepts but a version's spec forgets (such as
  ` + "`starting_after`" + ` on ` + "`GET /contacts`" + ` in 2.10 and 2.12) are set on the request by the
  iterator. ` + "`intercom.SetQuery(name, value)`" + ` is a request editor for other
  forgotten parameters, such as ` + "`per_page`" + `.

## Styles

| Style | Recognised by (shape in the spec) | Next page | End |
|---|---|---|---|
| search | the request body has ` + "`pagination.starting_after`" + `; the response ` + "`pages.next.starting_after`" + ` | cursor in the request body (a ` + "`starting_after`" + ` in the query string is ignored by Intercom) | no cursor |
| scroll | the response has a string ` + "`scroll_param`" + ` | ` + "`scroll_param`" + ` query parameter | an empty page |
| next URL | the response's ` + "`pages.next`" + ` is a string | the link's query, sent to the client's own base URL | no link |
| cursor | the response's ` + "`pages.next`" + ` has ` + "`starting_after`" + `, and the operation declares ` + "`starting_after`" + ` or no ` + "`page`" + ` parameter | ` + "`starting_after`" + ` query parameter; by page number when a page has no cursor but ` + "`pages.page`" + ` < ` + "`pages.total_pages`" + ` | neither |
| page number | the response's ` + "`pages`" + ` has ` + "`page`" + ` or ` + "`total_pages`" + ` | ` + "`page`" + ` query parameter, one more than the page answered | ` + "`pages.page`" + ` = ` + "`pages.total_pages`" + ` (without a total: an empty page) |
| any | the response's ` + "`pages`" + ` is an untyped object | whichever the answer gives: link, cursor or page number | none given |
| cursor (top level) | no ` + "`pages`" + `; the response has ` + "`next_cursor`" + ` and ` + "`has_more`" + `, and the operation declares a ` + "`cursor`" + ` query parameter | ` + "`cursor`" + ` query parameter | ` + "`has_more`" + ` false, or no cursor |
| page number (top level) | no ` + "`pages`" + `; the response has ` + "`page`" + ` and ` + "`total_pages`" + ` at its top level | ` + "`page`" + ` query parameter | ` + "`page`" + ` = ` + "`total_pages`" + ` |

The rules are tried in this order. The items are the response's only array
property besides ` + "`pages`" + ` (else the only array inside one of its object
properties, such as ` + "`data.articles`" + `; with several candidates, the one whose
items have an ` + "`id`" + `).

### Scroll

Intercom keeps a scroll's position on its side, allows one open scroll per
workspace and expires it after a minute unused; when a scroll request fails
(a 500 asking to restart the scroll, a lost connection, an expired
` + "`scroll_param`" + `) the scroll cannot be resumed. Scroll requests are therefore sent
with ` + "`intercom.NotIdempotent`" + `: they are retried after a 429 or a connection that
failed before sending, never after an outcome that may have moved the scroll
on, which could silently skip a batch. The iterator does not restart the
scroll by itself either, as that would deliver the items already seen a
second time: it ends with an error wrapping ` + "`intercom.ErrScrollRestart`" + `, and the
caller decides whether to start a new iteration from the beginning. Consume
scroll items promptly.

Generated by ` + "`make generate`" + `: each version package's ` + "`pagination.md`" + ` is the
table of its paginated operations, and this file gathers them. Operations that declare paging
parameters or carry a ` + "`pages`" + ` object without matching a rule are listed as not
iterated, with what they lack.
`
