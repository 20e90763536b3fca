// Package manifest reads and writes openapi/manifest.json, the list of the
// Intercom API versions this module generates, and fetches each version's
// upstream description with its checksum verified.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SpecFile is the file name of a version's upstream description, in the
// mirror and under openapi/<version>/.
const SpecFile = "api.intercom.io.yaml"

// OverlayFile is the optional per-version overlay under openapi/<version>/.
const OverlayFile = "overlay.yaml"

// Entry is one API version.
type Entry struct {
	// Version is Intercom's name for it, "2.11".
	Version string `json:"version"`
	// URL is the upstream description at a pinned commit.
	URL string `json:"url"`
	// SHA256 is the checksum of the file at URL.
	SHA256 string `json:"sha256"`
	// Operations is how many operations the description has; the tests
	// check the generated package against it.
	Operations int `json:"operations"`
	// Source is where the description was taken from when it is neither
	// in the mirror nor at URL: the file a version was added from with
	// add-version -spec. A relative path is relative to the module root,
	// "mirror:" and a path is relative to the mirror directory, and an
	// absolute path is used as it is. Fetch reads it first, and verifies
	// it like any other copy. Empty for a version the mirror or URL has.
	Source string `json:"source,omitempty"`
}

// MirrorPrefix marks a Source relative to the mirror directory.
const MirrorPrefix = "mirror:"

// SourceFor returns the Source to record for a description read from the
// file at path: relative to root when the file is inside it, relative to
// the mirror directory (with MirrorPrefix) when inside that, else the
// absolute path, which only this machine has (portable is false then).
func SourceFor(root, mirror, path string) (source string, portable bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false, err
	}
	within := func(dir string) (string, bool) {
		if dir == "" {
			return "", false
		}
		d, err := filepath.Abs(dir)
		if err != nil {
			return "", false
		}
		rel, err := filepath.Rel(d, abs)
		if err != nil || !filepath.IsLocal(rel) {
			return "", false
		}
		return filepath.ToSlash(rel), true
	}
	if rel, ok := within(root); ok {
		return rel, true, nil
	}
	if rel, ok := within(mirror); ok {
		return MirrorPrefix + rel, true, nil
	}
	return abs, false, nil
}

// SourcePath resolves the entry's Source against the module root and the
// mirror directory. A relative source must stay inside the directory it
// is relative to.
func (e *Entry) SourcePath(root, mirror string) (string, error) {
	src := e.Source
	switch {
	case src == "":
		return "", fmt.Errorf("spec %s: the manifest records no source file", e.Version)
	case strings.HasPrefix(src, MirrorPrefix):
		rel := filepath.FromSlash(strings.TrimPrefix(src, MirrorPrefix))
		if !filepath.IsLocal(rel) {
			return "", fmt.Errorf("spec %s: source %q leaves the mirror directory; a mirror source must be a path inside it", e.Version, src)
		}
		if mirror == "" {
			return "", fmt.Errorf("spec %s: its source %q is in the mirror, and no mirror directory was given: pass -mirror DIR (make MIRROR=DIR)", e.Version, src)
		}
		return filepath.Join(mirror, rel), nil
	case filepath.IsAbs(src):
		return filepath.Clean(src), nil
	default:
		rel := filepath.FromSlash(src)
		if !filepath.IsLocal(rel) {
			return "", fmt.Errorf("spec %s: source %q leaves the module root; a relative source must be a path inside it", e.Version, src)
		}
		return filepath.Join(root, rel), nil
	}
}

// ReadFile reads a description from a local file: a regular file of at
// most MaxDownloadBytes, so that a source naming a device or a huge file
// fails instead of hanging or filling memory.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxDownloadBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDownloadBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB, more than any OpenAPI description should be", path, MaxDownloadBytes>>20)
	}
	return data, nil
}

// Manifest is the whole file.
type Manifest struct {
	// Upstream is the URL template new versions are fetched from, with
	// {commit} and {version} placeholders.
	Upstream string `json:"upstream"`
	// Commit is the upstream commit that new and updated versions pin.
	Commit string `json:"commit"`
	// Versions are sorted oldest first.
	Versions []Entry `json:"versions"`
}

// Load reads a manifest file.
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	for _, e := range m.Versions {
		if e.Version == "" || e.SHA256 == "" || e.URL == "" {
			return nil, fmt.Errorf("manifest %s: every version needs version, url and sha256; got %+v", path, e)
		}
		if err := ValidVersion(e.Version); err != nil {
			return nil, fmt.Errorf("manifest %s: %w", path, err)
		}
	}
	return &m, nil
}

// versionName is the shape of an Intercom API version name.
var versionName = regexp.MustCompile(`^[0-9]+\.[0-9]+$|^Unstable$`)

// ValidVersion checks that name has the shape of an Intercom API version
// ("2.13", or "Unstable"). Version names become directory names, so one
// such as "../x" must never get as far as a file path.
func ValidVersion(name string) error {
	if !versionName.MatchString(name) {
		return fmt.Errorf("%q is not an Intercom API version name (like 2.13)", name)
	}
	return nil
}

// Save writes the manifest with versions sorted, in a stable layout.
func (m *Manifest) Save(path string) error {
	m.Sort()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(data, '\n'))
}

// Sort orders versions oldest first, comparing numerically ("2.9" < "2.10").
func (m *Manifest) Sort() {
	sort.Slice(m.Versions, func(i, j int) bool { return Less(m.Versions[i].Version, m.Versions[j].Version) })
}

// Less compares dotted version numbers numerically, falling back to text.
func Less(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		if aerr != nil || berr != nil {
			if as[i] != bs[i] {
				return as[i] < bs[i]
			}
			continue
		}
		if ai != bi {
			return ai < bi
		}
	}
	return len(as) < len(bs)
}

// Find returns the entry for a version.
func (m *Manifest) Find(version string) (*Entry, bool) {
	for i := range m.Versions {
		if m.Versions[i].Version == version {
			return &m.Versions[i], true
		}
	}
	return nil, false
}

// Names returns the versions, oldest first.
func (m *Manifest) Names() []string {
	var out []string
	for _, e := range m.Versions {
		out = append(out, e.Version)
	}
	return out
}

// URLFor fills the upstream template for a version at the pinned commit.
func (m *Manifest) URLFor(version string) string {
	return strings.NewReplacer("{commit}", m.Commit, "{version}", version).Replace(m.Upstream)
}

// FromUpstream reports whether an entry's URL is the upstream template's,
// at any commit: false for a version added from a URL of its own.
func (m *Manifest) FromUpstream(e Entry) bool {
	before, after, ok := strings.Cut(m.Upstream, "{commit}")
	if !ok {
		return e.URL == m.URLFor(e.Version)
	}
	after = strings.ReplaceAll(after, "{version}", e.Version)
	before = strings.ReplaceAll(before, "{version}", e.Version)
	commit, ok := strings.CutPrefix(e.URL, before)
	if !ok {
		return false
	}
	commit, ok = strings.CutSuffix(commit, after)
	return ok && commit != "" && !strings.ContainsAny(commit, "/?#")
}

// Checksum returns the hex sha256 of data.
func Checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ChecksumError says that a file is not the revision the manifest pins.
type ChecksumError struct {
	Version, Source, Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("spec %s from %s: sha256 mismatch: manifest expects %s, file has %s; "+
		"if the upstream file changed on purpose run `make update-specs`, otherwise restore the file (make fetch)",
		e.Version, e.Source, e.Want, e.Got)
}

// Verify checks data against the entry's checksum.
func (e *Entry) Verify(source string, data []byte) error {
	if got := Checksum(data); got != e.SHA256 {
		return &ChecksumError{Version: e.Version, Source: source, Want: e.SHA256, Got: got}
	}
	return nil
}

// Source says where upstream files come from: a mirror directory laid out
// as <dir>/<version>/api.intercom.io.yaml, or, with Dir empty, the URLs.
type Source struct {
	Dir    string
	Client *http.Client
}

// Read returns the upstream description of a version: from the mirror, or
// downloaded from url.
func (s Source) Read(version, url string) (data []byte, from string, err error) {
	if err := ValidVersion(version); err != nil {
		return nil, "", err
	}
	if s.Dir != "" {
		from = filepath.Join(s.Dir, version, SpecFile)
		data, err = ReadFile(from)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, from, fmt.Errorf("spec %s: %s does not exist: the mirror has no such version (check the version name, or download from the upstream URL instead: -mirror '' or make MIRROR=): %w", version, from, fs.ErrNotExist)
			}
			return nil, from, fmt.Errorf("spec %s: %w", version, err)
		}
		return data, from, nil
	}
	return Download(s.Client, url)
}

// MaxDownloadBytes is the largest spec Download accepts.
const MaxDownloadBytes = 64 << 20

// Download fetches url, which must be https, with a timeout and a size
// limit. A redirect to anything but https is refused, and so is a body over
// MaxDownloadBytes: a spec is never silently cut short.
func Download(client *http.Client, url string) ([]byte, string, error) {
	if url == "" {
		return nil, url, fmt.Errorf("no URL to download from")
	}
	if !strings.HasPrefix(strings.ToLower(url), "https://") {
		return nil, url, fmt.Errorf("download %s: only https URLs are accepted (a spec fetched over plain http could have been altered on the way); use an https URL or a local file", url)
	}
	c := http.Client{Timeout: 2 * time.Minute}
	if client != nil {
		c = *client
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("refusing the redirect from %s to %s: only https is accepted", via[len(via)-1].URL.Redacted(), req.URL.Redacted())
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	resp, err := c.Get(url)
	if err != nil {
		return nil, url, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, url, fmt.Errorf("download %s: %s (does that version exist upstream?)", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDownloadBytes+1))
	if err != nil {
		return nil, url, fmt.Errorf("download %s: %w", url, err)
	}
	if len(data) > MaxDownloadBytes {
		return nil, url, fmt.Errorf("download %s: the file is larger than %d bytes (%d MiB), more than any OpenAPI description should be; refusing it rather than keep a truncated copy", url, MaxDownloadBytes, MaxDownloadBytes>>20)
	}
	return data, url, nil
}

// Fetch reads a version's description, verifies it against the manifest
// and writes it to openapi/<version>/api.intercom.io.yaml below root. It
// reads the entry's Source when it has one; otherwise, or when that file
// is gone, the mirror of src, and the entry's URL when the mirror lacks
// the version (a version added from an https URL) or there is no mirror.
// Whichever copy is read must have the manifest's checksum: a file that
// does not is refused, never placed.
func Fetch(root string, e *Entry, src Source) error {
	if err := ValidVersion(e.Version); err != nil {
		return err
	}
	data, from, err := e.read(root, src)
	if err != nil {
		return err
	}
	if err := e.Verify(from, data); err != nil {
		return err
	}
	return WriteFileAtomic(SpecPath(root, e.Version), data)
}

// read reads e's description, unverified, and says where from.
func (e *Entry) read(root string, src Source) ([]byte, string, error) {
	if e.Source == "" {
		return src.fetch(e)
	}
	path, err := e.SourcePath(root, src.Dir)
	if err != nil {
		return nil, "", err
	}
	data, err := ReadFile(path)
	if err == nil {
		return data, path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, path, fmt.Errorf("spec %s: %w", e.Version, err)
	}
	// The file it was added from is not here; another copy with the same
	// checksum will do.
	data, from, ferr := src.fetch(e)
	if ferr != nil {
		return nil, path, fmt.Errorf("spec %s: it was added from %s (the manifest's source), which does not exist here, and %v; put the file back there, or put a copy in the mirror as <mirror>/%s/%s", e.Version, path, ferr, e.Version, SpecFile)
	}
	return data, from, nil
}

// fetch reads e's description from the mirror, falling back to e's URL
// when the mirror lacks the version, or from the URL without a mirror.
func (s Source) fetch(e *Entry) ([]byte, string, error) {
	data, from, err := s.Read(e.Version, e.URL)
	if err == nil || s.Dir == "" || !errors.Is(err, fs.ErrNotExist) || e.URL == "" {
		return data, from, err
	}
	data, url, derr := Download(s.Client, e.URL)
	if derr != nil {
		return nil, from, fmt.Errorf("%w; downloading it failed too: %v", err, derr)
	}
	return data, url, nil
}

// SpecPath is where a version's fetched description lives.
func SpecPath(root, version string) string {
	return filepath.Join(root, "openapi", version, SpecFile)
}

// OverlayPath is where a version's overlay lives, if it has one.
func OverlayPath(root, version string) string {
	return filepath.Join(root, "openapi", version, OverlayFile)
}

// ReadSpec reads a fetched description and verifies it.
func ReadSpec(root string, e *Entry) ([]byte, error) {
	if err := ValidVersion(e.Version); err != nil {
		return nil, err
	}
	path := SpecPath(root, e.Version)
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("spec %s: %s is missing: run `make fetch` first", e.Version, path)
		}
		return nil, err
	}
	if err := e.Verify(path, data); err != nil {
		return nil, err
	}
	return data, nil
}

// ReadOverlay reads a version's overlay, or returns nil if it has none.
func ReadOverlay(root, version string) ([]byte, error) {
	if err := ValidVersion(version); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(OverlayPath(root, version))
	if os.IsNotExist(err) {
		return nil, nil
	}
	return data, err
}

// WriteFileAtomic writes data to path through a temporary file and a
// rename, so a reader never sees half a file.
func WriteFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
