package pagination

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// goIndex finds the Go types oapi-codegen generated for a version, so that
// the generated helpers follow JSON paths through them with the right
// pointer checks: whether a field is a pointer depends on the version's
// required and nullable lists.
type goIndex struct {
	fset  *token.FileSet
	types map[string]ast.Expr // type name -> its definition
	names map[string]bool     // every package-level name
}

func newGoIndex(src []byte) (*goIndex, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "api.gen.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse api.gen.go: %w", err)
	}
	ix := &goIndex{fset: fset, types: map[string]ast.Expr{}, names: map[string]bool{}}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					ix.types[s.Name.Name] = s.Type
					ix.names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						ix.names[n.Name] = true
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil {
				ix.names[d.Name.Name] = true
			}
		}
	}
	return ix, nil
}

// expr parses a Go type written as text, such as a method's result type.
func (ix *goIndex) expr(src string) (ast.Expr, error) {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return nil, fmt.Errorf("parse type %q: %w", src, err)
	}
	return e, nil
}

// print renders a type expression.
func (ix *goIndex) print(e ast.Expr) string {
	var b bytes.Buffer
	_ = printer.Fprint(&b, ix.fset, e)
	return b.String()
}

// underlying follows type names (defined types and aliases) to the
// expression they stand for; a predeclared name is returned as is.
func (ix *goIndex) underlying(e ast.Expr) ast.Expr {
	for range 32 {
		id, ok := e.(*ast.Ident)
		if !ok {
			return e
		}
		def, ok := ix.types[id.Name]
		if !ok {
			return e
		}
		e = def
	}
	return e
}

// field finds the field of struct type t that JSON name maps to.
func (ix *goIndex) field(t ast.Expr, name string) (string, ast.Expr, error) {
	st, ok := ix.underlying(t).(*ast.StructType)
	if !ok {
		return "", nil, fmt.Errorf("%s is not a struct", ix.print(t))
	}
	for _, f := range st.Fields.List {
		if f.Tag == nil || len(f.Names) != 1 {
			continue
		}
		tag, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		json, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
		if json == name {
			return f.Names[0].Name, f.Type, nil
		}
	}
	return "", nil, fmt.Errorf("%s has no field for JSON property %q", ix.print(t), name)
}

// read is one value to read from a page: the JSON path to it and the
// statements using it.
type read struct {
	path []string
	// leaf gets the expression of the value (already dereferenced) and its
	// type, and returns the statements using it.
	leaf func(expr string, t ast.Expr) (string, error)
}

// readers renders statements that run each read's leaf when every pointer
// on its path is non-nil. Reads sharing a path prefix share its nil checks.
// root is an expression of type rootType whose fields can be selected (a
// struct, or a non-nil pointer to one). guarded reports whether some leaf
// sits behind a nil check.
func (ix *goIndex) readers(root string, rootType ast.Expr, reads []read) (code string, guarded bool, err error) {
	var b strings.Builder
	guarded, err = ix.readLevel(&b, root, deref(rootType), reads, 0, nil)
	return b.String(), guarded, err
}

func (ix *goIndex) readLevel(b *strings.Builder, expr string, t ast.Expr, reads []read, depth int, prefix []string) (bool, error) {
	guarded := false
	var order []string
	groups := map[string][]read{}
	for _, r := range reads {
		seg := r.path[depth]
		if _, ok := groups[seg]; !ok {
			order = append(order, seg)
		}
		groups[seg] = append(groups[seg], r)
	}
	for _, seg := range order {
		path := append(append([]string(nil), prefix...), seg)
		name, ft, err := ix.field(t, seg)
		if err != nil {
			return false, fmt.Errorf("JSON path %s: %w", strings.Join(path, "."), err)
		}
		sub, leafExpr, subT := expr+"."+name, expr+"."+name, ft
		star, isPtr := ft.(*ast.StarExpr)
		if isPtr {
			fmt.Fprintf(b, "if v := %s; v != nil {\n", sub)
			sub, leafExpr, subT = "v", "*v", star.X
			guarded = true
		}
		var deeper []read
		for _, r := range groups[seg] {
			if len(r.path) > depth+1 {
				deeper = append(deeper, r)
				continue
			}
			stmt, err := r.leaf(leafExpr, subT)
			if err != nil {
				return false, fmt.Errorf("JSON path %s: %w", strings.Join(path, "."), err)
			}
			b.WriteString(stmt + "\n")
		}
		if len(deeper) > 0 {
			g, err := ix.readLevel(b, sub, subT, deeper, depth+1, path)
			if err != nil {
				return false, err
			}
			guarded = guarded || g
		}
		if isPtr {
			b.WriteString("}\n")
		}
	}
	return guarded, nil
}

func deref(t ast.Expr) ast.Expr {
	if star, ok := t.(*ast.StarExpr); ok {
		return star.X
	}
	return t
}

// basic returns the predeclared type a type stands for, or "".
func (ix *goIndex) basic(t ast.Expr) string {
	if id, ok := ix.underlying(t).(*ast.Ident); ok && token.IsIdentifier(id.Name) {
		if _, defined := ix.types[id.Name]; !defined {
			return id.Name
		}
	}
	return ""
}

// convert renders expr (of type t) as a value of the predeclared type
// want ("int" or "string").
func (ix *goIndex) convert(expr string, t ast.Expr, want string) (string, error) {
	b := ix.basic(t)
	ok := false
	switch want {
	case "string":
		ok = b == "string"
	case "int":
		switch b {
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
			ok = true
		}
	}
	if !ok {
		return "", fmt.Errorf("type %s cannot be read as %s", ix.print(t), want)
	}
	if id, isIdent := t.(*ast.Ident); isIdent && id.Name == want {
		return expr, nil
	}
	return want + "(" + expr + ")", nil
}

// assign renders statements setting the field dst (of type t, possibly a
// pointer) to src, an expression of predeclared type kind ("int" or
// "string"), converting as needed.
func (ix *goIndex) assign(dst string, t ast.Expr, src, kind string) (string, error) {
	target := deref(t)
	b := ix.basic(target)
	if b == "" || (kind == "string") != (b == "string") {
		return "", fmt.Errorf("type %s cannot hold a %s", ix.print(t), kind)
	}
	val := src
	if id, ok := target.(*ast.Ident); !ok || id.Name != kind {
		val = ix.print(target) + "(" + src + ")"
	}
	if _, ok := t.(*ast.StarExpr); !ok {
		return dst + " = " + val, nil
	}
	if val == src {
		return dst + " = &" + src, nil
	}
	return fmt.Sprintf("{\nx := %s\n%s = &x\n}", val, dst), nil
}

// sliceElem returns the element type of a slice type (following names).
func (ix *goIndex) sliceElem(t ast.Expr) (ast.Expr, error) {
	arr, ok := ix.underlying(t).(*ast.ArrayType)
	if !ok || arr.Len != nil {
		return nil, fmt.Errorf("%s is not a slice", ix.print(t))
	}
	return arr.Elt, nil
}

// isStruct reports whether t stands for a struct type.
func (ix *goIndex) isStruct(t ast.Expr) bool {
	_, ok := ix.underlying(t).(*ast.StructType)
	return ok
}

// funcParams parses a method's parameter list (Method.Args).
func funcParams(args string) ([]*ast.Field, error) {
	e, err := parser.ParseExpr("func(" + args + ")")
	if err != nil {
		return nil, fmt.Errorf("parse parameters %q: %w", args, err)
	}
	ft, ok := e.(*ast.FuncType)
	if !ok {
		return nil, fmt.Errorf("parse parameters %q: not a parameter list", args)
	}
	return ft.Params.List, nil
}

// isStringMap reports whether t stands for a map with string keys.
func (ix *goIndex) isStringMap(t ast.Expr) bool {
	m, ok := ix.underlying(t).(*ast.MapType)
	return ok && ix.basic(m.Key) == "string"
}
