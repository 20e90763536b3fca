package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/manifest"
)

const repoRoot = "../.."

// copyRepo copies the module (tracked and untracked, not ignored files, and
// the fetched specs) into a temporary directory.
func copyRepo(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-co", "--exclude-standard").Output()
	require.NoError(t, err, "the end-to-end tests copy the git checkout")
	files := strings.Fields(string(out))
	m, err := manifest.Load(filepath.Join(repoRoot, "openapi", "manifest.json"))
	require.NoError(t, err)
	for _, v := range m.Names() {
		files = append(files, filepath.Join("openapi", v, manifest.SpecFile))
	}
	dst := t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(repoRoot, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dst, f), data, 0o644))
	}
	return dst
}

// tree reads every file below dir (relative paths) for comparison.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		files[rel] = string(data)
		return err
	})
	if os.IsNotExist(err) {
		return files
	}
	require.NoError(t, err)
	return files
}

func runTool(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(append([]string{"-root", root}, args...), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func mirrorDir(t *testing.T) string {
	t.Helper()
	// The fetched specs are laid out as a mirror: openapi/<version>/api.intercom.io.yaml.
	dir, err := filepath.Abs(filepath.Join(repoRoot, "openapi"))
	require.NoError(t, err)
	return dir
}

// TestRemoveAndAddBackTheNewestVersion removes the newest version from a
// copy of the repository entirely, adds it back with add-version, and
// expects the exact committed package, docs, manifest and README.
func TestRemoveAndAddBackTheNewestVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: regenerates the repository copy")
	}
	dir := copyRepo(t)
	gitCommitAll(t, dir)
	m, err := manifest.Load(filepath.Join(dir, "openapi", "manifest.json"))
	require.NoError(t, err)
	newest := m.Versions[len(m.Versions)-1]
	pkg := "v" + strings.ReplaceAll(newest.Version, ".", "_")
	watched := []string{"versions", "docs", "README.md", "openapi/manifest.json"}
	before := map[string]map[string]string{}
	for _, w := range watched {
		before[w] = tree(t, filepath.Join(dir, w))
	}

	m.Versions = m.Versions[:len(m.Versions)-1]
	require.NoError(t, m.Save(filepath.Join(dir, "openapi", "manifest.json")))
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "versions", pkg)))
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "openapi", newest.Version)))
	out, err := runTool(t, dir, "generate", "-q")
	require.NoError(t, err, out)
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	require.NotContains(t, string(readme), "versions/"+pkg, "the version is gone from the README table")

	out, err = runTool(t, dir, "add-version", "-mirror", mirrorDir(t), newest.Version)
	require.NoError(t, err, out)
	for _, w := range watched {
		after := tree(t, filepath.Join(dir, w))
		assert.Equal(t, keys(before[w]), keys(after), "%s: the same files", w)
		for name, content := range before[w] {
			assert.True(t, content == after[name], "%s/%s differs after add-version", w, name)
		}
	}
	status, err := exec.Command("git", "-C", dir, "status", "--porcelain").CombinedOutput()
	require.NoError(t, err, string(status))
	assert.Empty(t, string(status), "git status is clean after adding %s back", newest.Version)
}

// gitCommitAll makes dir a git repository with everything committed, so
// that a test can ask git what a command changed.
func gitCommitAll(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "copy"},
	} {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
}

// TestAddVersionFromASpecFileEndToEnd adds a version from a spec file
// alone (testdata/shapes.yaml, one operation of each shape beyond plain
// JSON) into a copy of the repository, then runs that copy's tests for the
// new version: typed methods for every operation, iterators for both
// pagination shapes, the union body sent as set, a multipart/form-data
// upload through the typed client (testdata/upload_test.go, copied in),
// and conformance against the fake server and Prism.
func TestAddVersionFromASpecFileEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end: generates, builds and tests a version in a repository copy")
	}
	dir := copyRepo(t)
	// The copy's own file: inside the repository, so the manifest records
	// where it is and a fresh clone can fetch it again.
	spec := filepath.Join(dir, "cmd", "intercom-gen", "testdata", "shapes.yaml")
	const version = "9.1"
	out, err := runTool(t, dir, "add-version", "-mirror", mirrorDir(t), "-spec", spec, version)
	require.NoError(t, err, out)
	added, err := manifest.Load(filepath.Join(dir, "openapi", "manifest.json"))
	require.NoError(t, err)
	entry, ok := added.Find(version)
	require.True(t, ok)
	assert.Equal(t, "cmd/intercom-gen/testdata/shapes.yaml", entry.Source)
	assert.Contains(t, out, "missing-operation-id: 1 repairs")
	assert.Contains(t, out, "required-beside-union: 1 repairs")

	pkg := filepath.Join(dir, "versions", "v9_1")
	client, err := os.ReadFile(filepath.Join(pkg, "client.gen.go"))
	require.NoError(t, err)
	assert.Contains(t, string(client), "func (c *Client) GetExportReportingDataByJobIdentifier(", "an operation without operationId is named from its method and path")
	assert.Contains(t, string(client), "func (c *Client) UploadConversationAttachment(ctx context.Context, conversationId string, body *intercom.MultipartBody, opts ...intercom.RequestOption) (*Attachment, error) {")
	pages, err := os.ReadFile(filepath.Join(pkg, "pagination.md"))
	require.NoError(t, err)
	assert.Contains(t, string(pages), "`listAudiences` | `GET /audiences` | page number")
	assert.Contains(t, string(pages), "`listContactMergeHistory` | `GET /contacts/{id}/merge_history` | cursor")
	report, err := os.ReadFile(filepath.Join(dir, "intercomtest", "conformance", "defects.gen.go"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "// "+version+": 0 defects.")

	upload, err := os.ReadFile(filepath.Join("testdata", "upload_test.go"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "upload_test.go"), upload, 0o644))

	prism, err := filepath.Abs(filepath.Join(repoRoot, "node_modules", ".bin", "prism"))
	require.NoError(t, err)
	cmd := exec.Command("go", "test", "-count=1", "-v", "./versions/v9_1/...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PRISM="+prism)
	got, err := cmd.CombinedOutput()
	require.NoError(t, err, "the new version's tests in the copy:\n%s", got)
	for _, passed := range []string{
		"--- PASS: TestUploadThroughTheTypedClient",
		"--- PASS: TestConformance/fake/uploadConversationAttachment",
		"--- PASS: TestConformance/prism/uploadConversationAttachment",
		"--- PASS: TestPathParametersCannotChangeTheEndpoint",
	} {
		assert.Contains(t, string(got), passed)
	}

	// As on a fresh clone, the version's spec is not there: fetch takes it
	// from the recorded source, verified; a changed file is refused.
	fetched := manifest.SpecPath(dir, version)
	want, err := os.ReadFile(fetched)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Dir(fetched)))
	out, err = runTool(t, dir, "fetch", "-mirror", mirrorDir(t), version)
	require.NoError(t, err, out)
	again, err := os.ReadFile(fetched)
	require.NoError(t, err)
	assert.Equal(t, want, again)
	require.NoError(t, os.RemoveAll(filepath.Dir(fetched)))
	require.NoError(t, os.WriteFile(spec, append(again, "# edited\n"...), 0o644))
	_, err = runTool(t, dir, "fetch", "-mirror", mirrorDir(t), version)
	require.ErrorContains(t, err, "sha256 mismatch")
	assert.NoFileExists(t, fetched)
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestAddVersionBadInputLeavesTreeAlone tries every kind of bad input and
// checks that nothing was written.
func TestAddVersionBadInputLeavesTreeAlone(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "openapi"), 0o755))
	m := &manifest.Manifest{Upstream: "https://example.invalid/{commit}/{version}.yaml", Commit: "c"}
	require.NoError(t, m.Save(filepath.Join(dir, "openapi", "manifest.json")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("no table markers here\n"), 0o644))
	mirror := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(mirror, "9.1"), 0o755))
	good := []byte(`openapi: 3.0.1
info: {title: t, version: '9.1'}
paths:
  /things/{id}:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
`)
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "9.1", manifest.SpecFile), good, 0o644))
	notOpenAPI := filepath.Join(t.TempDir(), "x.yaml")
	require.NoError(t, os.WriteFile(notOpenAPI, []byte("hello: world\n"), 0o644))
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(broken, []byte("openapi: 3.0.1\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/gone'}\n"), 0o644))

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown at the source", []string{"add-version", "-mirror", mirror, "9.9"}, "does not exist"},
		{"not a version name", []string{"add-version", "-mirror", mirror, "latest"}, "not an Intercom API version"},
		{"not OpenAPI", []string{"add-version", "-spec", notOpenAPI, "9.2"}, "not an OpenAPI"},
		{"does not load", []string{"add-version", "-spec", broken, "9.3"}, "components/responses/gone"},
		{"fails part way (README has no table)", []string{"add-version", "-mirror", mirror, "9.1"}, "nothing was changed"},
	}
	before := tree(t, dir)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := runTool(t, dir, c.args...)
			require.Error(t, err, out)
			assert.Contains(t, err.Error(), c.want)
			assert.Equal(t, before, tree(t, dir), "the tree is as it was")
		})
	}
}

func TestUpdateSpecsTakesNewRevisionAndChecksumMismatchIsCaught(t *testing.T) {
	dir := t.TempDir()
	spec := func(title string) []byte {
		return []byte("openapi: 3.0.1\ninfo: {title: " + title + ", version: '9.1'}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200': {description: ok}\n")
	}
	old := spec("old")
	m := &manifest.Manifest{Upstream: "https://example.invalid/{commit}/{version}.yaml", Commit: "c",
		Versions: []manifest.Entry{{Version: "9.1", URL: "https://example.invalid/c/9.1.yaml", SHA256: manifest.Checksum(old), Operations: 1}}}
	require.NoError(t, m.Save(filepath.Join(dir, "openapi", "manifest.json")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("x\n<!-- versions:start (generated by intercom-gen; do not edit) -->\n<!-- versions:end -->\n"), 0o644))
	mirror := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(mirror, "9.1"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "9.1", manifest.SpecFile), old, 0o644))
	out, err := runTool(t, dir, "fetch", "-mirror", mirror)
	require.NoError(t, err, out)
	out, err = runTool(t, dir, "generate", "-q")
	require.NoError(t, err, out)

	// Upstream corrects the file: update-specs takes it and regenerates.
	newer := spec("new")
	require.NoError(t, os.WriteFile(filepath.Join(mirror, "9.1", manifest.SpecFile), newer, 0o644))
	_, err = runTool(t, dir, "fetch", "-mirror", mirror)
	require.Error(t, err, "fetch refuses a file that is not the pinned revision")
	assert.Contains(t, err.Error(), "sha256 mismatch")
	out, err = runTool(t, dir, "update-specs", "-mirror", mirror)
	require.NoError(t, err, out)
	assert.Contains(t, out, "9.1: updated to sha256 "+manifest.Checksum(newer)[:12])
	var saved manifest.Manifest
	data, err := os.ReadFile(filepath.Join(dir, "openapi", "manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &saved))
	assert.Equal(t, manifest.Checksum(newer), saved.Versions[0].SHA256)
	out, err = runTool(t, dir, "check")
	require.NoError(t, err, out)
	out, err = runTool(t, dir, "update-specs", "-mirror", mirror)
	require.NoError(t, err, out)
	assert.Contains(t, out, "unchanged")
}

func TestUsageErrors(t *testing.T) {
	_, err := runTool(t, t.TempDir())
	require.ErrorContains(t, err, "no command")
	_, err = runTool(t, t.TempDir(), "frobnicate")
	require.ErrorContains(t, err, "unknown command")
	_, err = runTool(t, t.TempDir(), "generate")
	require.ErrorContains(t, err, "manifest")
}
