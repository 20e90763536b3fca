package schemadiff

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// CheckResult is what type-checking a user's packages against a newer
// version package found.
type CheckResult struct {
	// Base and Revision are the import paths of the version packages.
	Base     string `json:"base"`
	Revision string `json:"revision"`
	// Packages lists the packages checked.
	Packages []string `json:"packages"`
	// Files counts the files that import Base, the ones moved to Revision.
	Files int `json:"files"`
	// Problems lists the compile errors, each with the Go view entries
	// that explain it. Empty means nothing to change.
	Problems []CheckProblem `json:"problems"`
}

// CheckProblem is one compile error after the upgrade.
type CheckProblem struct {
	// Pos is "file:line:col".
	Pos     string `json:"pos"`
	Message string `json:"message"`
	// Explained lists the Go view changes to the identifiers the failing
	// line uses.
	Explained []GoChange `json:"explained,omitempty"`
}

// ErrCheckBase is wrapped by CheckUpgrade's error when the packages do not
// compile against the base version to begin with.
var ErrCheckBase = errors.New("the packages do not compile against the base version")

// CheckUpgrade type-checks the packages matched by patterns (run from dir,
// "" for the current directory) as if every import of the base version
// package, or of a package inside it, named the revision's instead. The
// files are not touched: the rewritten imports are given to the go
// command as an overlay. The Go view g, when given, explains each error.
func CheckUpgrade(ctx context.Context, dir string, patterns []string, base, revision string, g *GoReport) (*CheckResult, error) {
	mode := packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
		packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo
	cfg := &packages.Config{Context: ctx, Dir: dir, Mode: mode}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", strings.Join(patterns, " "), err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	res := &CheckResult{Base: base, Revision: revision, Problems: []CheckProblem{}}
	overlay := map[string][]byte{}
	uses := map[string][]string{} // "file:line" -> apidiff names the line uses from base
	var firstErr []string
	for _, p := range pkgs {
		res.Packages = append(res.Packages, p.PkgPath)
		for _, e := range p.Errors {
			firstErr = append(firstErr, e.Error())
		}
		if len(p.Errors) > 0 {
			continue
		}
		for i, f := range p.Syntax {
			if i >= len(p.CompiledGoFiles) {
				break
			}
			name := p.CompiledGoFiles[i]
			data, changed, err := rewriteImports(p.Fset, f, name, base, revision)
			if err != nil {
				return nil, err
			}
			if changed {
				overlay[name] = data
				res.Files++
			}
			recordUses(p, f, base, uses)
		}
	}
	if len(firstErr) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrCheckBase, firstErr[0])
	}
	slices.Sort(res.Packages)
	if len(overlay) == 0 {
		return res, nil
	}
	cfg2 := &packages.Config{Context: ctx, Dir: dir, Mode: mode, Overlay: overlay}
	after, err := packages.Load(cfg2, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load %s against %s: %w", strings.Join(patterns, " "), revision, err)
	}
	seen := map[string]bool{}
	cwd, _ := os.Getwd()
	packages.Visit(after, nil, func(p *packages.Package) {
		if !slices.Contains(res.Packages, p.PkgPath) {
			return
		}
		typeErrors := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return e.Kind == packages.TypeError })
		for _, e := range p.Errors {
			// The go command's own summary repeats the type errors.
			if seen[e.Pos+e.Msg] || typeErrors && e.Kind != packages.TypeError {
				continue
			}
			seen[e.Pos+e.Msg] = true
			pos := e.Pos
			if rel, err := filepath.Rel(cwd, pos); err == nil && cwd != "" && !strings.HasPrefix(rel, "..") {
				pos = rel
			}
			res.Problems = append(res.Problems, CheckProblem{Pos: pos, Message: e.Msg, Explained: explain(e.Pos, uses, g)})
		}
	})
	slices.SortFunc(res.Problems, func(a, b CheckProblem) int { return strings.Compare(a.Pos, b.Pos) })
	return res, nil
}

// rewriteImports returns a file's source with the base package's imports
// moved to the revision, keeping the name the file refers to them by.
func rewriteImports(fset *token.FileSet, f *ast.File, name, base, revision string) ([]byte, bool, error) {
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		rest, ok := strings.CutPrefix(path, base)
		if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
			continue
		}
		text := strconv.Quote(revision + rest)
		if spec.Name == nil && rest == "" {
			// The file says v2_11.Contact: keep that name for the new package.
			text = filepath.Base(base) + " " + text
		}
		edits = append(edits, edit{fset.Position(spec.Path.Pos()).Offset, fset.Position(spec.Path.End()).Offset, text})
	}
	if len(edits) == 0 {
		return nil, false, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, false, err
	}
	for _, e := range slices.Backward(edits) {
		if e.end > len(data) || e.start > e.end {
			return nil, false, fmt.Errorf("%s changed while it was being checked", name)
		}
		data = append(data[:e.start:e.start], append([]byte(e.text), data[e.end:]...)...)
	}
	return data, true, nil
}

// recordUses notes, for each line, the names (as apidiff writes them) of
// the base package's identifiers the line uses.
func recordUses(p *packages.Package, f *ast.File, base string, uses map[string][]string) {
	inBase := func(o types.Object) bool {
		return o != nil && o.Pkg() != nil && (o.Pkg().Path() == base || strings.HasPrefix(o.Pkg().Path(), base+"/"))
	}
	add := func(pos token.Pos, name string) {
		at := p.Fset.Position(pos)
		key := fmt.Sprintf("%s:%d", at.Filename, at.Line)
		if !slices.Contains(uses[key], name) {
			uses[key] = append(uses[key], name)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if sel := p.TypesInfo.Selections[x]; sel != nil && inBase(sel.Obj()) {
				recv := types.Unalias(sel.Recv())
				ptr := false
				if pt, ok := recv.(*types.Pointer); ok {
					recv, ptr = types.Unalias(pt.Elem()), true
				}
				if named, ok := recv.(*types.Named); ok {
					owner := named.Obj().Name()
					add(x.Sel.Pos(), owner+"."+x.Sel.Name)
					if fn, ok := sel.Obj().(*types.Func); ok {
						if r := fn.Signature().Recv(); r != nil {
							if _, isPtr := r.Type().(*types.Pointer); isPtr || ptr {
								add(x.Sel.Pos(), "(*"+owner+")."+x.Sel.Name)
							}
						}
					}
				}
			}
		case *ast.Ident:
			if o := p.TypesInfo.Uses[x]; inBase(o) && o.Parent() == o.Pkg().Scope() {
				add(x.Pos(), o.Name())
			}
		case *ast.CompositeLit:
			// Fields set by name in a literal: Contact{Role: ...}.
			if tv, ok := p.TypesInfo.Types[x]; ok {
				t := types.Unalias(tv.Type)
				if pt, ok := t.(*types.Pointer); ok {
					t = types.Unalias(pt.Elem())
				}
				if named, ok := t.(*types.Named); ok && inBase(named.Obj()) {
					for _, el := range x.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok {
								add(k.Pos(), named.Obj().Name()+"."+k.Name)
							}
						}
					}
				}
			}
		}
		return true
	})
}

// explain finds the Go view changes to what the failing line uses.
func explain(pos string, uses map[string][]string, g *GoReport) []GoChange {
	if g == nil {
		return nil
	}
	// pos is file:line:col (the file may contain colons on some systems).
	parts := strings.Split(pos, ":")
	if len(parts) < 3 {
		return nil
	}
	key := strings.Join(parts[:len(parts)-1], ":")
	names := uses[key]
	var out []GoChange
	for _, c := range g.Changes {
		if !c.Compatible && slices.Contains(names, c.Name) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		// A type used on the line whose fields or methods changed.
		for _, c := range g.Changes {
			if !c.Compatible && c.Owner != "" && slices.Contains(names, c.Owner) && c.Object != GoField {
				out = append(out, c)
			}
		}
	}
	return out
}

// Write renders the result: "nothing to change", or each compile error
// with the Go view entries that explain it.
func (c *CheckResult) Write(w io.Writer, f Format) error {
	if f == JSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	b := bufio.NewWriter(w)
	var d doc = &textDoc{w: b}
	if f == Markdown {
		d = &markdownDoc{w: b}
	}
	from, to := path.Base(c.Base), path.Base(c.Revision)
	switch {
	case c.Files == 0:
		d.para(fmt.Sprintf("Nothing to change: no file of %s imports %s.", strings.Join(c.Packages, ", "), d.code(c.Base)))
	case len(c.Problems) == 0:
		d.para(fmt.Sprintf("Nothing to change: %s, with %s importing %s, compiles against %s as it does against %s.",
			strings.Join(c.Packages, ", "), plural(c.Files, "file", "files"), d.code(from), d.code(to), d.code(from)))
	default:
		d.para(fmt.Sprintf("%s when the import moves from %s to %s:", plural(len(c.Problems), "compile error", "compile errors"), d.code(from), d.code(to)))
		for _, p := range c.Problems {
			d.item(p.Pos + ": " + p.Message)
			if len(p.Explained) == 0 {
				d.sub("(no Go view entry names what this line uses)")
			}
			for _, g := range p.Explained {
				line := d.code(g.Name) + ": " + g.Message
				if g.Detail != "" {
					line = d.code(g.Name) + ": " + d.code(g.Detail)
				}
				d.sub("because " + line)
			}
		}
	}
	return b.Flush()
}
