package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/intercomgo/intercom/gen/manifest"
	"github.com/intercomgo/intercom/gen/pipeline"
)

// changelogDir holds the generated schema changelogs between consecutive
// versions.
const changelogDir = "docs/changelog"

// readme rewrites the README's version table from the manifest. With
// write false it only reports whether the table is current.
func (t *tool) readme(m *manifest.Manifest, write bool) (current bool, err error) {
	path := filepath.Join(t.root, "README.md")
	old, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("read README: %w", err)
	}
	var rows []pipeline.TableRow
	for _, e := range m.Versions {
		rows = append(rows, pipeline.TableRow{Version: pipeline.Version{Name: e.Version, SHA256: e.SHA256}, Operations: e.Operations})
	}
	updated, err := pipeline.ReplaceTable(old, pipeline.VersionTable(rows))
	if err != nil {
		return false, err
	}
	if bytes.Equal(old, updated) {
		return true, nil
	}
	if write {
		return false, manifest.WriteFileAtomic(path, updated)
	}
	return false, nil
}

// changelog writes the schema changelogs into dir (relative to the root)
// with the schema diff command, run as a separate process so that it sees
// the freshly generated specs.
func (t *tool) changelog(dir string) error {
	if _, err := os.Stat(filepath.Join(t.root, "cmd", "intercom-diff")); err != nil {
		return nil // a checkout without the diff tool has no changelogs to write
	}
	cmd := exec.Command("go", "run", "./cmd/intercom-diff", "-changelog", dir)
	cmd.Dir = t.root
	cmd.Stdout, cmd.Stderr = t.stderr, t.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("write changelogs: %w", err)
	}
	return nil
}

// snapshot remembers files and directory trees so that a command that
// fails half way can put everything back as it was.
type snapshot struct {
	root  string
	saved map[string][]byte // relative path -> contents; nil marks "did not exist"
	dirs  []string          // directories to remove wholesale before restoring
}

func newSnapshot(root string, paths ...string) (*snapshot, error) {
	s := &snapshot{root: root, saved: map[string][]byte{}}
	for _, p := range paths {
		full := filepath.Join(root, p)
		info, err := os.Stat(full)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			s.saved[p] = nil
			s.dirs = append(s.dirs, p)
		case err != nil:
			return nil, err
		case info.IsDir():
			s.dirs = append(s.dirs, p)
			err := filepath.WalkDir(full, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(root, path)
				data, err := os.ReadFile(path)
				s.saved[rel] = data
				return err
			})
			if err != nil {
				return nil, err
			}
		default:
			data, err := os.ReadFile(full)
			if err != nil {
				return nil, err
			}
			s.saved[p] = data
		}
	}
	return s, nil
}

// restore puts every remembered path back as it was.
func (s *snapshot) restore() error {
	var errs []error
	for _, d := range s.dirs {
		if err := os.RemoveAll(filepath.Join(s.root, d)); err != nil {
			errs = append(errs, err)
		}
	}
	for p, data := range s.saved {
		full := filepath.Join(s.root, p)
		if data == nil {
			if err := os.RemoveAll(full); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if err := manifest.WriteFileAtomic(full, data); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// transaction runs fn; if fn fails, every path is restored.
func (t *tool) transaction(paths []string, fn func() error) error {
	snap, err := newSnapshot(t.root, paths...)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		if rerr := snap.restore(); rerr != nil {
			return fmt.Errorf("%w (and restoring the tree failed: %v)", err, rerr)
		}
		return fmt.Errorf("%w\nnothing was changed", err)
	}
	return nil
}

// touchedPaths are the files and trees a generation may rewrite.
func touchedPaths(m *manifest.Manifest, extra ...string) []string {
	paths := []string{"openapi/manifest.json", "README.md", "versions/versions.gen.go", "docs", defectReport}
	for _, e := range m.Versions {
		v := pipeline.Version{Name: e.Version}
		paths = append(paths, filepath.Join("versions", v.Package()), filepath.Join("openapi", e.Version, manifest.SpecFile))
	}
	return append(paths, extra...)
}

// readSource reads a spec from a file path, a URL, or the source's mirror.
func readSource(spec, version, url string, src manifest.Source) ([]byte, string, error) {
	switch {
	case strings.HasPrefix(spec, "http://"):
		return nil, spec, fmt.Errorf("-spec %s: plain http is refused (the file could be altered on the way); use an https URL or a local file", spec)
	case strings.HasPrefix(spec, "https://"):
		return manifest.Download(src.Client, spec)
	case spec != "":
		data, err := manifest.ReadFile(spec)
		if err != nil {
			return nil, spec, fmt.Errorf("read spec: %w", err)
		}
		return data, spec, nil
	default:
		return src.Read(version, url)
	}
}

func (t *tool) addVersion(args []string) error {
	fs := flag.NewFlagSet("add-version", flag.ContinueOnError)
	fs.SetOutput(t.stderr)
	mirror := fs.String("mirror", defaultMirror(), "mirror directory to take the spec from; empty downloads it from the upstream URL at the manifest's commit")
	specArg := fs.String("spec", "", "a file path or https URL of the spec, instead of the mirror or upstream")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: add-version takes exactly one version, e.g. add-version 2.13", errUsage)
	}
	version := fs.Arg(0)
	if err := manifest.ValidVersion(version); err != nil {
		return err
	}
	m, err := manifest.Load(t.manifestPath())
	if err != nil {
		return err
	}
	if _, ok := m.Find(version); ok {
		return fmt.Errorf("version %s is already in the manifest; use `make update-specs` to take a newer revision of it", version)
	}
	url := m.URLFor(version)
	if strings.HasPrefix(*specArg, "http") {
		url = *specArg
	}
	data, from, err := readSource(*specArg, version, url, manifest.Source{Dir: *mirror, Client: httpClient})
	if err != nil {
		return err
	}
	source, err := t.sourceOf(*specArg, version, url, *mirror, data)
	if err != nil {
		return err
	}
	v := pipeline.Version{Name: version, SHA256: manifest.Checksum(data)}
	// An overlay may be put in place before the version is added.
	overlay, err := manifest.ReadOverlay(t.root, version)
	if err != nil {
		return err
	}
	// Generate in memory first, then build and vet what was generated: a
	// spec that does not load, generate or compile stops here, before
	// anything is written.
	res, err := pipeline.Generate(v, data, overlay)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	entry := manifest.Entry{Version: version, URL: url, SHA256: v.SHA256, Operations: len(res.Operations), Source: source}
	planned := *m
	planned.Versions = append(append([]manifest.Entry(nil), m.Versions...), entry)
	planned.Sort()
	if err := t.verify(&planned, map[string]*pipeline.Result{version: res}); err != nil {
		return fmt.Errorf("version %s from %s: %w\nnothing was changed", version, from, err)
	}
	return t.transaction(touchedPaths(m, filepath.Join("versions", v.Package()), filepath.Join("openapi", version)), func() error {
		if err := manifest.WriteFileAtomic(manifest.SpecPath(t.root, version), data); err != nil {
			return err
		}
		m.Versions = append(m.Versions, entry)
		if err := m.Save(t.manifestPath()); err != nil {
			return err
		}
		if err := t.writeAll(m, map[string]*pipeline.Result{version: res}); err != nil {
			return err
		}
		fmt.Fprintf(t.stdout, "added %s from %s: %d operations, %d repairs\n%s", version, from, entry.Operations, len(res.Report.Findings), res.Report.Summary())
		if source != "" {
			fmt.Fprintf(t.stdout, "the manifest records the source of %s: %s (make fetch reads it there)\n", version, source)
			t.warnSource(version, source, *mirror)
		}
		return nil
	})
}

// httpClient downloads specs; nil is manifest.Download's default. Tests
// replace it so that they never reach the network.
var httpClient *http.Client

// upstreamProbeTimeout bounds the download that compares a spec file with
// the upstream one.
const upstreamProbeTimeout = 30 * time.Second

// sourceOf decides what add-version records as the source of a version
// read from spec: nothing for the mirror, the upstream URL or an https URL
// (the entry's URL says where), nor for a file identical to the copy that
// make fetch would take without a source (the mirror's for the version
// or, without a mirror or when it lacks the version, the upstream one);
// otherwise the file's path as manifest.SourceFor records it.
func (t *tool) sourceOf(spec, version, url, mirror string, data []byte) (string, error) {
	if spec == "" || strings.HasPrefix(spec, "https://") {
		return "", nil
	}
	sum := manifest.Checksum(data)
	var err error = fs.ErrNotExist
	if mirror != "" {
		var same []byte
		if same, _, err = (manifest.Source{Dir: mirror}).Read(version, url); err == nil && manifest.Checksum(same) == sum {
			return "", nil
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		// make fetch downloads a version the mirror lacks.
		client := &http.Client{}
		if httpClient != nil {
			*client = *httpClient
		}
		if client.Timeout == 0 {
			client.Timeout = upstreamProbeTimeout
		}
		if up, _, err := manifest.Download(client, url); err == nil && manifest.Checksum(up) == sum {
			return "", nil
		}
	}
	source, _, err := manifest.SourceFor(t.root, mirror, spec)
	return source, err
}

// warnSource tells, on stderr, when the recorded source of a version is
// one a fresh clone will not have: a path outside the repository and the
// mirror, or a file in the repository that git does not track.
func (t *tool) warnSource(version, source, mirror string) {
	where := "the mirror directory (make MIRROR=DIR; ../shared/intercom-openapi beside the checkout by default)"
	if mirror != "" {
		where = mirror
	}
	fix := fmt.Sprintf("put the file in the mirror as %s/%s (then `make fetch` finds it there), or publish it at an https URL and add the version with -spec URL",
		filepath.Join(where, version), manifest.SpecFile)
	switch {
	case filepath.IsAbs(source):
		fmt.Fprintf(t.stderr, "warning: %s was added from %s, outside the repository and the mirror: a fresh clone elsewhere will not find it, and `make fetch` (so `make check` and `make test`) will fail there; %s\n", version, source, fix)
	case !strings.HasPrefix(source, manifest.MirrorPrefix):
		if tracked, known := gitTracks(t.root, source); known && !tracked {
			fmt.Fprintf(t.stderr, "warning: %s was added from %s, which git does not track: a fresh clone will not have it, and `make fetch` will fail there; %s\n", version, source, fix)
		}
	}
}

// gitTracks reports whether git tracks the file at rel (relative to
// root); known is false when root is not a git checkout.
func gitTracks(root, rel string) (tracked, known bool) {
	out, err := exec.Command("git", "-C", root, "ls-files", "--", filepath.FromSlash(rel)).Output()
	if err != nil {
		return false, false
	}
	return strings.TrimSpace(string(out)) != "", true
}

// writeAll writes the given results, the registry, the README table and
// the changelogs.
func (t *tool) writeAll(m *manifest.Manifest, results map[string]*pipeline.Result) error {
	names := make([]string, 0, len(results))
	for n := range results {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		e, _ := m.Find(n)
		v := pipeline.Version{Name: n, SHA256: e.SHA256}
		if err := pipeline.WriteDir(pipeline.VersionDir(t.root, v), results[n].Files); err != nil {
			return err
		}
	}
	reg, err := pipeline.Registry(versionsOf(m))
	if err != nil {
		return err
	}
	if err := manifest.WriteFileAtomic(filepath.Join(t.root, "versions", "versions.gen.go"), reg); err != nil {
		return err
	}
	for _, finish := range pipeline.Finishers {
		if err := finish(t.root); err != nil {
			return err
		}
	}
	if _, err := t.readme(m, true); err != nil {
		return err
	}
	if err := t.defectReport(defectReport); err != nil {
		return err
	}
	return t.changelog(changelogDir)
}

// defectReport is the generated report of the descriptions' known defects.
const defectReport = "intercomtest/conformance/defects.gen.go"

// defectReport writes the report of the descriptions' defects to path
// (relative to the root), run as a separate process so that it sees the
// freshly generated registry. It fails when a defect belongs to no class.
func (t *tool) defectReport(path string) error {
	if _, err := os.Stat(filepath.Join(t.root, "intercomtest", "internal", "defectreport")); err != nil {
		return nil // a checkout without the conformance suite has no report to write
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(t.root, path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "run", "./intercomtest/internal/defectreport", "-o", abs)
	cmd.Dir = t.root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("write the report of spec defects: %s", strings.TrimSpace(out.String()))
	}
	return nil
}

// checkDefectReport writes the report of spec defects into a scratch file
// and says whether the committed one differs.
func (t *tool) checkDefectReport() ([]string, error) {
	if _, err := os.Stat(filepath.Join(t.root, "intercomtest", "internal", "defectreport")); err != nil {
		return nil, nil
	}
	scratch, err := os.MkdirTemp("", "intercom-defects-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	fresh := filepath.Join(scratch, "defects.gen.go")
	if err := t.defectReport(fresh); err != nil {
		return nil, err
	}
	want, err := os.ReadFile(fresh)
	if err != nil {
		return nil, err
	}
	got, err := os.ReadFile(filepath.Join(t.root, defectReport))
	if err != nil || !bytes.Equal(got, want) {
		return []string{"stale: " + defectReport}, nil
	}
	return nil, nil
}

func (t *tool) updateSpecs(args []string) error {
	fs := flag.NewFlagSet("update-specs", flag.ContinueOnError)
	fs.SetOutput(t.stderr)
	mirror := fs.String("mirror", defaultMirror(), "mirror directory holding the newer revisions; empty downloads them")
	commit := fs.String("commit", "", "upstream commit to pin (with no mirror); default: the manifest's commit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, entries, err := t.load(fs.Args())
	if err != nil {
		return err
	}
	if *commit != "" {
		m.Commit = *commit
	}
	type change struct {
		entry    *manifest.Entry
		old, new []byte
		url      string
		result   *pipeline.Result
	}
	var changes []change
	for _, e := range entries {
		// A version from the upstream template moves to the pinned commit.
		// One added from its own https URL keeps that URL (a new upstream
		// commit says nothing about it), and one added from a file takes
		// its newer revisions from that file.
		url := e.URL
		if e.Source == "" && m.FromUpstream(*e) {
			url = m.URLFor(e.Version)
		}
		var data []byte
		var from string
		if e.Source != "" {
			if from, err = e.SourcePath(t.root, *mirror); err == nil {
				data, err = manifest.ReadFile(from)
			}
		} else {
			data, from, err = manifest.Source{Dir: *mirror, Client: httpClient}.Read(e.Version, url)
		}
		if err != nil {
			return err
		}
		if manifest.Checksum(data) == e.SHA256 {
			fmt.Fprintf(t.stdout, "%s: unchanged (sha256 %s)\n", e.Version, e.SHA256[:12])
			continue
		}
		old, err := manifest.ReadSpec(t.root, e)
		if err != nil {
			return err
		}
		overlay, err := manifest.ReadOverlay(t.root, e.Version)
		if err != nil {
			return err
		}
		res, err := pipeline.Generate(pipeline.Version{Name: e.Version, SHA256: manifest.Checksum(data)}, data, overlay)
		if err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		changes = append(changes, change{entry: e, old: old, new: data, url: url, result: res})
	}
	if len(changes) == 0 {
		fmt.Fprintln(t.stdout, "every spec is current")
		return nil
	}
	pending := map[string]*pipeline.Result{}
	for _, c := range changes {
		pending[c.entry.Version] = c.result
	}
	if err := t.verify(m, pending); err != nil {
		return fmt.Errorf("%w\nnothing was changed", err)
	}
	return t.transaction(touchedPaths(m), func() error {
		results := map[string]*pipeline.Result{}
		for _, c := range changes {
			if err := manifest.WriteFileAtomic(manifest.SpecPath(t.root, c.entry.Version), c.new); err != nil {
				return err
			}
			c.entry.SHA256 = manifest.Checksum(c.new)
			c.entry.URL = c.url
			c.entry.Operations = len(c.result.Operations)
			results[c.entry.Version] = c.result
		}
		if err := m.Save(t.manifestPath()); err != nil {
			return err
		}
		if err := t.writeAll(m, results); err != nil {
			return err
		}
		for _, c := range changes {
			fmt.Fprintf(t.stdout, "== %s: updated to sha256 %s\n", c.entry.Version, c.entry.SHA256[:12])
			if err := t.diffRevisions(c.entry.Version, c.old, c.new); err != nil {
				return err
			}
		}
		return nil
	})
}

// diffRevisions prints the schema diff between two revisions of a spec.
func (t *tool) diffRevisions(version string, old, new []byte) error {
	if _, err := os.Stat(filepath.Join(t.root, "cmd", "intercom-diff")); err != nil {
		return nil
	}
	dir, err := os.MkdirTemp("", "intercom-revisions-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	oldPath, newPath := filepath.Join(dir, "old-"+version+".yaml"), filepath.Join(dir, "new-"+version+".yaml")
	if err := os.WriteFile(oldPath, old, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(newPath, new, 0o644); err != nil {
		return err
	}
	cmd := exec.Command("go", "run", "./cmd/intercom-diff", oldPath, newPath)
	cmd.Dir = t.root
	cmd.Stdout, cmd.Stderr = t.stdout, t.stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return nil // differences found: that is the point of printing them
		}
		return fmt.Errorf("diff %s revisions: %w", version, err)
	}
	return nil
}

// checkChangelog writes the changelogs into a scratch directory and lists
// where they differ from the committed ones.
func (t *tool) checkChangelog() ([]string, error) {
	if _, err := os.Stat(filepath.Join(t.root, "cmd", "intercom-diff")); err != nil {
		return nil, nil
	}
	scratch, err := os.MkdirTemp("", "intercom-changelog-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	if err := t.changelog(scratch); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(scratch, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(scratch, path)
		data, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	return pipeline.DiffDir(filepath.Join(t.root, changelogDir), files)
}
