package schemadiff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// Format is an output format of a report.
type Format string

// The formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// ParseFormat reads a format name: "text", "markdown" (or "md"), "json".
func ParseFormat(name string) (Format, bool) {
	switch strings.ToLower(name) {
	case "text", "txt":
		return Text, true
	case "markdown", "md":
		return Markdown, true
	case "json":
		return JSON, true
	}
	return "", false
}

// Write renders the report in the given format.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case JSON:
		return r.WriteJSON(w)
	case Markdown:
		return r.WriteMarkdown(w)
	case Text:
		return r.WriteText(w)
	}
	return fmt.Errorf("unknown format %q: use text, markdown or json", f)
}

// WriteJSON renders the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText renders the report as plain text for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	render(r, &textDoc{w: b})
	return b.Flush()
}

// WriteMarkdown renders the report as Markdown, for a changelog.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	render(r, &markdownDoc{w: b})
	return b.Flush()
}

// doc is what the two human formats have in common; render says what to
// write and each doc says how.
type doc interface {
	heading(level int, s string)
	para(s string)
	item(s string)
	sub(s string) // an item under the previous item
	table(header []string, rows [][]string)
	// details writes body folded away where the format can fold.
	details(summary string, body func())
	// code quotes an identifier or a type.
	code(s string) string
	// sev marks a severity, with a space after the mark.
	sev(s Severity) string
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func render(r *Report, d doc) {
	wireHead := 2
	d.heading(1, fmt.Sprintf("Changes from %s to %s", r.Base, r.Revision))
	if len(r.Filter) > 0 {
		d.para("Only what reaches these operations: " + strings.Join(codes(d, r.Filter), ", ") + ".")
	}
	b, w, c := r.Summary.BySeverity[Breaking], r.Summary.BySeverity[Warning], r.Summary.BySeverity[Compatible]
	lines := []string{}
	if b+w+c == 0 {
		lines = append(lines, "Wire view: nothing changes in what Intercom sends or accepts.")
	} else if b+w == 0 {
		lines = append(lines, fmt.Sprintf("Wire view: nothing to act on; %s.", plural(c, "compatible change", "compatible changes")))
	} else {
		lines = append(lines, fmt.Sprintf("Wire view: %d breaking, %d that may break a client (warnings), %d compatible.", b, w, c))
	}
	if r.Go != nil {
		if n := r.Go.incompatible(); n == 0 {
			lines = append(lines, "Go view: nothing to change; code that compiles against "+d.code(r.Go.Base)+" compiles against "+d.code(r.Go.Revision)+".")
		} else {
			lines = append(lines, fmt.Sprintf("Go view: %s that may stop code compiling when the import moves from %s to %s.", plural(n, "incompatible change", "incompatible changes"), d.code(path.Base(r.Go.Base)), d.code(path.Base(r.Go.Revision))))
		}
	}
	lines = append(lines, fmt.Sprintf("Also: %s, %s, %s (not part of either view's severity).",
		plural(r.Summary.Annotations, "annotation flip", "annotation flips"),
		plural(r.Summary.Examples, "example-only change", "example-only changes"),
		plural(r.Summary.Contradictions, "probable spec error", "probable spec errors")))
	for _, l := range lines {
		d.item(l)
	}

	d.heading(2, "Wire view")
	d.para(fmt.Sprintf("What Intercom sends and accepts differently, from %s. %smarks a change that breaks a client written against %s, %sone that may, depending on how the client reads the API; unmarked changes are compatible. Severities are oasdiff's, calibrated: allOf is flattened, a oneOf or anyOf that accepts a superset is compatible, new values of a response enum are one warning, and a change the revision's own examples contradict is a probable spec error.",
		plural(r.Findings, "oasdiff finding", "oasdiff findings"), d.sev(Breaking), r.Base, d.sev(Warning)))
	var rows [][]string
	for _, k := range Kinds() {
		if c, ok := r.Summary.ByKind[k]; ok {
			rows = append(rows, []string{string(k), fmt.Sprint(c.Entries), fmt.Sprint(c.Breaking), fmt.Sprint(c.Findings)})
		}
	}
	if len(rows) > 0 {
		d.table([]string{"kind", "changes", "breaking", "findings"}, rows)
	}
	line := func(c Change) string {
		s := d.sev(c.Severity) + c.Text
		if c.Why != "" && !c.Annotation {
			s += " (" + c.Why + ")"
		}
		return s
	}
	wire := func(cs []Change) []Change {
		var out []Change
		for _, c := range cs {
			if !c.Annotation {
				out = append(out, c)
			}
		}
		return out
	}

	if len(r.OperationsAdded)+len(r.OperationsRemoved) > 0 {
		d.heading(wireHead+1, "Operations")
		for _, o := range r.OperationsRemoved {
			d.item(fmt.Sprintf("%sremoved %s", d.sev(o.Severity), opLabel(d, o.Method, o.Path, o.OperationID)))
		}
		for _, o := range r.OperationsAdded {
			d.item(fmt.Sprintf("%sadded %s", d.sev(o.Severity), opLabel(d, o.Method, o.Path, o.OperationID)))
		}
	}

	if cs := wire(r.Common); len(cs) > 0 {
		d.heading(wireHead+1, "Changes common to most operations")
		d.para("Each of these was found, identically, on many of the operations both versions have; it is listed once.")
		for _, c := range cs {
			d.item(fmt.Sprintf("%s (on %s)", line(c), plural(len(c.Operations), "operation", "operations")))
		}
	}

	schemaChanges := 0
	for _, s := range r.Schemas {
		schemaChanges += len(wire(s.Changes))
	}
	if schemaChanges+len(r.SchemasAdded)+len(r.SchemasRemoved) > 0 {
		d.heading(wireHead+1, "Schemas")
		if len(r.SchemasRemoved) > 0 {
			names := make([]string, len(r.SchemasRemoved))
			worst := Compatible
			for i, c := range r.SchemasRemoved {
				names[i] = strings.TrimSuffix(strings.TrimPrefix(c.Text, "removed the schema `"), "`")
				if c.Severity.rank() < worst.rank() {
					worst = c.Severity
				}
			}
			slices.Sort(names)
			d.para(fmt.Sprintf("%sRemoved (%d): %s.", d.sev(worst), len(names), strings.Join(codes(d, names), ", ")))
		}
		if len(r.SchemasAdded) > 0 {
			d.para(fmt.Sprintf("Added (%d): %s.", len(r.SchemasAdded), strings.Join(codes(d, r.SchemasAdded), ", ")))
		}
		for _, s := range r.Schemas {
			cs := wire(s.Changes)
			if len(cs) == 0 {
				continue
			}
			d.heading(wireHead+2, d.code(s.Name))
			for _, c := range cs {
				d.item(line(c) + reach(d, c))
			}
		}
	}

	opChanges := 0
	for _, o := range r.Operations {
		opChanges += len(wire(o.Changes))
	}
	if opChanges > 0 {
		d.heading(wireHead+1, "Operation changes")
		for _, o := range r.Operations {
			cs := wire(o.Changes)
			if len(cs) == 0 {
				continue
			}
			d.heading(wireHead+2, opLabel(d, o.Method, o.Path, o.OperationID))
			for _, c := range cs {
				d.item(line(c))
			}
		}
	}

	if cs := wire(r.Other); len(cs) > 0 {
		d.heading(wireHead+1, "Other changes")
		for _, c := range cs {
			d.item(line(c))
		}
	}

	renderAnnotations(r, d)
	renderExamples(r, d)

	switch {
	case r.Go != nil:
		renderGo(r.Go, d)
	case r.GoNote != "":
		d.heading(2, "Go view")
		d.para(r.GoNote)
	}
}

func codes(d doc, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = d.code(n)
	}
	return out
}

// renderAnnotations lists the annotation churn apart from the wire view.
func renderAnnotations(r *Report, d doc) {
	if r.Summary.Annotations == 0 {
		return
	}
	d.heading(2, "Annotation churn")
	d.para(fmt.Sprintf("Required, nullable, enum-constraint and format flags, and path parameters typed text or integer, that flip between %s and %s while the versions around them (%s) say the flip is not a change to the API: it reverts, or the earlier version did not have it. oasdiff's severity is shown; none of these counts in the wire view.",
		r.Base, r.Revision, strings.Join(r.Neighbours, ", ")))
	d.details(plural(r.Summary.Annotations, "annotation flip", "annotation flips"), func() {
		each := func(where string, c Change) {
			d.item(fmt.Sprintf("%s: %s (%s; oasdiff: %s)", where, c.Text, c.Why, c.Oasdiff))
		}
		for _, c := range r.Common {
			if c.Annotation {
				each("every operation", c)
			}
		}
		for _, s := range r.Schemas {
			for _, c := range s.Changes {
				if c.Annotation {
					each(d.code(s.Name), c)
				}
			}
		}
		for _, o := range r.Operations {
			for _, c := range o.Changes {
				if c.Annotation {
					each(opLabel(d, o.Method, o.Path, o.OperationID), c)
				}
			}
		}
		for _, c := range r.Other {
			if c.Annotation {
				each("elsewhere", c)
			}
		}
	})
}

// renderExamples lists the example-only changes and the probable spec
// errors, the lowest-priority part of a report.
func renderExamples(r *Report, d doc) {
	if len(r.Examples)+len(r.Contradictions) == 0 {
		return
	}
	d.heading(2, "Examples")
	if len(r.Contradictions) > 0 {
		d.heading(3, fmt.Sprintf("Probable spec errors (%d)", len(r.Contradictions)))
		d.para(fmt.Sprintf("Examples of %s that their own schema contradicts, and %s's did not: the schema or the example is wrong, and the wire usually follows the example.", r.Revision, r.Base))
		for _, g := range groupContradictions(r.Contradictions) {
			c := g[0]
			if len(g) == 1 {
				at := ""
				if c.Path != "" {
					at = " at " + d.code(c.Path)
				}
				d.item(fmt.Sprintf("%s, %s%s: %s", opRef(d, c.Operation, c.OperationID), exampleWhere(d, c.Where, c.Example), at, c.Problem))
				continue
			}
			// One problem found in many examples: one line, with the
			// operations whose examples show it.
			var paths, ops []string
			for _, m := range g {
				if m.Path != "" && !slices.Contains(paths, d.code(m.Path)) {
					paths = append(paths, d.code(m.Path))
				}
				if op := opRef(d, m.Operation, m.OperationID); !slices.Contains(ops, op) {
					ops = append(ops, op)
				}
			}
			at := ""
			if len(paths) > 0 {
				at = "at " + strings.Join(paths, ", ") + ": "
			}
			in := "the examples of " + plural(len(ops), "operation", "operations")
			if len(g) > len(ops) {
				in = plural(len(g), "example", "examples") + " of " + plural(len(ops), "operation", "operations")
			}
			d.item(fmt.Sprintf("%s%s, in %s: %s", at, c.Problem, in, strings.Join(ops, ", ")))
		}
	}
	if len(r.Examples) > 0 {
		d.heading(3, fmt.Sprintf("Changes only in examples (%d)", len(r.Examples)))
		d.para("Flags and keywords the examples show differently (ids, timestamps, numbers and free text ignored). The schema did not change here, but the example may be how Intercom documents a new default.")
		for _, c := range r.Examples {
			d.item(fmt.Sprintf("%s, %s: %s %s → %s", opRef(d, c.Operation, c.OperationID), exampleWhere(d, c.Where, c.Example), d.code(c.Path), d.code(c.From), d.code(c.To)))
		}
	}
}

// groupContradictions groups the contradictions that are one problem seen
// in several examples: the same complaint about the same property (the
// last step of the path), of the same typed schema. Groups keep the order
// of their first member.
func groupContradictions(list []Contradiction) [][]Contradiction {
	var groups [][]Contradiction
	index := map[string]int{}
	for _, c := range list {
		last := c.Path
		if i := strings.LastIndexByte(last, '/'); i >= 0 {
			last = last[i+1:]
		}
		key := c.Schema + "\x00" + last + "\x00" + c.Problem
		if i, ok := index[key]; ok {
			groups[i] = append(groups[i], c)
			continue
		}
		index[key] = len(groups)
		groups = append(groups, []Contradiction{c})
	}
	return groups
}

func opLabel(d doc, method, path, id string) string { return opRef(d, method+" "+path, id) }

// opRef labels an operation given as "METHOD /path", with its id.
func opRef(d doc, op, id string) string {
	s := d.code(op)
	if id != "" {
		s += " (" + d.code(id) + ")"
	}
	return s
}

// exampleWhere says where an example is: "response 200, example `ok`".
func exampleWhere(d doc, where, example string) string {
	if example != "" {
		where += ", example " + d.code(example)
	}
	return where
}

// reach says which operations a schema change was found on, or how many
// when they are many.
func reach(d doc, c Change) string {
	const named = 3
	switch n := len(c.Operations); {
	case n == 0:
		return ""
	case n <= named:
		ops := make([]string, n)
		for i, o := range c.Operations {
			ops[i] = d.code(o)
		}
		return " (in " + strings.Join(ops, ", ") + ")"
	default:
		return " (in " + plural(n, "operation", "operations") + ")"
	}
}

func renderGo(g *GoReport, d doc) {
	d.heading(2, "Go view")
	if len(g.Changes) == 0 {
		what := "the exported API"
		if g.filtered {
			what = "what these operations reach in the exported API"
		}
		d.para(fmt.Sprintf("Nothing: %s of %s is the same as %s's.", what, d.code(g.Revision), d.code(g.Base)))
		return
	}
	verdict := "nothing to change: every change is an addition"
	if n := g.incompatible(); n > 0 {
		verdict = fmt.Sprintf("%sincompatible: %d may stop code compiling", d.sev(Breaking), n)
	}
	d.para(fmt.Sprintf("How the exported API of %s differs from %s's: what Go code edits when it switches imports. %s; %s.",
		d.code(g.Revision), d.code(g.Base), plural(len(g.Changes), "change", "changes"), verdict))
	var rows [][]string
	for _, c := range g.Summary {
		rows = append(rows, []string{string(c.Object), string(c.Action), fmt.Sprint(c.Changes), fmt.Sprint(c.Incompatible)})
	}
	if len(rows) > 0 {
		d.table([]string{"identifier", "change", "count", "incompatible"}, rows)
	}

	pick := func(o GoObject, a GoAction) []GoChange {
		var out []GoChange
		for _, c := range g.Changes {
			if c.Object == o && c.Action == a {
				out = append(out, c)
			}
		}
		return out
	}
	names := func(cs []GoChange) string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = d.code(c.Name)
		}
		return strings.Join(out, ", ")
	}
	byOwner := func(title string, cs []GoChange, line func(GoChange) string, folded bool) {
		if len(cs) == 0 {
			return
		}
		body := func() {
			var owners []string
			groups := map[string][]GoChange{}
			for _, c := range cs {
				if _, ok := groups[c.Owner]; !ok {
					owners = append(owners, c.Owner)
				}
				groups[c.Owner] = append(groups[c.Owner], c)
			}
			slices.Sort(owners)
			for _, o := range owners {
				d.item(d.code(o))
				for _, c := range groups[o] {
					d.sub(line(c))
				}
			}
		}
		if folded {
			d.details(fmt.Sprintf("%s (%d)", title, len(cs)), body)
			return
		}
		d.heading(3, fmt.Sprintf("%s (%d)", title, len(cs)))
		body()
	}
	member := func(c GoChange) string {
		name := c.Name
		if c.Owner != "" {
			name = c.Name[strings.LastIndex(c.Name, ".")+1:]
		}
		if c.Detail != "" {
			return d.code(name) + ": " + d.code(c.Detail)
		}
		if c.Action == GoChanged {
			return d.code(name) + ": " + d.code(shorten(c.Message))
		}
		return d.code(name)
	}

	if cs := pick(GoType, GoRemoved); len(cs) > 0 {
		d.heading(3, fmt.Sprintf("Types removed (%d)", len(cs)))
		d.para(names(cs) + ".")
	}
	if cs := pick(GoType, GoChanged); len(cs) > 0 {
		d.heading(3, fmt.Sprintf("Types changed (%d)", len(cs)))
		for _, c := range cs {
			d.item(member(c))
		}
	}
	byOwner("Methods removed", pick(GoMethod, GoRemoved), member, false)
	byOwner("Method signatures changed", pick(GoMethod, GoChanged), member, false)
	if cs := append(pick(GoFunc, GoRemoved), pick(GoFunc, GoChanged)...); len(cs) > 0 {
		d.details(fmt.Sprintf("Functions removed or changed (%d)", len(cs)), func() {
			for _, c := range cs {
				d.item(member(c))
			}
		})
	}
	byOwner("Interface methods removed or changed", append(pick(GoInterfaceMethod, GoRemoved), pick(GoInterfaceMethod, GoChanged)...), member, true)
	byOwner("Fields removed", pick(GoField, GoRemoved), member, true)
	if cs := pick(GoField, GoChanged); len(cs) > 0 {
		pointers := 0
		for _, c := range cs {
			if c.PointerOnly() {
				pointers++
			}
		}
		d.para(fmt.Sprintf("%s changed type; %d of them only became or stopped being pointers, as properties became optional, nullable or required.",
			plural(len(cs), "field", "fields"), pointers))
		byOwner("Fields changed", cs, member, true)
	}
	if cs := append(pick(GoConst, GoRemoved), append(pick(GoConst, GoChanged), append(pick(GoVar, GoRemoved), pick(GoVar, GoChanged)...)...)...); len(cs) > 0 {
		d.details(fmt.Sprintf("Constants and variables removed or changed (%d)", len(cs)), func() {
			for _, c := range cs {
				d.item(d.code(c.Name) + ": " + c.Message)
			}
		})
	}
	if cs := pick(GoOtherObject, GoRemoved); len(cs) > 0 {
		d.details(fmt.Sprintf("Other removals (%d)", len(cs)), func() {
			for _, c := range cs {
				d.item(d.code(c.Name))
			}
		})
	}
	if cs := append(pick(GoOtherObject, GoChanged), pick(GoOtherObject, GoAdded)...); len(cs) > 0 {
		d.details(fmt.Sprintf("Other changes (%d)", len(cs)), func() {
			for _, c := range cs {
				d.item(d.code(c.Name) + ": " + c.Message)
			}
		})
	}
	added := 0
	for _, o := range []GoObject{GoType, GoFunc, GoConst, GoVar} {
		added += len(pick(o, GoAdded))
	}
	if added > 0 {
		d.details(fmt.Sprintf("Types, functions, constants and variables added (%d)", added), func() {
			for _, o := range []GoObject{GoType, GoFunc, GoConst, GoVar} {
				if cs := pick(o, GoAdded); len(cs) > 0 {
					d.para(fmt.Sprintf("%s (%d): %s.", goObjectTitle[o], len(cs), names(cs)))
				}
			}
		})
	}
	byOwner("Methods and fields added", append(pick(GoMethod, GoAdded), append(pick(GoInterfaceMethod, GoAdded), pick(GoField, GoAdded)...)...), member, true)
}

var goObjectTitle = map[GoObject]string{GoType: "Types", GoFunc: "Functions", GoConst: "Constants", GoVar: "Variables"}

func (g *GoReport) incompatible() int {
	n := 0
	for _, c := range g.Changes {
		if !c.Compatible {
			n++
		}
	}
	return n
}

// textDoc writes plain text.
type textDoc struct {
	w       *bufio.Writer
	started bool
}

func (t *textDoc) gap() {
	if t.started {
		t.w.WriteString("\n")
	}
	t.started = true
}

func (t *textDoc) heading(level int, s string) {
	t.gap()
	t.w.WriteString(s + "\n")
	if level <= 2 {
		t.w.WriteString(strings.Repeat(map[int]string{1: "=", 2: "-"}[level], len([]rune(s))) + "\n")
	}
}

func (t *textDoc) para(s string) {
	t.gap()
	t.w.WriteString(s + "\n")
}

func (t *textDoc) item(s string) {
	t.started = true
	t.w.WriteString("  - " + s + "\n")
}

func (t *textDoc) sub(s string) {
	t.w.WriteString("      " + s + "\n")
}

// table aligns the first column left and the others, numbers, right.
func (t *textDoc) table(header []string, rows [][]string) {
	t.gap()
	all := append([][]string{header}, rows...)
	widths := make([]int, len(header))
	for _, row := range all {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, row := range all {
		var line strings.Builder
		line.WriteString("  ")
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i == 0 {
				line.WriteString(c + pad)
			} else {
				line.WriteString("  " + pad + c)
			}
		}
		t.w.WriteString(line.String() + "\n")
	}
}

func (t *textDoc) details(summary string, body func()) {
	t.heading(3, summary)
	body()
}

func (t *textDoc) code(s string) string { return s }

func (t *textDoc) sev(s Severity) string {
	switch s {
	case Breaking:
		return "[breaking] "
	case Warning:
		return "[warning] "
	}
	return ""
}

// markdownDoc writes GitHub-flavoured Markdown.
type markdownDoc struct {
	w       *bufio.Writer
	started bool
	inList  bool
}

func (m *markdownDoc) block() {
	if m.started {
		m.w.WriteString("\n")
	}
	m.started, m.inList = true, false
}

func (m *markdownDoc) heading(level int, s string) {
	m.block()
	m.w.WriteString(strings.Repeat("#", level) + " " + s + "\n")
}

func (m *markdownDoc) para(s string) {
	m.block()
	m.w.WriteString(s + "\n")
}

func (m *markdownDoc) item(s string) {
	if !m.inList {
		m.block()
		m.inList = true
	}
	m.w.WriteString("- " + s + "\n")
}

func (m *markdownDoc) sub(s string) {
	m.w.WriteString("  - " + s + "\n")
}

func (m *markdownDoc) table(header []string, rows [][]string) {
	m.block()
	cell := func(row []string) string {
		out := make([]string, len(row))
		for i, c := range row {
			out[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		return "| " + strings.Join(out, " | ") + " |\n"
	}
	m.w.WriteString(cell(header))
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
		if i > 0 {
			sep[i] = "---:"
		}
	}
	m.w.WriteString("|" + strings.Join(sep, "|") + "|\n")
	for _, r := range rows {
		m.w.WriteString(cell(r))
	}
}

func (m *markdownDoc) details(summary string, body func()) {
	m.block()
	m.w.WriteString("<details>\n<summary>" + htmlEscape(summary) + "</summary>\n")
	body()
	m.block()
	m.w.WriteString("</details>\n")
}

// code wraps s in a code span, with a fence longer than any run of
// backticks inside it.
func (m *markdownDoc) code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func (m *markdownDoc) sev(s Severity) string {
	switch s {
	case Breaking:
		return "**breaking** "
	case Warning:
		return "*warning* "
	}
	return ""
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
