package schemadiff

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/flatten/allof"

	"github.com/intercomgo/intercom/versions"
)

// Option configures Compare.
type Option func(*config)

type config struct {
	commonShare float64
	neighbours  *[2]*Spec // set by WithNeighbours
}

// DefaultCommonShare is the share of operations an identical change must be
// found on to be reported once as a common change.
const DefaultCommonShare = 0.5

// WithCommonShare sets the share (0 < share <= 1) of the operations both
// versions have on which an identical change must be found for the report
// to list it once, as a common change, rather than under each operation.
// Values out of range keep the default.
func WithCommonShare(share float64) Option {
	return func(c *config) {
		if share > 0 && share <= 1 {
			c.commonShare = share
		}
	}
}

// WithNeighbours gives the versions before the base and after the
// revision (either may be nil), which the calibration rules consult to
// tell annotation churn from a real change. Without this option, Compare
// finds them among the module's versions when both sides are versions it
// knows; spec files have none.
func WithNeighbours(prev, next *Spec) Option {
	return func(c *config) { c.neighbours = &[2]*Spec{prev, next} }
}

// neighbours returns the known versions just before base and just after
// revision, for each that is a version the module knows.
func neighbours(base, revision Spec) (prev, next *Spec) {
	all := versions.All
	for i, v := range all {
		if base.GoPackage != "" && versionsPath+"/"+v.Package == base.GoPackage && i > 0 {
			s, _ := VersionSpec(all[i-1].Name)
			prev = &s
		}
		if revision.GoPackage != "" && versionsPath+"/"+v.Package == revision.GoPackage && i+1 < len(all) {
			s, _ := VersionSpec(all[i+1].Name)
			next = &s
		}
	}
	return prev, next
}

// loaded is everything Compare reads before comparing.
type loaded struct {
	p1, p2 *prepared
	cb     *calibrator
}

// loadAll prepares both sides (see prepare), flattening allOf so that the
// comparison sees effective schemas, and reads the neighbouring versions
// the calibration rules consult, in parallel.
func loadAll(ctx context.Context, base, revision Spec, cfg config) (*loaded, error) {
	prev, next := neighbours(base, revision)
	if cfg.neighbours != nil {
		prev, next = cfg.neighbours[0], cfg.neighbours[1]
	}
	var (
		wg   sync.WaitGroup
		out  = &loaded{}
		errs [4]error
		cb   = &calibrator{}
	)
	side := func(i int, s Spec, into **prepared) {
		defer wg.Done()
		p, err := prepare(ctx, s)
		if err == nil {
			if _, err = allof.MergeSpec(p.info.Spec); err != nil {
				err = &SpecError{Name: s.Name, Err: fmt.Errorf("flatten allOf: %w", err)}
			}
		}
		*into, errs[i] = p, err
	}
	raw := func(i int, s *Spec, into **rawDoc) {
		defer wg.Done()
		if s != nil {
			*into, errs[i] = parseRaw(s.Name, s.Data)
		}
	}
	wg.Add(4)
	go side(0, base, &out.p1)
	go side(1, revision, &out.p2)
	go raw(2, prev, &cb.prev)
	go raw(3, next, &cb.next)
	wg.Wait()
	for _, err := range errs[:2] {
		if err != nil {
			return nil, err
		}
	}
	// A neighbour that cannot be read gives no evidence.
	if errs[2] != nil {
		cb.prev = nil
	}
	if errs[3] != nil {
		cb.next = nil
	}
	cb.base, cb.rev = out.p1.raw, out.p2.raw
	out.cb = cb
	return out, ctx.Err()
}

// Compare compares two OpenAPI descriptions and groups oasdiff's findings
// into a Report.
func Compare(ctx context.Context, base, revision Spec, opts ...Option) (*Report, error) {
	cfg := config{commonShare: DefaultCommonShare}
	for _, o := range opts {
		o(&cfg)
	}
	l, err := loadAll(ctx, base, revision, cfg)
	if err != nil {
		return nil, err
	}
	s1, s2 := l.p1.info, l.p2.info
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return nil, fmt.Errorf("diff %s and %s: %w", base.Name, revision.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The examples are compared while the checker works: both only read
	// the loaded documents.
	type exampleResult struct {
		changes        []ExampleChange
		contradictions []Contradiction
	}
	examples := make(chan exampleResult, 1)
	modified, schemas := payloadsModified(d), schemasModified(d)
	go func() {
		c, k := compareExamples(l.p1, l.p2, func(key string) bool { return modified[key] }, func(name string) bool { return schemas[name] })
		examples <- exampleResult{c, k}
	}()
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)

	shared := 0
	for path := range s1.Spec.Paths.Map() {
		for method := range s1.Spec.Paths.Value(path).Operations() {
			if item := s2.Spec.Paths.Find(path); item != nil && item.GetOperation(method) != nil {
				shared++
			}
		}
	}
	g := grouper{
		cfg:    cfg,
		owners: indexOwners(d),
		l:      checker.NewDefaultLocalizer(),
		shared: shared,
		cb:     l.cb,
		report: &Report{Base: base.Name, Revision: revision.Name, Findings: len(changes), placement: make([]string, len(changes))},
	}
	if l.cb != nil {
		g.report.Neighbours = neighbourNames(l.cb)
	}
	g.group(changes)
	r := g.report
	if d != nil && d.ComponentsDiff != nil && d.ComponentsDiff.SchemasDiff != nil {
		r.SchemasAdded = slices.Sorted(slices.Values(d.ComponentsDiff.SchemasDiff.Added))
	}
	// Empty lists rather than nil, so that JSON has [] for tools to range
	// over.
	if r.SchemasAdded == nil {
		r.SchemasAdded = []string{}
	}
	if r.Schemas == nil {
		r.Schemas = []SchemaChanges{}
	}
	if r.Operations == nil {
		r.Operations = []OperationChanges{}
	}
	ex := <-examples
	r.Examples, r.Contradictions = ex.changes, ex.contradictions
	markSpecErrors(r)
	r.summarize()
	return r, nil
}

// grouper sorts findings into a report.
type grouper struct {
	cfg    config
	owners owners
	l      checker.Localizer
	shared int // operations both versions have
	cb     *calibrator
	report *Report
}

// entry accumulates the findings merged into one Change: findings of one
// rule whose messages differ at most in the property they name (and, for
// a schema, in the response status).
type entry struct {
	change   Change
	ops      map[string]bool
	subjects []string // the properties, when the message names one
	statuses []string // the statuses, when merged across operations
	values   []string // the enum values, when merged
	// tmpl renders the message; pathArg, statusArg and valueArg are the
	// arguments that subjects, statuses and values replace, or -1.
	tmpl                         checker.ApiChange
	pathArg, statusArg, valueArg int
}

func (e *entry) addValue(v string) {
	if v != "" && !slices.Contains(e.values, v) {
		e.values = append(e.values, v)
	}
}

func (e *entry) add(sev Severity, op, subject, status string) {
	e.change.Findings++
	if sev.rank() < e.change.Severity.rank() {
		e.change.Severity = sev
	}
	if op != "" {
		e.ops[op] = true
	}
	if subject != "" && !slices.Contains(e.subjects, subject) {
		e.subjects = append(e.subjects, subject)
	}
	if status != "" && !slices.Contains(e.statuses, status) {
		e.statuses = append(e.statuses, status)
	}
}

// render writes the message with the merged properties and statuses in
// place of the arguments they came from. oasdiff quotes each argument in
// backticks, so a list is joined with "`, `" to quote every item.
func (e *entry) render(l checker.Localizer, subjects, statuses, values []string) string {
	args := slices.Clone(e.tmpl.Args)
	if e.valueArg >= 0 {
		args[e.valueArg] = strings.Join(values, "`, `")
	}
	if e.pathArg >= 0 {
		args[e.pathArg] = strings.Join(subjects, "`, `")
	}
	if e.statusArg >= 0 {
		args[e.statusArg] = strings.Join(statuses, "`, `")
	}
	c := e.tmpl
	c.Args = args
	return c.WithSharedSchema(nil).GetUncolorizedText(l)
}

// groupedEntries keeps entries in first-seen order under string keys.
type groupedEntries struct {
	byKey map[string]*entry
	keys  []string
}

func (g *groupedEntries) get(key string, mk func() *entry) *entry {
	if g.byKey == nil {
		g.byKey = map[string]*entry{}
	}
	e, ok := g.byKey[key]
	if !ok {
		e = mk()
		e.ops = map[string]bool{}
		g.byKey[key] = e
		g.keys = append(g.keys, key)
	}
	return e
}

func (g *grouper) newChange(c checker.Change, text string, v verdict) Change {
	return Change{
		Kind:       KindOf(c.GetId()),
		Severity:   v.sev,
		Oasdiff:    severityOf(c.GetLevel()),
		Annotation: v.annotation,
		Why:        v.why,
		Location:   locationOf(c.GetId()),
		Rule:       c.GetId(),
		Text:       text,
		Comment:    c.GetComment(g.l),
	}
}

// fixed files a finding whose message is kept as it is.
func (g *grouper) fixed(into *groupedEntries, c checker.Change, text, op string) {
	v := verdict{sev: severityOf(c.GetLevel())}
	if api, ok := c.(checker.ApiChange); ok && api.Path != "" {
		v = g.cb.verdict(api, KindOf(api.Id), g.resolve(api, KindOf(api.Id)))
	}
	into.get(fmt.Sprintf("%s\x00%s\x00%s\x00%t", c.GetId(), text, v.sev, v.annotation), func() *entry {
		return &entry{change: g.newChange(c, text, v), pathArg: -1, statusArg: -1, valueArg: -1}
	}).add(v.sev, op, "", "")
}

// merged files an ApiChange, merging it with the findings of the same rule
// whose messages differ only in the property (and, with mergeStatus, the
// response status).
func (g *grouper) merged(into *groupedEntries, c checker.ApiChange, res resolved, subject string, mergeStatus bool, op string) {
	kind := KindOf(c.Id)
	v := g.cb.verdict(c, kind, res)
	e := &entry{tmpl: c, pathArg: res.pathArg, statusArg: -1, valueArg: -1}
	status, value := "", ""
	if mergeStatus && res.statusArg >= 0 {
		e.statusArg = res.statusArg
		status, _ = c.Args[res.statusArg].(string)
	}
	// The values of one enum added or removed together are one entry.
	if (kind == EnumValueAdded || kind == EnumValueRemoved) && len(c.Args) > 1 && res.pathArg != 0 {
		if s, ok := c.Args[0].(string); ok {
			e.valueArg, value = 0, s
		}
	}
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%t\x00%s", c.Id, e.render(g.l, nil, nil, nil), v.sev, v.annotation, v.why)
	got := into.get(key, func() *entry {
		e.change = g.newChange(c, "", v)
		return e
	})
	got.add(v.sev, op, subject, status)
	got.addValue(value)
}

func (g *grouper) group(changes checker.Changes) {
	r := g.report
	var (
		added, removed = map[string]*Operation{}, map[string]*Operation{}
		schemaRemoved  groupedEntries
		schemas        = map[string]*groupedEntries{}
		candidates     []int // findings left for the common and operation groups
		other          groupedEntries
	)
	operation := func(set map[string]*Operation, c checker.Change) {
		key := opKey(c.GetOperation(), c.GetPath())
		o := set[key]
		if o == nil {
			o = &Operation{Method: c.GetOperation(), Path: c.GetPath(), OperationID: c.GetOperationId(), Severity: Compatible}
			set[key] = o
		}
		if s := severityOf(c.GetLevel()); s.rank() < o.Severity.rank() {
			o.Severity = s
		}
		if !slices.Contains(o.Rules, c.GetId()) {
			o.Rules = append(o.Rules, c.GetId())
		}
		o.Findings++
	}

	for i, c := range changes {
		kind := KindOf(c.GetId())
		api, isAPI := c.(checker.ApiChange)
		switch {
		case kind == OperationAdded && isAPI:
			operation(added, c)
			r.placement[i] = "operations added"
		case kind == OperationRemoved && isAPI:
			operation(removed, c)
			r.placement[i] = "operations removed"
		case kind == SchemaRemoved && !isAPI:
			g.fixed(&schemaRemoved, c, c.GetUncolorizedText(g.l), "")
			r.placement[i] = "schemas removed"
		case isAPI && api.Path != "":
			res := g.resolve(api, kind)
			if !res.inSchema {
				candidates = append(candidates, i)
				continue
			}
			if schemas[res.at.schema] == nil {
				schemas[res.at.schema] = &groupedEntries{}
			}
			subject := res.at.path
			if subject == "" {
				subject = res.at.schema
			}
			g.merged(schemas[res.at.schema], api, res, subject, true, opKey(api.Operation, api.Path))
			r.placement[i] = "schema " + res.at.schema
		default:
			g.fixed(&other, c, c.GetUncolorizedText(g.l), "")
			r.placement[i] = "other"
		}
	}

	r.OperationsAdded = sortedOperations(added)
	r.OperationsRemoved = sortedOperations(removed)
	r.SchemasRemoved = g.finish(&schemaRemoved)
	r.Other = g.finish(&other)
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		r.Schemas = append(r.Schemas, SchemaChanges{Name: name, Changes: g.finish(schemas[name])})
	}
	g.commonAndOperations(changes, candidates)
}

// resolved is where a finding's property path leads.
type resolved struct {
	pathArg, statusArg int   // the arguments naming the property and the status, or -1
	at                 place // the schema and path the change is written in
	inSchema           bool  // whether at is in a components schema
}

// resolve finds the arguments of a finding that name a property path and a
// response status, and the components schema the change is written in.
func (g *grouper) resolve(c checker.ApiChange, kind Kind) resolved {
	res := resolved{pathArg: -1, statusArg: -1}
	var s side
	switch locationOf(c.Id) {
	case InRequest:
		s = requestSide
	case InResponse:
		s = responseSide
	default:
		return res
	}
	o := g.owners[opKey(c.Operation, c.Path)]
	if o == nil {
		return res
	}
	if s == responseSide {
		for i, a := range c.Args {
			if str, ok := a.(string); ok && o.statuses[str] {
				res.statusArg = i
			}
		}
	}
	path := ""
	for i, a := range c.Args {
		str, ok := a.(string)
		// An enum finding names the value before the property.
		if !ok || i == res.statusArg || (i == 0 && len(c.Args) > 1 && (kind == EnumValueAdded || kind == EnumValueRemoved)) {
			continue
		}
		if len(o.paths[s][str]) > 0 {
			res.pathArg, path = i, str
			break
		}
	}
	if res.pathArg < 0 && !strings.Contains(c.Id, "-body-") {
		return res
	}
	found := false
	for _, st := range o.paths[s][path] {
		if res.statusArg >= 0 && st.status != c.Args[res.statusArg] {
			continue
		}
		p := st.self
		switch kind {
		case PropertyAdded, PropertyRemoved, BecameRequired, BecameOptional, Lifecycle:
			p = st.parent
		}
		if found && p != res.at {
			return resolved{pathArg: res.pathArg, statusArg: res.statusArg} // the path reaches different schemas
		}
		res.at, found = p, true
	}
	res.inSchema = found && res.at.schema != ""
	return res
}

// commonAndOperations reports a change found identically on enough of the
// shared operations once, and files the rest under their operations.
func (g *grouper) commonAndOperations(changes checker.Changes, candidates []int) {
	r := g.report
	texts := make(map[int]string, len(candidates))
	opsByKey := map[string]map[string]bool{}
	for _, i := range candidates {
		c := changes[i]
		texts[i] = c.GetUncolorizedText(g.l)
		key := c.GetId() + "\x00" + texts[i]
		if opsByKey[key] == nil {
			opsByKey[key] = map[string]bool{}
		}
		opsByKey[key][opKey(c.GetOperation(), c.GetPath())] = true
	}
	threshold := max(2, int(math.Ceil(g.cfg.commonShare*float64(g.shared))))

	var common groupedEntries
	perOp := map[string]*groupedEntries{}
	info := map[string]OperationChanges{}
	for _, i := range candidates {
		c := changes[i].(checker.ApiChange)
		key := c.Id + "\x00" + texts[i]
		op := opKey(c.Operation, c.Path)
		if len(opsByKey[key]) >= threshold {
			g.fixed(&common, c, texts[i], op)
			r.placement[i] = "common"
			continue
		}
		if perOp[op] == nil {
			perOp[op] = &groupedEntries{}
			info[op] = OperationChanges{Method: c.Operation, Path: c.Path, OperationID: c.OperationId}
		}
		res := g.resolve(c, KindOf(c.Id))
		subject := ""
		if res.pathArg >= 0 {
			subject, _ = c.Args[res.pathArg].(string)
		}
		g.merged(perOp[op], c, res, subject, false, "")
		r.placement[i] = "operation " + op
	}
	r.Common = g.finish(&common)
	for _, op := range slices.SortedFunc(maps.Keys(perOp), compareOps) {
		oc := info[op]
		oc.Changes = g.finish(perOp[op])
		r.Operations = append(r.Operations, oc)
	}
}

// finish turns accumulated entries into sorted Changes.
func (g *grouper) finish(into *groupedEntries) []Change {
	out := make([]Change, 0, len(into.keys))
	for _, k := range into.keys {
		e := into.byKey[k]
		c := e.change
		slices.Sort(e.subjects)
		slices.Sort(e.statuses)
		slices.Sort(e.values)
		if e.tmpl.Id != "" {
			c.Text = e.render(g.l, e.subjects, e.statuses, e.values)
		}
		if len(e.values) > 1 {
			c.Values = e.values
		}
		if len(e.subjects) > 1 || (len(e.subjects) == 1 && e.pathArg >= 0) {
			c.Properties = e.subjects
		}
		if len(e.ops) > 0 {
			c.Operations = slices.SortedFunc(maps.Keys(e.ops), compareOps)
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, compareChanges)
	return out
}

// compareOps orders "METHOD /path" keys by path, then method.
func compareOps(a, b string) int {
	am, ap, _ := strings.Cut(a, " ")
	bm, bp, _ := strings.Cut(b, " ")
	return cmp.Or(cmp.Compare(ap, bp), cmp.Compare(am, bm))
}

var kindOrder = func() map[Kind]int {
	m := map[Kind]int{}
	for i, k := range Kinds() {
		m[k] = i
	}
	return m
}()

func compareChanges(a, b Change) int {
	return cmp.Or(
		cmp.Compare(a.Severity.rank(), b.Severity.rank()),
		cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
		cmp.Compare(a.Text, b.Text),
		cmp.Compare(a.Rule, b.Rule),
	)
}

// payloadsModified lists, by match key, the operations whose request or
// response payloads differ.
func payloadsModified(d *diff.Diff) map[string]bool {
	out := map[string]bool{}
	if d == nil || d.PathsDiff == nil {
		return out
	}
	for path, pd := range d.PathsDiff.Modified {
		if pd == nil || pd.OperationsDiff == nil {
			continue
		}
		for method, md := range pd.OperationsDiff.Modified {
			if md != nil && (md.RequestBodyDiff != nil || md.ResponsesDiff != nil) {
				out[opMatchKey(method, path)] = true
			}
		}
	}
	return out
}

// schemasModified returns the components schemas that differ between the
// two documents, or that only the revision has.
func schemasModified(d *diff.Diff) map[string]bool {
	out := map[string]bool{}
	if d == nil || d.ComponentsDiff == nil || d.ComponentsDiff.SchemasDiff == nil {
		return out
	}
	for name := range d.ComponentsDiff.SchemasDiff.Modified {
		out[name] = true
	}
	for _, name := range d.ComponentsDiff.SchemasDiff.Added {
		out[name] = true
	}
	return out
}

// neighbourNames names the neighbouring versions a calibrator consulted.
func neighbourNames(cb *calibrator) []string {
	var out []string
	for _, d := range []*rawDoc{cb.prev, cb.next} {
		if d != nil {
			out = append(out, d.name)
		}
	}
	return out
}

func sortedOperations(set map[string]*Operation) []Operation {
	out := make([]Operation, 0, len(set))
	for _, o := range set {
		slices.Sort(o.Rules)
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b Operation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	return out
}
