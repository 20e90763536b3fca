package pipeline

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"text/template"
)

// Finishers run after the version packages have been written, with the
// module root, to write what gathers every version (docs, for one). The
// generator's packages add theirs in init functions, as with Emitters.
var Finishers []func(root string) error

// VersionDir is the directory of a version's package below the module root.
func VersionDir(root string, v Version) string {
	return filepath.Join(root, "versions", v.Package())
}

// WriteDir replaces dir with exactly files. The new tree is built beside the
// old one and swapped in with renames, so an error leaves the old package
// whole. A version directory holds generated files only.
func WriteDir(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".new-"+filepath.Base(dir)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		path := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = dir + ".old"
		os.RemoveAll(old)
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// DiffDir compares files with what dir holds and returns a sorted list of
// differences: files changed, missing, or present but not generated.
func DiffDir(dir string, files map[string][]byte) ([]string, error) {
	var diffs []string
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		want, ok := files[rel]
		if !ok {
			diffs = append(diffs, "extra: "+filepath.Join(dir, rel))
			return nil
		}
		got, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			diffs = append(diffs, "stale: "+filepath.Join(dir, rel))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	for name := range files {
		if !seen[name] {
			diffs = append(diffs, "missing: "+filepath.Join(dir, name))
		}
	}
	sort.Strings(diffs)
	return diffs, nil
}

var registryTemplate = template.Must(template.New("registry").Parse(Header + `

// Package versions lists the Intercom API versions this module has a
// package for, with each version's normalized OpenAPI description. Tools
// (the schema diff, the fake server) use it; client code imports a version
// package such as versions/{{(index . 0).Package}} instead.
package versions

import (
{{- range .}}
	{{.Package}} "github.com/intercomgo/intercom/versions/{{.Package}}/spec"
{{- end}}
)

// Version is one API version known to this module.
type Version struct {
	// Name is Intercom's name for the version, "2.11".
	Name string
	// Package is the Go package that speaks it, "v2_11".
	Package string
	// UpstreamSHA256 is the checksum of the upstream description.
	UpstreamSHA256 string
	// Spec is the normalized OpenAPI description, as JSON.
	Spec []byte
}

// All lists the known versions, oldest first.
var All = []Version{
{{- range .}}
	{Name: {{printf "%q" .Name}}, Package: {{printf "%q" .Package}}, UpstreamSHA256: {{.Package}}.UpstreamSHA256, Spec: {{.Package}}.JSON},
{{- end}}
}

// Lookup returns the version named name ("2.11"; "v2_11" works too).
func Lookup(name string) (Version, bool) {
	for _, v := range All {
		if v.Name == name || v.Package == name {
			return v, true
		}
	}
	return Version{}, false
}

// Names returns the names of the known versions, oldest first.
func Names() []string {
	names := make([]string, len(All))
	for i, v := range All {
		names[i] = v.Name
	}
	return names
}
`))

type registryEntry struct{ Name, Package string }

// Registry renders versions/versions.gen.go for the given versions, which
// must be sorted oldest first.
func Registry(versions []Version) ([]byte, error) {
	if len(versions) == 0 {
		return nil, fmt.Errorf("no versions")
	}
	var entries []registryEntry
	for _, v := range versions {
		entries = append(entries, registryEntry{Name: v.Name, Package: v.Package()})
	}
	var buf bytes.Buffer
	if err := registryTemplate.Execute(&buf, entries); err != nil {
		return nil, err
	}
	r := &Result{Files: map[string][]byte{}}
	if err := r.AddGo("versions.gen.go", buf.Bytes()); err != nil {
		return nil, err
	}
	return r.Files["versions.gen.go"], nil
}
