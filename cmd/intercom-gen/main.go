// Command intercom-gen fetches Intercom's OpenAPI descriptions and
// generates the version packages under versions/.
//
//	intercom-gen fetch [-mirror DIR] [VERSION...]   place the pinned specs under openapi/
//	intercom-gen generate [VERSION...]              regenerate versions/ from openapi/
//	intercom-gen check                              fail if versions/ is not what generate writes
//	intercom-gen add-version [-spec FILE|URL] VERSION  add a new API version end to end
//	intercom-gen update-specs [-commit REV] [VERSION...]  take newer revisions of known versions
//
// Run it from the module root (make does).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/intercomgo/intercom/gen/conformance"
	"github.com/intercomgo/intercom/gen/manifest"
	_ "github.com/intercomgo/intercom/gen/pagination"
	"github.com/intercomgo/intercom/gen/pipeline"
	_ "github.com/intercomgo/intercom/gen/webhooks"
)

const usage = `usage: intercom-gen [-root DIR] COMMAND [flags] [VERSION...]

commands:
  fetch      copy or download each version's pinned spec (from its recorded source
             file, the mirror or its URL) into openapi/ and verify its sha256
  generate   normalize each spec and regenerate versions/ (all versions by default)
  check      regenerate in memory and fail if versions/ differs
  add-version   add a version: fetch, record in the manifest (with the -spec file as its
                source when the mirror and upstream lack it), generate, changelog, README
  update-specs  take newer revisions of known versions, regenerate, print what changed
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "intercom-gen:", err)
		os.Exit(1)
	}
}

// errUsage marks errors after which the usage text helps.
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) error {
	global := flag.NewFlagSet("intercom-gen", flag.ContinueOnError)
	global.SetOutput(stderr)
	root := global.String("root", ".", "module root")
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := global.Parse(args); err != nil {
		return err
	}
	if global.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	cmd, rest := global.Arg(0), global.Args()[1:]
	t := &tool{root: *root, stdout: stdout, stderr: stderr}
	switch cmd {
	case "fetch":
		return t.fetch(rest)
	case "generate":
		return t.generate(rest)
	case "check":
		return t.check(rest)
	case "add-version":
		return t.addVersion(rest)
	case "update-specs":
		return t.updateSpecs(rest)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}

type tool struct {
	root           string
	stdout, stderr io.Writer
}

func (t *tool) manifestPath() string { return filepath.Join(t.root, "openapi", "manifest.json") }

// defaultMirror is where the specs are mirrored beside a checkout.
func defaultMirror() string {
	if d := os.Getenv("INTERCOM_OPENAPI_MIRROR"); d != "" {
		return d
	}
	return ""
}

// load reads the manifest and picks the entries named in names (all of
// them when names is empty).
func (t *tool) load(names []string) (*manifest.Manifest, []*manifest.Entry, error) {
	m, err := manifest.Load(t.manifestPath())
	if err != nil {
		return nil, nil, err
	}
	entries, err := selected(m, names)
	if err != nil {
		return nil, nil, err
	}
	return m, entries, nil
}

// selected returns the manifest entries named in names, or all of them.
func selected(m *manifest.Manifest, names []string) ([]*manifest.Entry, error) {
	if len(names) == 0 {
		var all []*manifest.Entry
		for i := range m.Versions {
			all = append(all, &m.Versions[i])
		}
		return all, nil
	}
	var out []*manifest.Entry
	for _, n := range names {
		e, ok := m.Find(n)
		if !ok {
			return nil, fmt.Errorf("unknown version %q: the manifest has %s (add one with `make add-version VERSION=%s`)", n, strings.Join(m.Names(), ", "), n)
		}
		out = append(out, e)
	}
	return out, nil
}

func (t *tool) fetch(args []string) error {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	fs.SetOutput(t.stderr)
	mirror := fs.String("mirror", defaultMirror(), "mirror directory laid out as DIR/<version>/api.intercom.io.yaml; empty downloads from the manifest URLs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, entries, err := t.load(fs.Args())
	if err != nil {
		return err
	}
	src := manifest.Source{Dir: *mirror, Client: httpClient}
	for _, e := range entries {
		if err := manifest.Fetch(t.root, e, src); err != nil {
			return err
		}
		fmt.Fprintf(t.stdout, "fetched %s (sha256 %s)\n", e.Version, e.SHA256[:12])
	}
	return nil
}

// build generates every selected version in memory.
func (t *tool) build(names []string, verbose bool) (*manifest.Manifest, map[string]*pipeline.Result, error) {
	m, entries, err := t.load(names)
	if err != nil {
		return nil, nil, err
	}
	results := map[string]*pipeline.Result{}
	for _, e := range entries {
		spec, err := manifest.ReadSpec(t.root, e)
		if err != nil {
			return nil, nil, err
		}
		overlay, err := manifest.ReadOverlay(t.root, e.Version)
		if err != nil {
			return nil, nil, err
		}
		v := pipeline.Version{Name: e.Version, SHA256: e.SHA256}
		res, err := pipeline.Generate(v, spec, overlay)
		if err != nil {
			return nil, nil, err
		}
		if n := len(res.Operations); e.Operations != 0 && n != e.Operations {
			return nil, nil, fmt.Errorf("version %s: generated %d operations, the manifest expects %d", e.Version, n, e.Operations)
		}
		if verbose {
			fmt.Fprintf(t.stdout, "== %s: %d operations, %d repairs\n%s", e.Version, len(res.Operations), len(res.Report.Findings), res.Report.String())
		}
		results[e.Version] = res
	}
	return m, results, nil
}

func versionsOf(m *manifest.Manifest) []pipeline.Version {
	var vs []pipeline.Version
	for _, e := range m.Versions {
		vs = append(vs, pipeline.Version{Name: e.Version, SHA256: e.SHA256})
	}
	return vs
}

func (t *tool) generate(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(t.stderr)
	quiet := fs.Bool("q", false, "print only a summary per version, not every repair")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, results, err := t.build(fs.Args(), !*quiet)
	if err != nil {
		return err
	}
	if *quiet {
		for _, e := range m.Versions {
			if res, ok := results[e.Version]; ok {
				fmt.Fprintf(t.stdout, "== %s: %d operations\n%s", e.Version, len(res.Operations), res.Report.Summary())
			}
		}
	}
	return t.writeAll(m, results)
}

func (t *tool) check(args []string) error {
	m, results, err := t.build(args, false)
	if err != nil {
		return err
	}
	var diffs []string
	for _, e := range m.Versions {
		res, ok := results[e.Version]
		if !ok {
			continue
		}
		d, err := pipeline.DiffDir(pipeline.VersionDir(t.root, pipeline.Version{Name: e.Version}), res.Files)
		if err != nil {
			return err
		}
		diffs = append(diffs, d...)
	}
	reg, err := pipeline.Registry(versionsOf(m))
	if err != nil {
		return err
	}
	if got, err := os.ReadFile(filepath.Join(t.root, "versions", "versions.gen.go")); err != nil || string(got) != string(reg) {
		diffs = append(diffs, "stale: versions/versions.gen.go")
	}
	if current, err := t.readme(m, false); err != nil {
		return err
	} else if !current {
		diffs = append(diffs, "stale: the version table in README.md")
	}
	d, err := t.checkChangelog()
	if err != nil {
		return err
	}
	diffs = append(diffs, d...)
	if d, err = t.checkDefectReport(); err != nil {
		return err
	}
	diffs = append(diffs, d...)
	if len(diffs) > 0 {
		return fmt.Errorf("generated code is not current (run `make generate` and commit):\n  %s", strings.Join(diffs, "\n  "))
	}
	fmt.Fprintf(t.stdout, "generated code is current for %s\n", strings.Join(m.Names(), ", "))
	return nil
}
