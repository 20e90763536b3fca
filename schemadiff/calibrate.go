package schemadiff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/oasdiff/oasdiff/checker"
)

// The calibration rules. oasdiff judges each finding on its own; a spec
// that keeps changing its annotations back and forth makes most of its
// "breaking" findings noise. Each finding gets a verdict:
//
//   - Annotation churn: a required, nullable, enum-constraint or format
//     flag, or a path parameter typed text in one version and integer in
//     the other, goes in its own section unless the versions around the
//     pair confirm it. A flip that reverts in the version after the
//     revision, or that the version before the base did not have, is churn.
//     Without neighbours (spec files), the effective-schema rules decide.
//   - Effective schemas: allOf is flattened before the comparison, and a
//     oneOf or anyOf that accepts a superset of what it did is compatible.
//   - New values of a response enum are one warning per enum.

// verdict is the calibrated reading of one finding.
type verdict struct {
	sev        Severity
	annotation bool
	why        string
}

// calibrator holds the documents the rules look flags up in.
type calibrator struct {
	base, rev  *rawDoc
	prev, next *rawDoc // the neighbouring versions, when known
	// states caches lookups: one change is found on many operations, and
	// looked up in up to four documents each time.
	states map[stateKey]stateValue
}

type stateKey struct {
	doc     *rawDoc
	finding string // see findingKey
}

// finding is one finding being calibrated, with the key its lookups are
// cached under, built once for the up to four documents it is looked up in.
type finding struct {
	c    checker.ApiChange
	kind Kind
	res  resolved
	key  string
}

// findingKey identifies what a finding looks up: its rule, operation,
// arguments and the positions of its property and status.
func findingKey(c checker.ApiChange, kind Kind, res resolved) string {
	var b strings.Builder
	b.WriteString(c.Id)
	b.WriteByte(0)
	b.WriteString(string(kind))
	b.WriteByte(0)
	b.WriteString(matchKey(opKey(c.Operation, c.Path)))
	b.WriteByte(0)
	for _, a := range c.Args {
		if s, ok := a.(string); ok {
			b.WriteString(s)
		}
		b.WriteByte(0)
	}
	b.WriteString(strconv.Itoa(res.pathArg))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(res.statusArg))
	return b.String()
}

type stateValue struct {
	v  string
	ok bool
}

// Why texts, shared by the rules and the tests.
const (
	whyEnumAdded = "clients that switch exhaustively on this enum may see new values"
	whySuperset  = "the new list accepts everything the old one did (a superset)"
	whySameFlag  = "the effective schemas agree"
	// whyFlipped begins the reason of a retyping that the neighbouring
	// versions undo.
	whyFlipped = "probable spec error: the type flips and reverts"
	// whyVersionHeader explains why the version header's values and
	// default changing is no change to act on: a client sends the version
	// it was written for, and each version names itself.
	whyVersionHeader = "the version header: each version lists its own name"
)

// annotationKind reports whether findings of kind k flip an annotation.
func annotationKind(k Kind) bool {
	switch k {
	case BecameRequired, BecameOptional, BecameNullable, BecameNotNullable, EnumChanged:
		return true
	}
	return false
}

// verdict calibrates one finding.
func (cb *calibrator) verdict(c checker.ApiChange, kind Kind, res resolved) verdict {
	v := verdict{sev: severityOf(c.Level)}
	if cb == nil {
		return v
	}
	f := &finding{c: c, kind: kind, res: res}
	switch {
	case versionHeader(c):
		v.sev, v.why = Compatible, whyVersionHeader
		return v
	case kind == EnumValueAdded && strings.HasPrefix(c.Id, "response-"):
		v.sev, v.why = Warning, whyEnumAdded
		return v
	case strings.Contains(c.Id, "-one-of-") || strings.Contains(c.Id, "-any-of-"):
		if cb.superset(c, res) {
			v.sev, v.why = Compatible, whySuperset
		}
		return v
	case annotationKind(kind), kind == TypeChanged:
	case kind == PropertyRemoved:
	default:
		return v
	}
	if kind == TypeChanged || kind == PropertyRemoved {
		// A schema replaced by a oneOf or anyOf that includes its shape.
		path := ""
		if res.pathArg >= 0 {
			path, _ = c.Args[res.pathArg].(string)
		}
		if kind == PropertyRemoved {
			if i := strings.LastIndex(strings.TrimSuffix(path, "/"), "/"); i >= 0 {
				path = path[:i]
			} else {
				path = ""
			}
		}
		if cb.widenedAt(c, res, path) {
			v.sev, v.why = Compatible, whySuperset
			return v
		}
		if kind == PropertyRemoved {
			// A property only the base lists: the version before it did
			// not list it either.
			if cb.prev != nil {
				if vp, ok := cb.state(cb.prev, f); ok && vp == "not listed" {
					if vb, ok := cb.state(cb.base, f); ok && vb == "listed" {
						v.annotation = true
						v.why = fmt.Sprintf("%s did not list it either: only %s does", cb.prev.name, cb.base.name)
					}
				}
			}
			return v
		}
	}
	vb, okb := cb.state(cb.base, f)
	vr, okr := cb.state(cb.rev, f)
	if !okb || !okr {
		return v
	}
	if kind == TypeChanged && !annotationType(c, vb, vr) {
		// A real retyping that the versions around the pair undo: the
		// base is the odd one out, the version before says what the
		// revision says. The description flipped, not the API.
		if vb != vr && cb.prev != nil {
			if vp, ok := cb.state(cb.prev, f); ok && vp == vr {
				v.sev = Warning
				v.why = fmt.Sprintf(whyFlipped+": %s says %s too, only %s says %s", cb.prev.name, vr, cb.base.name, vb)
				return v
			}
		}
		// A revision that is the odd one out (the next version goes back)
		// still says what it says: its users get the new type.
		return v
	}
	if vb == vr {
		// oasdiff compares the schemas as written; the flag in effect,
		// following $ref, sibling keywords and allOf, is the same.
		v.sev, v.why = Compatible, fmt.Sprintf("%s: %s in both", whySameFlag, vb)
		return v
	}
	if cb.next != nil {
		if vn, ok := cb.state(cb.next, f); ok && vn == vb {
			v.annotation = true
			v.why = fmt.Sprintf("%s → %s, and back to %s in %s", vb, vr, vb, cb.next.name)
			return v
		}
	}
	confirmed := false
	if cb.prev != nil {
		vp, ok := cb.state(cb.prev, f)
		switch {
		case ok && vp != vb:
			v.annotation = true
			if vp == vr {
				v.why = fmt.Sprintf("%s says %s too: only %s says %s", cb.prev.name, vr, cb.base.name, vb)
			} else {
				v.why = fmt.Sprintf("%s says %s, %s %s, %s %s", cb.prev.name, vp, cb.base.name, vb, cb.rev.name, vr)
			}
			return v
		case ok:
			confirmed = true
		}
	}
	if cb.next != nil {
		if vn, ok := cb.state(cb.next, f); ok && vn == vr {
			confirmed = true
		}
	}
	if !confirmed && (cb.prev != nil || cb.next != nil) {
		// The module knows versions around the pair, and none of them
		// says the flip is a change.
		v.annotation = true
		v.why = fmt.Sprintf("%s → %s, and no version around the pair (%s) confirms it", vb, vr, strings.Join(neighbourNames(cb), ", "))
	}
	return v
}

// versionHeader reports whether a finding is about the API version header
// (Intercom-Version), whose values and default follow the version.
func versionHeader(c checker.ApiChange) bool {
	if locationOf(c.Id) != InParameter || !slices.Contains(c.Args, any("header")) {
		return false
	}
	for _, a := range c.Args {
		if name, ok := a.(string); ok && strings.HasSuffix(strings.ToLower(name), "-version") {
			return true
		}
	}
	return false
}

// annotationType reports whether a type change is an annotation flip: the
// format alone changed, or a path parameter went between text and a
// number.
func annotationType(c checker.ApiChange, vb, vr string) bool {
	tb, _, _ := strings.Cut(vb, "/")
	tr, _, _ := strings.Cut(vr, "/")
	if tb == tr {
		return true
	}
	if len(c.Args) > 0 && c.Args[0] == "path" {
		pair := []string{tb, tr}
		slices.Sort(pair)
		return pair[0] == "integer" && pair[1] == "string" || pair[0] == "number" && pair[1] == "string"
	}
	return false
}

// state looks up, in doc, the flag a finding is about, as a word a report
// can show ("required", "nullable", "integer/int64").
func (cb *calibrator) state(doc *rawDoc, f *finding) (string, bool) {
	if doc == nil {
		return "", false
	}
	if f.key == "" {
		f.key = findingKey(f.c, f.kind, f.res)
	}
	key := stateKey{doc, f.key}
	if v, ok := cb.states[key]; ok {
		return v.v, v.ok
	}
	v, ok := cb.lookup(doc, f.c, f.kind, f.res)
	if cb.states == nil {
		cb.states = map[stateKey]stateValue{}
	}
	cb.states[key] = stateValue{v, ok}
	return v, ok
}

// lookup is state without the cache.
func (cb *calibrator) lookup(doc *rawDoc, c checker.ApiChange, kind Kind, res resolved) (string, bool) {
	op := opKey(c.Operation, c.Path)
	var node, parent map[string]any
	var name string
	switch locationOf(c.Id) {
	case InParameter:
		if len(c.Args) < 2 {
			return "", false
		}
		in, _ := c.Args[0].(string)
		pname, _ := c.Args[1].(string)
		tmpl := c.Path
		if paramIndex(tmpl, pname) < 0 {
			if o, ok := cb.base.ops[matchKey(op)]; ok {
				tmpl = o.path
			}
		}
		p := doc.parameter(op, in, pname, tmpl)
		if p == nil {
			return "", false
		}
		if kind == BecameRequired || kind == BecameOptional {
			return requiredWord(p["required"] == true), true
		}
		schema, _ := p["schema"].(map[string]any)
		if schema = doc.deref(schema); schema == nil {
			return "", false
		}
		node = schema
		if strings.Contains(c.Id, "-property-") {
			return "", false // a property inside a parameter's schema: not looked up
		}
	case InRequest, InResponse:
		s, status := requestSide, ""
		if locationOf(c.Id) == InResponse {
			s = responseSide
			if res.statusArg >= 0 {
				status, _ = c.Args[res.statusArg].(string)
			} else if status = doc.successStatus(op); status == "" {
				return "", false
			}
		}
		path := ""
		if res.pathArg >= 0 {
			path, _ = c.Args[res.pathArg].(string)
		} else if !strings.Contains(c.Id, "-body-") {
			return "", false
		}
		schema := doc.payload(op, s, status)
		if schema == nil {
			return "", false
		}
		node, parent, name = doc.walk(schema, path)
	default:
		return "", false
	}
	switch kind {
	case BecameRequired, BecameOptional:
		if parent == nil || name == "" || node == nil {
			return "", false
		}
		return requiredWord(doc.required(parent, name, 0)), true
	case BecameNullable, BecameNotNullable:
		if node == nil {
			return "", false
		}
		if doc.nullable(node, 0) {
			return "nullable", true
		}
		return "not nullable", true
	case EnumChanged:
		if node == nil {
			return "", false
		}
		if _, ok := node["enum"]; ok {
			return "an enum", true
		}
		return "no enum", true
	case TypeChanged:
		if node == nil {
			return "", false
		}
		return typeFormat(node), true
	case PropertyRemoved:
		switch {
		case parent == nil || name == "":
			return "", false
		case node == nil:
			return "not listed", true
		}
		return "listed", true
	}
	return "", false
}

func requiredWord(b bool) string {
	if b {
		return "required"
	}
	return "optional"
}

// node finds the schema a finding's path leads to in doc.
func (cb *calibrator) node(doc *rawDoc, c checker.ApiChange, res resolved, path string) map[string]any {
	var s side
	status := ""
	switch locationOf(c.Id) {
	case InRequest:
		s = requestSide
	case InResponse:
		s = responseSide
		if res.statusArg < 0 {
			return nil
		}
		status, _ = c.Args[res.statusArg].(string)
	default:
		return nil
	}
	schema := doc.payload(opKey(c.Operation, c.Path), s, status)
	if schema == nil {
		return nil
	}
	node, _, _ := doc.walk(schema, strings.TrimSuffix(path, "/"))
	return node
}

// widenedAt reports whether the schema at path became a oneOf or anyOf
// one of whose alternatives has the shape the schema had.
func (cb *calibrator) widenedAt(c checker.ApiChange, res resolved, path string) bool {
	before, after := cb.node(cb.base, c, res, path), cb.node(cb.rev, c, res, path)
	if before == nil || after == nil {
		return false
	}
	var alts []map[string]any
	for _, key := range []string{"oneOf", "anyOf"} {
		alts = append(alts, cb.rev.members(after, key)...)
	}
	if len(alts) == 0 {
		return false
	}
	want := shape(cb.base, before, 0)
	for _, a := range alts {
		if shape(cb.rev, a, 0) == want {
			return true
		}
	}
	return false
}

// shape describes what a schema lets through on the wire, leaving out the
// annotations (descriptions, examples, required and nullable flags):
// its type and its properties' shapes, allOf flattened.
func shape(doc *rawDoc, s map[string]any, depth int) string {
	if s == nil || depth > 6 {
		return ""
	}
	var b strings.Builder
	b.WriteString(fmt.Sprint(s["type"]))
	props := map[string]map[string]any{}
	var collect func(m map[string]any, d int)
	collect = func(m map[string]any, d int) {
		if m == nil || d > 16 {
			return
		}
		if ps, ok := m["properties"].(map[string]any); ok {
			for k, v := range ps {
				if pm, ok := v.(map[string]any); ok {
					props[k] = doc.deref(pm)
				}
			}
		}
		for _, a := range doc.members(m, "allOf") {
			collect(a, d+1)
		}
	}
	collect(s, 0)
	for _, k := range slices.Sorted(maps.Keys(props)) {
		b.WriteString("{" + k + ":" + shape(doc, props[k], depth+1) + "}")
	}
	if it, ok := s["items"].(map[string]any); ok {
		b.WriteString("[" + shape(doc, doc.deref(it), depth+1) + "]")
	}
	return b.String()
}

// superset reports whether the oneOf or anyOf list a finding is about
// accepts, in the revision, every alternative it accepted in the base.
func (cb *calibrator) superset(c checker.ApiChange, res resolved) bool {
	key := "oneOf"
	if strings.Contains(c.Id, "-any-of-") {
		key = "anyOf"
	}
	path := ""
	if res.pathArg >= 0 {
		path, _ = c.Args[res.pathArg].(string)
	}
	before, after := cb.node(cb.base, c, res, path), cb.node(cb.rev, c, res, path)
	if before == nil || after == nil {
		return false
	}
	olds, news := cb.base.members(before, key), cb.rev.members(after, key)
	if len(news) == 0 {
		return false
	}
	if len(olds) == 0 {
		// A schema that became a list of alternatives, itself among them.
		return cb.widenedAt(c, res, path)
	}
	for _, o := range olds {
		if !slices.ContainsFunc(news, func(n map[string]any) bool { return accepts(cb.rev, n, cb.base, o, 0) }) {
			return false
		}
	}
	return true
}

// accepts reports whether schema a (in doc da) accepts every value schema
// b (in doc db) does, as far as a structural reading can tell: the same
// schema, a list of alternatives one of which accepts b, arrays whose
// items do, a number for an integer.
func accepts(da *rawDoc, a map[string]any, db *rawDoc, b map[string]any, depth int) bool {
	if a == nil || b == nil || depth > 8 {
		return false
	}
	if canonical(a) == canonical(b) {
		return true
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		for _, m := range da.members(a, key) {
			if accepts(da, m, db, b, depth+1) {
				return true
			}
		}
	}
	ta, tb := a["type"], b["type"]
	switch {
	case ta == "array" && tb == "array":
		ia, _ := a["items"].(map[string]any)
		ib, _ := b["items"].(map[string]any)
		return accepts(da, da.deref(ia), db, db.deref(ib), depth+1)
	case ta == "number" && tb == "integer":
		return true
	}
	return false
}

// canonical is a schema as JSON, its annotations left out.
func canonical(s map[string]any) string {
	c := make(map[string]any, len(s))
	for k, v := range s {
		switch k {
		case "description", "example", "examples", "title", "x-go-type":
		default:
			c[k] = v
		}
	}
	b, _ := json.Marshal(c)
	return string(b)
}
