package schemadiff

import (
	"fmt"
	"go/types"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Selection is a set of operations a report is narrowed to, matched
// across versions by operation id and by method and path, whatever the
// path parameters are called.
type Selection struct {
	// Labels lists the operations, "POST /contacts (createContact)".
	Labels []string
	// keys are the operations' match keys; ids their normalized ids.
	keys, ids map[string]bool
}

// normalizeName reduces an operation id or Go method name to the letters
// and digits that identify it, lower-cased, without the suffixes the
// generated client adds ("WithBody", "WithResponse").
func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	n := b.String()
	for _, suffix := range []string{"withresponse", "withbody", "withformdatabody", "withapplicationjsonbody"} {
		n = strings.TrimSuffix(n, suffix)
	}
	return n
}

// SelectOperations finds the operations named (operation ids or Go method
// names, in any case) in either spec. A name neither spec knows is an
// error that lists the names that come closest.
func SelectOperations(base, revision Spec, names []string) (*Selection, error) {
	docs := make([]*rawDoc, 0, 2)
	for _, s := range []Spec{base, revision} {
		d, err := parseRaw(s.Name, s.Data)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	sel := &Selection{keys: map[string]bool{}, ids: map[string]bool{}}
	labels := map[string]string{}
	var unknown []string
	for _, name := range names {
		n := normalizeName(name)
		if n == "" {
			continue
		}
		found := false
		var near []string
		for _, d := range docs {
			for key, o := range d.ops {
				id, _ := o.op["operationId"].(string)
				switch nid := normalizeName(id); {
				case nid == n:
					found = true
					sel.keys[key] = true
					sel.ids[n] = true
					if _, ok := labels[key]; !ok {
						m, _, _ := strings.Cut(key, " ")
						labels[key] = fmt.Sprintf("%s %s (%s)", m, o.path, id)
					}
				case id != "" && (strings.Contains(nid, n) || strings.Contains(n, nid)):
					near = append(near, id)
				}
			}
		}
		if !found {
			slices.Sort(near)
			near = slices.Compact(near)
			hint := ""
			if len(near) > 0 {
				hint = "; did you mean " + strings.Join(near[:min(len(near), 5)], ", ") + "?"
			}
			unknown = append(unknown, fmt.Sprintf("%q%s", name, hint))
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("no operation with the id or Go method name %s (in %s or %s)", strings.Join(unknown, ", "), base.Name, revision.Name)
	}
	for _, k := range slices.SortedFunc(maps.Keys(labels), compareOps) {
		sel.Labels = append(sel.Labels, labels[k])
	}
	return sel, nil
}

// has reports whether an "METHOD /path" operation is selected.
func (s *Selection) has(op string) bool { return s.keys[matchKey(op)] }

// Narrow narrows the report to the selected operations and what reaches
// them: the schema changes found on them, their own changes, and their
// examples. Schemas added or removed, and changes tied to no operation,
// are dropped.
func (r *Report) Narrow(s *Selection) {
	r.Filter = s.Labels
	keepOps := func(list []Operation) []Operation {
		out := []Operation{}
		for _, o := range list {
			if s.has(opKey(o.Method, o.Path)) {
				out = append(out, o)
			}
		}
		return out
	}
	keepChanges := func(list []Change) []Change {
		out := []Change{}
		for _, c := range list {
			var ops []string
			for _, o := range c.Operations {
				if s.has(o) {
					ops = append(ops, o)
				}
			}
			if len(ops) > 0 {
				c.Operations = ops
				out = append(out, c)
			}
		}
		return out
	}
	r.OperationsAdded, r.OperationsRemoved = keepOps(r.OperationsAdded), keepOps(r.OperationsRemoved)
	r.SchemasAdded, r.SchemasRemoved, r.Other = []string{}, []Change{}, []Change{}
	r.Common = keepChanges(r.Common)
	schemas := []SchemaChanges{}
	for _, sc := range r.Schemas {
		if cs := keepChanges(sc.Changes); len(cs) > 0 {
			schemas = append(schemas, SchemaChanges{Name: sc.Name, Changes: cs})
		}
	}
	r.Schemas = schemas
	ops := []OperationChanges{}
	for _, o := range r.Operations {
		if s.has(opKey(o.Method, o.Path)) {
			ops = append(ops, o)
		}
	}
	r.Operations = ops
	examples := []ExampleChange{}
	for _, e := range r.Examples {
		if s.has(e.Operation) {
			examples = append(examples, e)
		}
	}
	r.Examples = examples
	contradictions := []Contradiction{}
	for _, c := range r.Contradictions {
		if s.has(c.Operation) {
			contradictions = append(contradictions, c)
		}
	}
	r.Contradictions = contradictions
	r.summarize()
	if r.Go != nil {
		r.Go.filtered = true
	}
}

// FilterGo narrows a Go view to the selected operations: the client
// methods and functions generated for them, and every type their
// signatures reach, in either package.
func (p GoPackages) FilterGo(g *GoReport, s *Selection) {
	reach := map[string]bool{}
	for _, path := range []string{g.Base, g.Revision} {
		if pkg := p[path]; pkg != nil {
			reachable(pkg, s.ids, reach)
		}
	}
	var out []GoChange
	for _, c := range g.Changes {
		name := c.Name
		if c.Owner != "" {
			name = c.Owner
			if strings.HasPrefix(c.Owner, "Client") && c.Object != GoField {
				name = c.Name[strings.LastIndex(c.Name, ".")+1:]
			}
		}
		if reach[name] {
			out = append(out, c)
		}
	}
	g.Changes = out
	g.filtered = true
	g.summarize()
}

// generatedPrefixes and generatedSuffixes are the words oapi-codegen puts
// around an operation's name in the identifiers it generates for it.
var (
	generatedPrefixes = []string{"new", "parse"}
	generatedSuffixes = []string{"", "request", "requestwithbody", "response", "params", "jsonrequestbody", "jsonbody", "requestbody", "withbody", "withresponse", "withbodywithresponse"}
)

// forOperation reports whether a package-level identifier or client
// method was generated for one of the operations.
func forOperation(name string, ids map[string]bool) bool {
	n := strings.ToLower(name)
	for _, pre := range append([]string{""}, generatedPrefixes...) {
		rest, ok := strings.CutPrefix(n, pre)
		if !ok {
			continue
		}
		for _, suf := range generatedSuffixes {
			if id, ok := strings.CutSuffix(rest, suf); ok && ids[id] {
				return true
			}
		}
	}
	return false
}

// reachable adds to reach the identifiers generated for the operations
// and the named types their types reach.
func reachable(pkg *types.Package, ids map[string]bool, reach map[string]bool) {
	seen := map[types.Type]bool{}
	var walk func(t types.Type, depth int)
	walk = func(t types.Type, depth int) {
		if t == nil || seen[t] || depth > 64 {
			return
		}
		seen[t] = true
		switch x := t.(type) {
		case *types.Alias:
			walk(types.Unalias(x), depth+1)
		case *types.Named:
			if x.Obj().Pkg() == pkg {
				reach[x.Obj().Name()] = true
				walk(x.Underlying(), depth+1)
			}
		case *types.Pointer:
			walk(x.Elem(), depth+1)
		case *types.Slice:
			walk(x.Elem(), depth+1)
		case *types.Array:
			walk(x.Elem(), depth+1)
		case *types.Map:
			walk(x.Key(), depth+1)
			walk(x.Elem(), depth+1)
		case *types.Struct:
			for f := range x.Fields() {
				walk(f.Type(), depth+1)
			}
		case *types.Signature:
			for v := range x.Params().Variables() {
				walk(v.Type(), depth+1)
			}
			for v := range x.Results().Variables() {
				walk(v.Type(), depth+1)
			}
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if forOperation(name, ids) {
			reach[name] = true
			walk(obj.Type(), 0)
		}
		tn, ok := obj.(*types.TypeName)
		if !ok {
			continue
		}
		// Client methods, and interface methods of the client interfaces.
		ms := types.NewMethodSet(types.NewPointer(tn.Type()))
		for sel := range ms.Methods() {
			if m := sel.Obj(); forOperation(m.Name(), ids) {
				reach[m.Name()] = true
				walk(m.Type(), 0)
			}
		}
		if it, ok := tn.Type().Underlying().(*types.Interface); ok {
			for m := range it.Methods() {
				if forOperation(m.Name(), ids) {
					reach[m.Name()] = true
					walk(m.Type(), 0)
				}
			}
		}
	}
}
