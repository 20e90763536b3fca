package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/intercomgo/intercom/gen/manifest"
	"github.com/intercomgo/intercom/gen/pipeline"
)

// verify builds and vets the generated packages of results, with the
// registry of m, before any of it is written: the module's Go files are
// copied into a scratch directory, the generated ones put in place there,
// and the go command run on the copy, so the tree is untouched whatever the
// outcome. The error carries the compiler's or vet's own message.
//
// A root that is not a Go module (a bare directory holding only the
// manifest) has nothing to build against and is not verified.
func (t *tool) verify(m *manifest.Manifest, results map[string]*pipeline.Result) error {
	if _, err := os.Stat(filepath.Join(t.root, "go.mod")); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	scratch, err := os.MkdirTemp("", "intercom-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	if err := copyModule(t.root, scratch); err != nil {
		return fmt.Errorf("copy the module to build the generated code: %w", err)
	}
	var pkgs []string
	for name, res := range results {
		v := pipeline.Version{Name: name}
		if err := pipeline.WriteDir(pipeline.VersionDir(scratch, v), res.Files); err != nil {
			return err
		}
		pkgs = append(pkgs, "./versions/"+v.Package()+"/...")
	}
	sort.Strings(pkgs)
	reg, err := pipeline.Registry(versionsOf(m))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(scratch, "versions", "versions.gen.go"), reg, 0o644); err != nil {
		return err
	}
	for _, step := range []string{"build", "vet"} {
		cmd := exec.Command("go", append([]string{step, "./versions"}, pkgs...)...)
		cmd.Dir = scratch
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			msg := strings.ReplaceAll(strings.TrimSpace(out.String()), scratch+string(filepath.Separator), "")
			return fmt.Errorf("the generated code does not pass `go %s` (a shape the generator does not handle yet: fix the generator, never the output):\n%s", step, msg)
		}
	}
	return nil
}

// copyModule copies what building the module needs (go.mod, go.sum, Go
// files and the version packages' embedded specs) from root to dst.
func copyModule(root, dst string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" || name == "openapi") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		name := d.Name()
		keep := name == "go.mod" || name == "go.sum" || strings.HasSuffix(name, ".go") ||
			strings.HasPrefix(filepath.ToSlash(rel), "versions/")
		if !keep {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
