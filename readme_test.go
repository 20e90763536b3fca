package intercom_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	goBlock      = regexp.MustCompile("(?s)```go\n(.*?)```")
	trailingNote = regexp.MustCompile(`\s+//.*$`)
)

// codeLines returns the lines of Go source that carry code: trimmed, with
// comments and blank lines left out.
func codeLines(src string) []string {
	var out []string
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(trailingNote.ReplaceAllString(l, ""))
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// mainBody keeps the statements of a complete program's main function, or
// of a block that is one function.
func mainBody(lines []string) []string {
	for i, l := range lines {
		if l == "func main() {" {
			return lines[i+1 : len(lines)-1]
		}
	}
	if len(lines) > 1 && strings.HasPrefix(lines[0], "func ") && lines[len(lines)-1] == "}" {
		return lines[1 : len(lines)-1]
	}
	return lines
}

// inOrder reports whether every line of want appears in have, in order.
func inOrder(want, have []string) bool {
	i := 0
	for _, l := range have {
		if i < len(want) && l == want[i] {
			i++
		}
	}
	return i == len(want)
}

// handWrittenTestFiles lists the module's test files that are not
// generated, in every package (the README shows the webhook, oauth and
// workspace packages too), leaving out testdata, node_modules and hidden
// directories.
func handWrittenTestFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		if !ast.IsGenerated(f) {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}

// TestReadmeGoBlocksAreExamples checks that every Go block of the README is
// code that compiles and runs: each block's lines appear, in order, in an
// Example (or a TestReadme test) of this module's test files.
func TestReadmeGoBlocksAreExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	require.NotEmpty(t, blocks)

	var bodies [][]string
	var names []string
	fset := token.NewFileSet()
	for _, path := range handWrittenTestFiles(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !(strings.HasPrefix(fn.Name.Name, "Example") || strings.HasPrefix(fn.Name.Name, "TestReadme")) {
				continue
			}
			body := string(src[fset.Position(fn.Pos()).Offset:fset.Position(fn.End()).Offset])
			bodies = append(bodies, codeLines(body))
			names = append(names, path+": "+fn.Name.Name)
		}
	}
	require.NotEmpty(t, bodies)
	for i, b := range blocks {
		want := mainBody(codeLines(b[1]))
		found := ""
		for j, have := range bodies {
			if inOrder(want, have) {
				found = names[j]
				break
			}
		}
		first := ""
		if len(want) > 0 {
			first = want[0]
		}
		assert.NotEmpty(t, found, "README Go block %d (starting %q) matches no Example or TestReadme function: add one, or make the README show the Example's code", i+1, first)
	}
}

// TestReadmeSearchTaskFitsFifteenLines keeps the README's search task (create
// a contact with a custom attribute, search by email AND role, iterate)
// short.
func TestReadmeSearchTaskFitsFifteenLines(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, b := range goBlock.FindAllStringSubmatch(string(readme), -1) {
		if strings.Contains(b[1], "client.CreateContact(") && strings.Contains(b[1], "Matching(") {
			assert.LessOrEqual(t, len(codeLines(b[1])), 15, "the search task has grown:\n%s", b[1])
			return
		}
	}
	t.Fatal("the README has no search task block")
}
