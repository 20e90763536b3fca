package schemadiff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/types"
	"path"
	"slices"
	"strings"

	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// GoReport is the Go-level view of a version change: how the exported API
// of one generated package differs from another's, which is what a Go user
// edits when switching imports. It is apidiff's report, classified.
type GoReport struct {
	// Base and Revision are the import paths compared.
	Base     string `json:"base"`
	Revision string `json:"revision"`
	// Summary counts the changes by what changed and how.
	Summary []GoCount `json:"summary"`
	// Changes lists every change, sorted by object.
	Changes []GoChange `json:"changes"`
	// Incompatible counts the changes that may stop code compiling: the
	// Go view's breaking changes.
	Incompatible int `json:"incompatible"`

	filtered bool // narrowed to some operations
}

// GoObject is the kind of Go identifier a change is to.
type GoObject string

// The kinds of Go identifier.
const (
	GoType            GoObject = "type"
	GoFunc            GoObject = "func"
	GoMethod          GoObject = "method"
	GoField           GoObject = "field"
	GoInterfaceMethod GoObject = "interface method"
	GoConst           GoObject = "const"
	GoVar             GoObject = "var"
	GoOtherObject     GoObject = "other"
)

// GoAction is what happened to an identifier.
type GoAction string

// The actions.
const (
	GoRemoved GoAction = "removed"
	GoAdded   GoAction = "added"
	GoChanged GoAction = "changed"
)

// GoChange is one change to an exported identifier.
type GoChange struct {
	Object GoObject `json:"object"`
	Action GoAction `json:"action"`
	// Name is the identifier as apidiff names it: "Contact", "Contact.Role",
	// "(*Client).ListNotes".
	Name string `json:"name"`
	// Owner is the type a field or method belongs to, "" for a package-level
	// identifier.
	Owner string `json:"owner,omitempty"`
	// Message is apidiff's description of the change.
	Message string `json:"message"`
	// From and To are the old and new types of a changed field or type.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Detail condenses a change: the parameters and results of a signature
	// that differ ("contactId string → int"), or a field's types.
	Detail string `json:"detail,omitempty"`
	// Compatible is apidiff's verdict: false when code using Base may not
	// compile against Revision.
	Compatible bool `json:"compatible"`
}

// GoCount counts the changes of one object kind and action.
type GoCount struct {
	Object       GoObject `json:"object"`
	Action       GoAction `json:"action"`
	Changes      int      `json:"changes"`
	Incompatible int      `json:"incompatible"`
}

// GoPackages holds type-checked packages, by import path, for CompareGo.
type GoPackages map[string]*types.Package

// ErrNoGoSource is wrapped by LoadGoPackages' error when the packages'
// source cannot be loaded, typically because the command runs outside this
// module's checkout.
var ErrNoGoSource = errors.New("the module's source is needed: run from inside a checkout of " + path.Dir(versionsPath))

// ErrGoDoesNotCompile is wrapped by LoadGoPackages' error when the
// packages' source is there but does not type-check; the message carries
// the compiler's first error.
var ErrGoDoesNotCompile = errors.New("the Go packages do not compile")

// LoadGoPackages type-checks the packages at the given import paths with
// the go command, from directory dir ("" for the current one).
func LoadGoPackages(ctx context.Context, dir string, importPaths ...string) (GoPackages, error) {
	cfg := &packages.Config{Context: ctx, Dir: dir, Mode: packages.NeedName | packages.NeedTypes}
	pkgs, err := packages.Load(cfg, importPaths...)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoGoSource, err)
	}
	out := GoPackages{}
	var problems []string
	broken := false // the source is there but does not compile
	for _, p := range pkgs {
		for _, e := range p.Errors {
			problems = append(problems, e.Msg)
			broken = broken || e.Kind == packages.TypeError || e.Kind == packages.ParseError
		}
		if p.Types != nil && len(p.Errors) == 0 {
			out[p.PkgPath] = p.Types
		}
	}
	if len(problems) > 0 {
		more := ""
		if len(problems) > 1 {
			more = fmt.Sprintf("; %d more like it", len(problems)-1)
		}
		if broken {
			return nil, fmt.Errorf("%w: %s%s", ErrGoDoesNotCompile, problems[0], more)
		}
		return nil, fmt.Errorf("%w (%s%s)", ErrNoGoSource, problems[0], more)
	}
	for _, p := range importPaths {
		if out[p] == nil {
			return nil, fmt.Errorf("%w (package %s was not loaded)", ErrNoGoSource, p)
		}
	}
	return out, nil
}

// CompareGo compares the exported API of two loaded packages.
func (p GoPackages) CompareGo(base, revision string) (*GoReport, error) {
	old, new := p[base], p[revision]
	if old == nil || new == nil {
		return nil, fmt.Errorf("compare %s and %s: load both packages first", base, revision)
	}
	r := &GoReport{Base: base, Revision: revision}
	for _, c := range apidiff.Changes(old, new).Changes {
		r.Changes = append(r.Changes, classifyGo(old, new, c))
	}
	slices.SortFunc(r.Changes, func(a, b GoChange) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Message, b.Message))
	})
	r.summarize()
	return r, nil
}

// summarize counts the changes by object and action.
func (r *GoReport) summarize() {
	r.Summary = nil
	r.Incompatible = r.incompatible()
	counts := map[[2]string]*GoCount{}
	for _, c := range r.Changes {
		k := [2]string{string(c.Object), string(c.Action)}
		if counts[k] == nil {
			counts[k] = &GoCount{Object: c.Object, Action: c.Action}
		}
		counts[k].Changes++
		if !c.Compatible {
			counts[k].Incompatible++
		}
	}
	for _, o := range []GoObject{GoType, GoFunc, GoMethod, GoInterfaceMethod, GoField, GoConst, GoVar, GoOtherObject} {
		for _, a := range []GoAction{GoRemoved, GoChanged, GoAdded} {
			if c := counts[[2]string{string(o), string(a)}]; c != nil {
				r.Summary = append(r.Summary, *c)
			}
		}
	}
}

// CompareGo loads two packages from directory dir and compares their
// exported APIs. To compare several pairs, load once with LoadGoPackages.
func CompareGo(ctx context.Context, dir, base, revision string) (*GoReport, error) {
	p, err := LoadGoPackages(ctx, dir, base, revision)
	if err != nil {
		return nil, err
	}
	return p.CompareGo(base, revision)
}

// classifyGo reads one apidiff change: "Subject: message", where the
// subject is "Name", "T.Name" (a field, an interface method or a value
// method) or "(*T).Name".
func classifyGo(old, new *types.Package, c apidiff.Change) GoChange {
	subject, message, _ := strings.Cut(c.Message, ": ")
	g := GoChange{Name: subject, Message: message, Compatible: c.Compatible, Object: GoOtherObject}
	switch {
	case message == "removed":
		g.Action = GoRemoved
	case message == "added":
		g.Action = GoAdded
	default:
		g.Action = GoChanged
	}
	if strings.Contains(subject, ",") {
		return g // a method set or interface satisfaction change
	}
	lookupScope := func(name string) types.Object {
		if o := old.Scope().Lookup(name); o != nil && g.Action != GoAdded {
			return o
		}
		return new.Scope().Lookup(name)
	}
	owner, name, member := strings.Cut(subject, ".")
	if !member {
		switch o := lookupScope(subject).(type) {
		case *types.TypeName:
			g.Object = GoType
			if n, ok := new.Scope().Lookup(subject).(*types.TypeName); ok && g.Action == GoChanged {
				g.typesChanged(o.Type(), n.Type(), old, new)
			}
		case *types.Func:
			g.Object = GoFunc
			if g.Action == GoChanged {
				if n, ok := new.Scope().Lookup(subject).(*types.Func); ok {
					g.Detail = signatureDetail(o.Signature(), n.Signature(), old, new)
				}
			}
		case *types.Const:
			g.Object = GoConst
		case *types.Var:
			g.Object = GoVar
		}
		return g
	}
	owner = strings.TrimSuffix(strings.TrimPrefix(owner, "(*"), ")")
	g.Owner = owner
	member2 := func(pkg *types.Package) types.Object {
		tn, ok := pkg.Scope().Lookup(owner).(*types.TypeName)
		if !ok {
			return nil
		}
		obj, _, _ := types.LookupFieldOrMethod(tn.Type(), true, pkg, name)
		return obj
	}
	oldObj, newObj := member2(old), member2(new)
	obj := oldObj
	if obj == nil {
		obj = newObj
	}
	switch o := obj.(type) {
	case *types.Var:
		g.Object = GoField
		of, ok1 := oldObj.(*types.Var)
		nf, ok2 := newObj.(*types.Var)
		if g.Action == GoChanged && ok1 && ok2 {
			g.typesChanged(of.Type(), nf.Type(), old, new)
		}
	case *types.Func:
		g.Object = GoMethod
		if recv := o.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
			g.Object = GoInterfaceMethod
		}
		of, ok1 := oldObj.(*types.Func)
		nf, ok2 := newObj.(*types.Func)
		if g.Action == GoChanged && ok1 && ok2 {
			g.Detail = signatureDetail(of.Signature(), nf.Signature(), old, new)
		}
	}
	return g
}

// typesChanged records a field's or type's old and new types, looking
// through aliases, which print the same on both sides.
func (g *GoChange) typesChanged(o, n types.Type, op, np *types.Package) {
	g.From = types.TypeString(types.Unalias(o), types.RelativeTo(op))
	g.To = types.TypeString(types.Unalias(n), types.RelativeTo(np))
	if _, isSig := o.Underlying().(*types.Signature); !isSig && g.From != g.To {
		from, to := shortenPair(g.From, g.To)
		g.Detail = from + " → " + to
	}
}

// PointerOnly reports whether a changed field only became a pointer to its
// old type (a property that became optional or nullable) or stopped being
// one.
func (g GoChange) PointerOnly() bool {
	return g.From != "" && (g.To == "*"+g.From || g.From == "*"+g.To)
}

// signatureDetail names the parameters and results that differ between two
// signatures, or shows both whole when their shapes differ.
func signatureDetail(o, n *types.Signature, op, np *types.Package) string {
	oq, nq := types.RelativeTo(op), types.RelativeTo(np)
	unalias := false // set when the types differ only behind aliases
	tuple := func(t *types.Tuple, q types.Qualifier) []string {
		out := make([]string, t.Len())
		for i := range out {
			ty := t.At(i).Type()
			if unalias {
				ty = types.Unalias(ty)
			}
			out[i] = types.TypeString(ty, q)
		}
		return out
	}
	var parts []string
	compare := func(what string, ot, nt *types.Tuple) {
		os, ns := tuple(ot, oq), tuple(nt, nq)
		if len(os) != len(ns) {
			parts = append(parts, fmt.Sprintf("%s (%s) → (%s)", what, shorten(strings.Join(os, ", ")), shorten(strings.Join(ns, ", "))))
			return
		}
		for i := range os {
			if os[i] == ns[i] {
				continue
			}
			label := nt.At(i).Name()
			if label == "" || label == "_" {
				label = fmt.Sprintf("%s %d", what, i+1)
			}
			from, to := shortenPair(os[i], ns[i])
			parts = append(parts, fmt.Sprintf("%s %s → %s", label, from, to))
		}
	}
	compare("param", o.Params(), n.Params())
	compare("result", o.Results(), n.Results())
	if len(parts) == 0 {
		unalias = true
		compare("param", o.Params(), n.Params())
		compare("result", o.Results(), n.Results())
	}
	return strings.Join(parts, "; ")
}

// shortenLimit is the most runes of a type string a report shows.
const shortenLimit = 60

// shorten keeps long type strings (inline structs) to a readable length.
func shorten(s string) string {
	if r := []rune(s); len(r) > shortenLimit {
		return string(r[:shortenLimit-1]) + "…"
	}
	return s
}

// shortenPair shortens two type strings so that where they differ stays
// in view: long strings that share a beginning are cut to a window just
// before their first difference.
func shortenPair(a, b string) (string, string) {
	ra, rb := []rune(a), []rune(b)
	if len(ra) <= shortenLimit && len(rb) <= shortenLimit {
		return a, b
	}
	i := 0
	for i < len(ra) && i < len(rb) && ra[i] == rb[i] {
		i++
	}
	const context = 20 // runes kept before the difference
	if i <= shortenLimit-context {
		return shorten(a), shorten(b)
	}
	start := i - context
	return shorten("…" + string(ra[start:])), shorten("…" + string(rb[start:]))
}
