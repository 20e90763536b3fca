package manifest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDownloadRefusesPlainHTTP(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("openapi: 3.0.1\n"))
	}))
	defer plain.Close()
	_, _, err := Download(nil, plain.URL+"/spec.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "only https")

	// An https URL that redirects to plain http is refused too.
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/spec.yaml", http.StatusFound)
	}))
	defer tls.Close()
	_, _, err = Download(tls.Client(), tls.URL+"/spec.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refusing the redirect")
}

func TestDownloadRefusesOversizedFiles(t *testing.T) {
	big := bytes.Repeat([]byte("#"), MaxDownloadBytes+1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(big)
	}))
	defer srv.Close()
	data, _, err := Download(srv.Client(), srv.URL+"/spec.yaml")
	require.Error(t, err, "never a truncated copy")
	assert.Nil(t, data)
	assert.Contains(t, err.Error(), "larger than 67108864 bytes")
}

func TestVersionNamesCannotEscapeTheRepository(t *testing.T) {
	for _, bad := range []string{"..", "../../tmp/x", "2.13/../..", "", "2.13\n", "/etc"} {
		assert.Error(t, ValidVersion(bad), "%q", bad)
	}
	for _, good := range []string{"2.10", "2.16", "Unstable"} {
		assert.NoError(t, ValidVersion(good), good)
	}

	// A manifest naming such a version does not load...
	dir := t.TempDir()
	path := filepath.Join(dir, "manifest.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"upstream":"https://x/{commit}/{version}","commit":"c","versions":[{"version":"../../escaped","url":"https://x/y","sha256":"ab","operations":1}]}`), 0o644))
	_, err := Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an Intercom API version name")

	// ...and fetch refuses it even when handed one directly, writing nothing.
	mirror := t.TempDir()
	root := filepath.Join(t.TempDir(), "repo")
	data := []byte("openapi: 3.0.1\n")
	require.NoError(t, os.MkdirAll(filepath.Join(mirror, "..", "escaped"), 0o755))
	e := &Entry{Version: "../../escaped", URL: "https://x/y", SHA256: Checksum(data)}
	err = Fetch(root, e, Source{Dir: mirror})
	require.Error(t, err)
	_, statErr := os.Stat(filepath.Join(root, "openapi", "..", "..", "escaped"))
	assert.True(t, os.IsNotExist(statErr), "nothing written outside the repository")
	_, err = ReadSpec(root, e)
	assert.Error(t, err)
}
