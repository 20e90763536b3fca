package versions_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// structFields maps each struct type of a version package's api.gen.go to
// its fields by JSON name, with their Go types.
func structFields(t *testing.T, pkg string) map[string]map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(pkg, "api.gen.go"), nil, parser.SkipObjectResolution)
	require.NoError(t, err)
	out := map[string]map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range gd.Specs {
			ts, ok := s.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			fields := map[string]string{}
			for _, fl := range st.Fields.List {
				if fl.Tag == nil || len(fl.Names) == 0 {
					continue
				}
				name, _, _ := strings.Cut(reflect.StructTag(strings.Trim(fl.Tag.Value, "`")).Get("json"), ",")
				var b strings.Builder
				_ = printer.Fprint(&b, fset, fl.Type)
				fields[name] = b.String()
			}
			out[ts.Name.Name] = fields
		}
	}
	return out
}

// responseTypes returns the Go names of the component schemas a response
// of the version can carry.
func responseTypes(t *testing.T, spec []byte) map[string]bool {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(spec, &doc))
	schemas, _ := doc["components"].(map[string]any)["schemas"].(map[string]any)
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				goName := codegen.SchemaNameToTypeName(name)
				if s, ok := schemas[name].(map[string]any); ok {
					if n, ok := s["x-go-name"].(string); ok {
						goName = n
					}
				}
				if !out[goName] {
					out[goName] = true
					walk(schemas[name])
				}
				return
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, item := range doc["paths"].(map[string]any) {
		for _, op := range item.(map[string]any) {
			if o, ok := op.(map[string]any); ok {
				walk(o["responses"])
			}
		}
	}
	return out
}

// TestPresenceIsTheSameInEveryVersion checks the presence rule across
// versions: a field that two versions both have never differs only in
// being a pointer, which is what following each version's required flags
// would produce. (A real change of wire type may change the type itself.)
// Request types keep the description's required flags and are not checked.
func TestPresenceIsTheSameInEveryVersion(t *testing.T) {
	require.NotEmpty(t, versions.All)
	var prev map[string]map[string]string
	var prevName string
	for _, v := range versions.All {
		cur := structFields(t, v.Package)
		inResponses := responseTypes(t, v.Spec)
		var flips []string
		for typ, fields := range cur {
			old, ok := prev[typ]
			if !ok || !inResponses[typ] {
				continue
			}
			for name, ty := range fields {
				was, ok := old[name]
				if ok && was != ty && strings.TrimPrefix(was, "*") == strings.TrimPrefix(ty, "*") {
					flips = append(flips, typ+"."+name+": "+was+" in "+prevName+", "+ty+" in "+v.Name)
				}
			}
		}
		sort.Strings(flips)
		require.Empty(t, flips, "fields whose presence differs between versions")
		prev, prevName = cur, v.Name
	}
}
