package versions_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// positional matches package-level names that say where something sat in
// the spec rather than what it is: Empty, N1, N212, AND, Value0,
// SingleFilterSearchRequestValue3, PaginatedResponse_Data_Item.
var positional = []*regexp.Regexp{
	regexp.MustCompile(`^Empty$`),
	regexp.MustCompile(`^N[0-9]+$`),
	regexp.MustCompile(`^[A-Z]{1,4}$`),
	regexp.MustCompile(`[a-z][0-9]+$`),
	regexp.MustCompile(`_`),
	regexp.MustCompile(`Empty[0-9]*$`),
}

// TestGeneratedNamesRead scans every version package for package-level
// identifiers named by position, enum constants without their type's name,
// and methods that return anonymous structs.
func TestGeneratedNamesRead(t *testing.T) {
	require.NotEmpty(t, versions.All)
	for _, v := range versions.All {
		t.Run(v.Name, func(t *testing.T) {
			fset := token.NewFileSet()
			files, err := filepath.Glob(filepath.Join(v.Package, "*.go"))
			require.NoError(t, err)
			require.NotEmpty(t, files)
			var bad []string
			checked := 0
			declared := map[string]bool{}
			for _, path := range files {
				if strings.HasSuffix(path, "_test.go") {
					continue
				}
				f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
				require.NoError(t, err)
				for _, decl := range f.Decls {
					switch d := decl.(type) {
					case *ast.GenDecl:
						for _, spec := range d.Specs {
							switch s := spec.(type) {
							case *ast.TypeSpec:
								declared[s.Name.Name] = true
								checked++
								bad = append(bad, check(s.Name.Name)...)
							case *ast.ValueSpec:
								for i, n := range s.Names {
									checked++
									if !spellsItsValue(d, s, i) {
										bad = append(bad, check(n.Name)...)
									}
									if d.Tok == token.CONST && s.Type != nil {
										if typ, ok := s.Type.(*ast.Ident); ok && !strings.HasPrefix(n.Name, typ.Name) {
											bad = append(bad, n.Name+": an enum constant without its type's name "+typ.Name)
										}
									}
								}
							}
						}
					case *ast.FuncDecl:
						declared[d.Name.Name] = true
						checked++
						if d.Recv == nil {
							bad = append(bad, check(d.Name.Name)...)
						} else if strings.HasPrefix(d.Name.Name, "As") || strings.HasPrefix(d.Name.Name, "From") {
							bad = append(bad, check(strings.TrimPrefix(strings.TrimPrefix(d.Name.Name, "As"), "From"))...)
						}
						if d.Type.Results != nil && d.Name.IsExported() {
							for _, r := range d.Type.Results.List {
								typ := r.Type
								if star, ok := typ.(*ast.StarExpr); ok {
									typ = star.X
								}
								if _, anon := typ.(*ast.StructType); anon {
									bad = append(bad, d.Name.Name+": returns an anonymous struct")
								}
							}
						}
					}
				}
			}
			assert.Greater(t, checked, 1000, "the scan found the package's declarations")
			// The concepts every version shares keep one Go name.
			for _, name := range stableNames {
				assert.True(t, declared[name], "%s does not declare %s, which every version has", v.Package, name)
			}
			assert.Empty(t, bad, "names in %s that do not say what they are", v.Package)
		})
	}
}

// stableNames are concepts of every Intercom version whose Go names the
// generator derives from the spec's structure; a version without one of
// them has renamed a concept.
var stableNames = []string{
	"SearchRequest", "SearchRequestQuery", "SingleFilterSearchRequestValue", "SingleFilterSearchRequestOperator",
	"BuildSearchRequest", "SearchContactsMatching", "SearchConversationsMatching",
	"ManageConversationRequest", "BuildManageConversationRequest",
	"ReplyConversationRequest", "BuildReplyConversationRequest",
	"CloseConversationRequest", "AdminReplyConversationRequest",
}

// spellsItsValue reports whether the i-th name of s is an enum constant
// spelled as its type's name followed by its own string value, digits
// included: RegisterFinVoiceCallRequestSourceFive9 = "five9" names the
// product Five9, so its trailing digit says what it is rather than where it
// sat. Such a name is exempt from the positional patterns; a constant whose
// digits are not in its value (SourceValue3 = "five9") is still flagged.
func spellsItsValue(d *ast.GenDecl, s *ast.ValueSpec, i int) bool {
	typ, ok := s.Type.(*ast.Ident)
	if d.Tok != token.CONST || !ok || i >= len(s.Values) {
		return false
	}
	lit, ok := s.Values[i].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return false
	}
	value, err := strconv.Unquote(lit.Value)
	if err != nil {
		return false
	}
	rest, ok := strings.CutPrefix(s.Names[i].Name, typ.Name)
	words := nonAlphanumeric.ReplaceAllString(value, "")
	return ok && rest != "" && words != "" && strings.EqualFold(rest, words)
}

var nonAlphanumeric = regexp.MustCompile(`[^A-Za-z0-9]+`)

func check(name string) []string {
	if !ast.IsExported(name) {
		return nil
	}
	for _, re := range positional {
		if re.MatchString(name) {
			return []string{name + ": matches " + re.String()}
		}
	}
	return nil
}

// TestVersionHeaderOnlyInTheEmbeddedSpec checks that the Intercom-Version
// header is gone from the Go code (the transport sets it) and kept in the
// embedded spec that the fake and Prism validate requests against.
func TestVersionHeaderOnlyInTheEmbeddedSpec(t *testing.T) {
	for _, v := range versions.All {
		t.Run(v.Name, func(t *testing.T) {
			var doc struct {
				Paths map[string]map[string]json.RawMessage
			}
			require.NoError(t, json.Unmarshal(v.Spec, &doc))
			withHeader := 0
			for _, item := range doc.Paths {
				for key, raw := range item {
					var op struct {
						Parameters []struct{ Name, In string }
					}
					if key == "parameters" || json.Unmarshal(raw, &op) != nil {
						continue
					}
					for _, p := range op.Parameters {
						if p.In == "header" && strings.EqualFold(p.Name, "Intercom-Version") {
							withHeader++
						}
					}
				}
			}
			assert.Positive(t, withHeader, "the embedded spec keeps the header for validation")

			src, err := os.ReadFile(filepath.Join(v.Package, "api.gen.go"))
			require.NoError(t, err)
			assert.NotContains(t, string(src), "IntercomVersion ", "no generated field or type pretends to set the version")
			assert.NotContains(t, string(src), `header:"Intercom-Version"`)
		})
	}
}
