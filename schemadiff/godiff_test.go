package schemadiff

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// typeCheck builds a package from source, for Go-level tests that need no
// go command.
func typeCheck(t *testing.T, path, src string) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "api.go", src, 0)
	require.NoError(t, err)
	pkg, err := (&types.Config{Importer: importer.Default()}).Check(path, fset, []*ast.File{f}, nil)
	require.NoError(t, err)
	return pkg
}

const oldAPI = `package api

type Contact struct {
	ID   string
	Name string
	Role string
}

type Location struct{ City string }

type Note struct{ Body string }

type Body = Contact

type Client struct{}

func (c *Client) GetContact(id string, full bool) (*Contact, error) { return nil, nil }
func (c *Client) Archive(id string) error                           { return nil }

const Version = "1"
`

const newAPI = `package api

type Contact struct {
	ID    string
	Name  *string
	Email string
}

type Note struct{ Body string }

type Body = Note

type Client struct{}

func (c *Client) GetContact(id int, full bool) (*Contact, error) { return nil, nil }
func (c *Client) Unarchive(id string) error                      { return nil }

const Version = "2"
`

func goChange(t *testing.T, r *GoReport, name string) GoChange {
	t.Helper()
	for _, c := range r.Changes {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no Go change for %s in %v", name, r.Changes)
	return GoChange{}
}

func TestCompareGoClassifiesChanges(t *testing.T) {
	pkgs := GoPackages{
		"example.com/old/api": typeCheck(t, "example.com/old/api", oldAPI),
		"example.com/new/api": typeCheck(t, "example.com/new/api", newAPI),
	}
	r, err := pkgs.CompareGo("example.com/old/api", "example.com/new/api")
	require.NoError(t, err)

	loc := goChange(t, r, "Location")
	require.Equal(t, GoType, loc.Object)
	require.Equal(t, GoRemoved, loc.Action)
	require.False(t, loc.Compatible)

	name := goChange(t, r, "Contact.Name")
	require.Equal(t, GoField, name.Object)
	require.Equal(t, GoChanged, name.Action)
	require.Equal(t, "Contact", name.Owner)
	require.Equal(t, "string", name.From)
	require.Equal(t, "*string", name.To)
	require.True(t, name.PointerOnly())

	role := goChange(t, r, "Contact.Role")
	require.Equal(t, GoField, role.Object)
	require.Equal(t, GoRemoved, role.Action)
	email := goChange(t, r, "Contact.Email")
	require.Equal(t, GoAdded, email.Action)
	require.True(t, email.Compatible)

	get := goChange(t, r, "(*Client).GetContact")
	require.Equal(t, GoMethod, get.Object)
	require.Equal(t, GoChanged, get.Action)
	require.Equal(t, "Client", get.Owner)
	require.Equal(t, "id string → int", get.Detail)
	require.Equal(t, GoRemoved, goChange(t, r, "(*Client).Archive").Action)
	require.Equal(t, GoAdded, goChange(t, r, "(*Client).Unarchive").Action)

	body := goChange(t, r, "Body")
	require.Equal(t, GoType, body.Object)
	require.Equal(t, "Contact → Note", body.Detail, "an alias shows what it now stands for")

	require.Equal(t, GoConst, goChange(t, r, "Version").Object)

	counted := 0
	for _, c := range r.Summary {
		counted += c.Changes
	}
	require.Equal(t, len(r.Changes), counted)

	var md bytes.Buffer
	require.NoError(t, (&Report{Base: "a", Revision: "b", Go: r}).WriteMarkdown(&md))
	for _, want := range []string{"## Go view", "### Types removed (1)", "`Location`", "`GetContact`: `id string → int`", "### Methods removed (1)"} {
		require.Contains(t, md.String(), want)
	}
}

func TestCompareGoNeedsBothPackages(t *testing.T) {
	_, err := GoPackages{}.CompareGo("a", "b")
	require.ErrorContains(t, err, "load both packages")
}

func TestLoadGoPackagesOutsideTheModule(t *testing.T) {
	_, err := LoadGoPackages(context.Background(), t.TempDir(), versionsPath+"/"+versions.All[0].Package)
	require.ErrorIs(t, err, ErrNoGoSource)
	require.ErrorContains(t, err, "inside a checkout")

	_, err = LoadGoPackages(context.Background(), "", versionsPath+"/no_such_version")
	require.ErrorIs(t, err, ErrNoGoSource)
}

var (
	modulePackagesOnce sync.Once
	modulePackages     GoPackages
	modulePackagesErr  error
)

// loadVersionPackages type-checks every version package once per test run.
func loadVersionPackages(t *testing.T) GoPackages {
	t.Helper()
	modulePackagesOnce.Do(func() {
		var paths []string
		for _, v := range versions.All {
			paths = append(paths, versionsPath+"/"+v.Package)
		}
		modulePackages, modulePackagesErr = LoadGoPackages(context.Background(), "", paths...)
	})
	require.NoError(t, modulePackagesErr)
	return modulePackages
}

// TestGoViewOfVersions checks the Go-level view against the spec-level
// report: an operation removed from the API is a method removed from the
// typed client, which the generator names after the operationId.
func TestGoViewOfVersions(t *testing.T) {
	pkgs := loadVersionPackages(t)
	for _, p := range pairs(t) {
		base, rev := p[0], p[1]
		t.Run(base.Name+"-"+rev.Name, func(t *testing.T) {
			g, err := pkgs.CompareGo(versionsPath+"/"+base.Package, versionsPath+"/"+rev.Package)
			require.NoError(t, err)
			require.NotEmpty(t, g.Changes)

			removed := map[string]bool{}
			for _, c := range g.Changes {
				if c.Object == GoMethod && c.Action == GoRemoved && c.Owner == "Client" {
					removed[c.Name] = true
				}
			}
			r := compareVersions(t, base.Name, rev.Name)
			for _, o := range r.OperationsRemoved {
				require.NotEmpty(t, o.OperationID)
				id := []rune(o.OperationID)
				id[0] = unicode.ToUpper(id[0])
				require.Truef(t, removed["(*Client)."+string(id)], "removed operation %s: no Client method removed for it in %v", o.OperationID, removed)
			}

			// The version constant changes with every version.
			var sawVersionConst bool
			for _, c := range g.Changes {
				if c.Object == GoConst && c.Action == GoChanged && strings.Contains(c.Message, rev.Name) {
					sawVersionConst = true
				}
			}
			require.True(t, sawVersionConst, "a constant holds the version name")
		})
	}
}

func TestChangelogs(t *testing.T) {
	pkgs := loadVersionPackages(t)
	files, err := changelogs(context.Background(), pkgs)
	require.NoError(t, err)
	again, err := changelogs(context.Background(), pkgs)
	require.NoError(t, err)
	require.Equal(t, files, again, "changelogs are byte-identical on reruns")
	require.Len(t, files, len(versions.All)) // a changelog per pair, and the index
	index := string(files["README.md"])
	require.True(t, strings.HasPrefix(index, generatedMarker))
	for _, p := range pairs(t) {
		name := ChangelogName(p[0].Name, p[1].Name)
		body := string(files[name])
		require.NotEmptyf(t, body, "no %s", name)
		require.True(t, strings.HasPrefix(body, generatedMarker))
		require.Contains(t, body, "# Changes from "+p[0].Name+" to "+p[1].Name)
		require.Contains(t, body, "## Go view")
		require.Contains(t, index, "("+name+")")
	}

	dir := t.TempDir()
	stale := dir + "/" + ChangelogName("1.0", "1.1")
	require.NoError(t, writeFile(stale, "old"))
	names, err := writeChangelogs(dir, files)
	require.NoError(t, err)
	require.Len(t, names, len(files))
	require.NoFileExists(t, stale, "a changelog for versions no longer known is removed")
	for _, n := range names {
		got, err := os.ReadFile(dir + "/" + n)
		require.NoError(t, err)
		require.Equal(t, string(files[n]), string(got))
	}
}

func TestChangelogsOutsideTheModule(t *testing.T) {
	_, err := Changelogs(context.Background(), t.TempDir())
	require.True(t, errors.Is(err, ErrNoGoSource), "got %v", err)
}
