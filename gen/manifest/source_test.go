package manifest

import (
	"encoding/json"
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

var specData = []byte("openapi: 3.0.1\ninfo: {title: custom, version: '9.1'}\npaths: {}\n")

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func TestSourceFor(t *testing.T) {
	root, mirror, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
	cases := []struct {
		path, want string
		portable   bool
	}{
		{filepath.Join(root, "specs", "9.1.yaml"), "specs/9.1.yaml", true},
		{filepath.Join(mirror, "drafts", "9.1.yaml"), "mirror:drafts/9.1.yaml", true},
		{filepath.Join(elsewhere, "9.1.yaml"), filepath.Join(elsewhere, "9.1.yaml"), false},
	}
	for _, c := range cases {
		got, portable, err := SourceFor(root, mirror, c.path)
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
		assert.Equal(t, c.portable, portable, c.path)
	}
	got, portable, err := SourceFor(root, "", filepath.Join(mirror, "x.yaml"))
	require.NoError(t, err)
	assert.False(t, portable, "without a mirror, a file in it is just outside")
	assert.True(t, filepath.IsAbs(got))
}

// TestFetchReadsTheRecordedSource places a version recorded with each
// kind of source, deleting openapi/<version>/ first as a fresh clone has
// none, and refuses a source file that was changed.
func TestFetchReadsTheRecordedSource(t *testing.T) {
	root, mirror, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
	write(t, filepath.Join(root, "specs", "9.1.yaml"), specData)
	write(t, filepath.Join(mirror, "drafts", "9.1.yaml"), specData)
	write(t, filepath.Join(elsewhere, "9.1.yaml"), specData)
	src := Source{Dir: mirror, Client: &http.Client{Transport: offline{}}}
	for _, source := range []string{"specs/9.1.yaml", "mirror:drafts/9.1.yaml", filepath.Join(elsewhere, "9.1.yaml")} {
		t.Run(source, func(t *testing.T) {
			e := entryFor("9.1", specData)
			e.Source = source
			require.NoError(t, os.RemoveAll(filepath.Join(root, "openapi", "9.1")))
			require.NoError(t, Fetch(root, e, src))
			got, err := ReadSpec(root, e)
			require.NoError(t, err)
			assert.Equal(t, specData, got)
		})
	}

	// A source that was changed is refused, and nothing is placed.
	e := entryFor("9.1", specData)
	e.Source = "specs/9.1.yaml"
	write(t, filepath.Join(root, "specs", "9.1.yaml"), append(specData, "# changed\n"...))
	require.NoError(t, os.RemoveAll(filepath.Join(root, "openapi", "9.1")))
	err := Fetch(root, e, src)
	var ce *ChecksumError
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Contains(t, err.Error(), filepath.Join(root, "specs", "9.1.yaml"))
	_, statErr := os.Stat(SpecPath(root, "9.1"))
	assert.True(t, os.IsNotExist(statErr), "a file that fails its checksum is not placed")
}

func TestFetchFallsBackWhenTheSourceIsGone(t *testing.T) {
	root, mirror := t.TempDir(), t.TempDir()
	e := entryFor("9.1", specData)
	e.Source = "specs/9.1.yaml"
	src := Source{Dir: mirror, Client: &http.Client{Transport: offline{}}}

	err := Fetch(root, e, src)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "it was added from "+filepath.Join(root, "specs", "9.1.yaml")+" (the manifest's source), which does not exist here")
	assert.Contains(t, msg, "put a copy in the mirror as <mirror>/9.1/api.intercom.io.yaml")

	// A copy in the mirror with the pinned checksum does as well.
	write(t, filepath.Join(mirror, "9.1", SpecFile), specData)
	require.NoError(t, Fetch(root, e, src))
	got, err := ReadSpec(root, e)
	require.NoError(t, err)
	assert.Equal(t, specData, got)

	// But not one with another checksum.
	write(t, filepath.Join(mirror, "9.1", SpecFile), []byte("openapi: 3.0.1\n"))
	require.NoError(t, os.RemoveAll(filepath.Join(root, "openapi")))
	var ce *ChecksumError
	require.True(t, errors.As(Fetch(root, e, src), &ce))
}

func TestHostileSourcesAreRefused(t *testing.T) {
	root, mirror := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "adir"), 0o755))
	cases := map[string]string{
		"../outside.yaml":        "leaves the module root",
		"specs/../../outside":    "leaves the module root",
		"mirror:../outside.yaml": "leaves the mirror directory",
		"mirror:/etc/passwd":     "leaves the mirror directory",
		"adir":                   "not a regular file",
	}
	for source, want := range cases {
		e := entryFor("9.1", specData)
		e.Source = source
		err := Fetch(root, e, Source{Dir: mirror, Client: &http.Client{Transport: offline{}}})
		require.Error(t, err, source)
		assert.Contains(t, err.Error(), want, source)
	}
	e := entryFor("9.1", specData)
	e.Source = "mirror:drafts/9.1.yaml"
	err := Fetch(root, e, Source{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no mirror directory was given: pass -mirror DIR (make MIRROR=DIR)")

	if info, err := os.Stat("/dev/zero"); err == nil && info.Mode()&os.ModeDevice != 0 {
		e.Source = "/dev/zero"
		err := Fetch(root, e, Source{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not a regular file", "a device is never read")
	}
}

func TestMirrorWithoutTheVersionFallsBackToTheURL(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(specData)
	}))
	defer srv.Close()
	root := t.TempDir()
	e := &Entry{Version: "9.1", URL: srv.URL + "/9.1.yaml", SHA256: Checksum(specData)}
	require.NoError(t, Fetch(root, e, Source{Dir: t.TempDir(), Client: srv.Client()}), "a version added from an https URL is downloaded")
	got, err := ReadSpec(root, e)
	require.NoError(t, err)
	assert.Equal(t, specData, got)
}

func TestEntriesWithoutSourceStayCompatible(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	old := `{"upstream": "u/{commit}/{version}", "commit": "c", "versions": [
  {"version": "2.10", "url": "https://example.invalid/2.10", "sha256": "` + strings.Repeat("a", 64) + `", "operations": 3}]}`
	require.NoError(t, os.WriteFile(path, []byte(old), 0o644))
	m, err := Load(path)
	require.NoError(t, err)
	assert.Empty(t, m.Versions[0].Source)

	m.Versions = append(m.Versions, Entry{Version: "9.1", URL: "https://example.invalid/9.1", SHA256: Checksum(specData), Operations: 1, Source: "specs/9.1.yaml"})
	require.NoError(t, m.Save(path))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var raw struct {
		Versions []map[string]any `json:"versions"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	assert.NotContains(t, raw.Versions[0], "source", "an entry without a source is written as before")
	assert.Equal(t, "specs/9.1.yaml", raw.Versions[1]["source"])
	again, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "specs/9.1.yaml", again.Versions[1].Source)
}
