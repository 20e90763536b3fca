package manifest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entryFor(version string, data []byte) *Entry {
	return &Entry{Version: version, URL: "https://example.invalid/" + version, SHA256: Checksum(data)}
}

func TestFetchFromMirrorVerifiesAndPlaces(t *testing.T) {
	mirror, root := t.TempDir(), t.TempDir()
	data := []byte("openapi: 3.0.1\n")
	require.NoError(t, os.MkdirAll(filepath.Join(mirror, "9.9"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "9.9", SpecFile), data, 0o644))

	require.NoError(t, Fetch(root, entryFor("9.9", data), Source{Dir: mirror}))
	got, err := os.ReadFile(SpecPath(root, "9.9"))
	require.NoError(t, err)
	assert.Equal(t, data, got)
}

func TestChecksumMismatchNamesFileBothSumsAndFix(t *testing.T) {
	mirror, root := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(mirror, "9.9"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "9.9", SpecFile), []byte("changed"), 0o644))
	e := entryFor("9.9", []byte("original"))

	err := Fetch(root, e, Source{Dir: mirror})
	var ce *ChecksumError
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, e.SHA256, ce.Want)
	assert.Equal(t, Checksum([]byte("changed")), ce.Got)
	msg := err.Error()
	assert.Contains(t, msg, filepath.Join(mirror, "9.9", SpecFile))
	assert.Contains(t, msg, e.SHA256)
	assert.Contains(t, msg, ce.Got)
	assert.Contains(t, msg, "make update-specs")
	_, statErr := os.Stat(SpecPath(root, "9.9"))
	assert.True(t, os.IsNotExist(statErr), "a file that fails its checksum must not be placed")
}

// offline is an http.RoundTripper for tests that must not reach the
// network.
type offline struct{}

func (offline) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("offline: no network in this test")
}

func TestMissingMirrorFileSaysSo(t *testing.T) {
	err := Fetch(t.TempDir(), entryFor("9.9", nil), Source{Dir: t.TempDir(), Client: &http.Client{Transport: offline{}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not exist")
	assert.Contains(t, err.Error(), "downloading it failed too", "the URL was tried as well")
}

func TestReadSpecMissingSaysRunFetch(t *testing.T) {
	_, err := ReadSpec(t.TempDir(), entryFor("9.9", nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "make fetch")
}

func TestDownloadFromURL(t *testing.T) {
	data := []byte("openapi: 3.0.1\n")
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/good" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
	}))
	defer srv.Close()
	root := t.TempDir()
	e := &Entry{Version: "9.9", URL: srv.URL + "/good", SHA256: Checksum(data)}
	require.NoError(t, Fetch(root, e, Source{Client: srv.Client()}))

	e.URL = srv.URL + "/missing"
	err := Fetch(root, e, Source{Client: srv.Client()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "404")
}

func TestLessIsNumeric(t *testing.T) {
	assert.True(t, Less("2.9", "2.10"))
	assert.True(t, Less("2.10", "2.11"))
	assert.False(t, Less("2.12", "2.11"))
	assert.True(t, Less("2.12", "Unstable"))
}

func TestSaveAndLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	m := &Manifest{Upstream: "u/{commit}/{version}", Commit: "c", Versions: []Entry{
		{Version: "2.10", URL: "u", SHA256: "b", Operations: 2},
		{Version: "2.9", URL: "u", SHA256: "a", Operations: 1},
	}}
	require.NoError(t, m.Save(path))
	got, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, []string{"2.9", "2.10"}, got.Names())
	assert.Equal(t, "u/c/2.13", got.URLFor("2.13"))
}

func TestLoadRejectsIncompleteEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"versions":[{"version":"2.1"}]}`), 0o644))
	_, err := Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sha256")
}

func TestFromUpstream(t *testing.T) {
	m := &Manifest{Upstream: "https://example.com/{commit}/d/{version}/api.yaml", Commit: "abc"}
	for url, want := range map[string]bool{
		"https://example.com/abc/d/2.13/api.yaml":     true,
		"https://example.com/0123/d/2.13/api.yaml":    true, // an older commit
		"https://example.com/abc/d/2.12/api.yaml":     false,
		"https://example.com//d/2.13/api.yaml":        false,
		"https://example.com/a/b/d/2.13/api.yaml":     false,
		"https://mirror.example.org/specs/2.13.yaml":  false,
		"https://example.com/abc/d/2.13/api.yaml?x=1": false,
	} {
		assert.Equal(t, want, m.FromUpstream(Entry{Version: "2.13", URL: url}), url)
	}
}

func TestTheProjectManifestIsValid(t *testing.T) {
	m, err := Load(filepath.Join("..", "..", "openapi", "manifest.json"))
	require.NoError(t, err)
	require.NotEmpty(t, m.Versions)
	for _, e := range m.Versions {
		assert.Len(t, e.SHA256, 64, e.Version)
		// A version is pinned to the manifest's commit, unless it was added
		// from a URL of its own, which must be https.
		if m.FromUpstream(e) {
			assert.Equal(t, m.URLFor(e.Version), e.URL, "%s is pinned to the manifest's commit", e.Version)
		} else {
			assert.True(t, strings.HasPrefix(e.URL, "https://"), "%s: %s is neither the upstream template nor an https URL", e.Version, e.URL)
		}
		assert.Positive(t, e.Operations, e.Version)
	}
}
