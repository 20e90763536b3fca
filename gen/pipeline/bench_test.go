package pipeline

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intercomgo/intercom/gen/manifest"
)

// BenchmarkGenerate measures one version's whole generation in memory:
// load, normalize, validate, oapi-codegen and every emitter.
func BenchmarkGenerate(b *testing.B) {
	m, err := manifest.Load(filepath.Join(root, "openapi", "manifest.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range m.Versions {
		data, err := manifest.ReadSpec(root, &e)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(e.Version, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Generate(Version{Name: e.Version, SHA256: e.SHA256}, data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildPackage measures compiling one version package with its
// dependencies already in the build cache: each iteration copies the
// package into testdata with a fresh nonce so that only it is recompiled.
// "baseline" builds a one-file package the same way, which is the fixed
// cost of the go command.
func BenchmarkBuildPackage(b *testing.B) { benchGoCommand(b, "build") }

// BenchmarkVetPackage measures go vet over one version package the same
// way: the package is vetted again, its dependencies' facts cached.
func BenchmarkVetPackage(b *testing.B) { benchGoCommand(b, "vet") }

// benchGoCommand runs "go <verb>" over a copy of each version package (its
// non-test files and its spec subpackage) with a fresh nonce per
// iteration, and over the baseline.
func benchGoCommand(b *testing.B, verb string) {
	m, err := manifest.Load(filepath.Join(root, "openapi", "manifest.json"))
	if err != nil {
		b.Fatal(err)
	}
	pkgs := []string{"baseline"}
	for _, e := range m.Versions {
		pkgs = append(pkgs, PackageName(e.Version))
	}
	for _, pkg := range pkgs {
		b.Run(pkg, func(b *testing.B) {
			dir, err := os.MkdirTemp("testdata", verb+"-"+pkg+"-")
			if err != nil {
				b.Fatal(err)
			}
			defer os.RemoveAll(dir)
			if pkg == "baseline" {
				if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package baseline\n\nfunc A() int { return 1 }\n"), 0o644); err != nil {
					b.Fatal(err)
				}
			} else {
				if err := copyPackage(filepath.Join(root, "versions", pkg), dir); err != nil {
					b.Fatal(err)
				}
				// Warm the cache for the dependencies once.
				if out, err := exec.Command("go", verb, "./"+filepath.ToSlash(dir)).CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
			}
			pkgName := pkg
			n := 0
			for b.Loop() {
				n++
				nonce := fmt.Sprintf("package %s\n\nconst benchNonce = %d\n", pkgName, n)
				if err := os.WriteFile(filepath.Join(dir, "nonce.go"), []byte(nonce), 0o644); err != nil {
					b.Fatal(err)
				}
				out, err := exec.Command("go", verb, "./"+filepath.ToSlash(dir)).CombinedOutput()
				if err != nil {
					b.Fatalf("%v\n%s", err, strings.TrimSpace(string(out)))
				}
			}
		})
	}
}

// copyPackage copies a version package's non-test Go files, and the
// directories beside them (its embedded spec), into dst.
func copyPackage(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") || (filepath.Dir(rel) == "." && !strings.HasSuffix(path, ".go")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}
