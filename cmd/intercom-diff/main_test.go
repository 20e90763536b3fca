package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/schemadiff"
	"github.com/intercomgo/intercom/versions"
)

// runCLI runs the command and returns its exit status and outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

const v1 = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /contacts/{id}:
    get:
      operationId: getContact
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/contact'}
components:
  schemas:
    contact:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
`

// write puts a file in a temporary directory and returns its path.
func write(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	return path
}

func TestUnknownVersion(t *testing.T) {
	// A version before the oldest the module has.
	unknown := "1.0"
	_, known := versions.Lookup(unknown)
	require.False(t, known)
	code, stdout, stderr := runCLI(t, unknown, versions.Names()[0])
	require.Equal(t, exitError, code)
	require.Empty(t, stdout)
	require.Contains(t, stderr, `unknown API version "`+unknown+`"`)
	require.Contains(t, stderr, strings.Join(versions.Names(), ", "))
}

func TestMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	code, _, stderr := runCLI(t, missing, versions.Names()[0])
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, missing+": no such file, and not a known version")
}

func TestNotOpenAPIFile(t *testing.T) {
	for name, data := range map[string]string{
		"notes.txt":    "just some notes\n",
		"config.yaml":  "server: {port: 80}\n",
		"list.json":    "[1, 2, 3]",
		"swagger.json": `{"swagger": "2.0", "paths": {}}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := write(t, name, data)
			code, stdout, stderr := runCLI(t, "-go", "off", path, write(t, "good.yaml", v1))
			require.Equal(t, exitError, code)
			require.Empty(t, stdout)
			require.Contains(t, stderr, path)
			require.True(t, strings.Contains(stderr, "not an OpenAPI") || strings.Contains(stderr, "not YAML or JSON"), stderr)
		})
	}
}

func TestBadFlags(t *testing.T) {
	a, b := write(t, "a.yaml", v1), write(t, "b.yaml", v1)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xml", a, b}, "use text, markdown or json"},
		{[]string{"-fail-on", "compatible", a, b}, "use breaking or warning"},
		{[]string{"-go", "maybe", a, b}, "use auto, on or off"},
		{[]string{"-common-share", "0", a, b}, "greater than 0"},
		{[]string{a}, "want two versions or spec files"},
		{[]string{"-changelog", t.TempDir(), a, b}, "-changelog takes no versions"},
		{[]string{"-no-such-flag"}, "flag provided but not defined"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		require.Equal(t, exitError, code, tc.args)
		require.Contains(t, stderr, tc.want, tc.args)
	}
}

func TestFilesAndFailOn(t *testing.T) {
	base := write(t, "base.yaml", v1)
	compatible := write(t, "compatible.yaml", strings.Replace(v1, "        name: {type: string}\n", "        name: {type: string}\n        email: {type: string}\n", 1))
	breaking := write(t, "breaking.yaml", strings.Replace(v1, "required: [id, name]", "required: [id]", 1))

	code, stdout, stderr := runCLI(t, "-format", "json", "-fail-on", "breaking", base, compatible)
	require.Equal(t, exitOK, code, stderr)
	var r schemadiff.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Equal(t, base, r.Base)
	require.Equal(t, compatible, r.Revision)
	require.Equal(t, 1, r.Summary.ByKind[schemadiff.PropertyAdded].Entries)
	require.Nil(t, r.Go)
	require.Contains(t, r.GoNote, "spec files", "auto mode says why the Go-level view is missing")
	require.Contains(t, stderr, "note:")

	code, stdout, stderr = runCLI(t, "-fail-on", "warning", base, breaking)
	require.Equal(t, exitFailOn, code)
	require.Contains(t, stdout, "became optional")
	require.Contains(t, stderr, "at least warning")

	code, _, _ = runCLI(t, base, breaking)
	require.Equal(t, exitOK, code, "without -fail-on a breaking change is only reported")

	code, _, stderr = runCLI(t, "-go", "on", base, compatible)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "two known versions")
}

func TestOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.md")
	base := write(t, "base.yaml", v1)
	code, stdout, _ := runCLI(t, "-format", "md", "-go", "off", "-o", out, base, base)
	require.Equal(t, exitOK, code)
	require.Empty(t, stdout)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(got), "# Changes from "))

	code, _, stderr := runCLI(t, "-o", filepath.Join(t.TempDir(), "missing", "dir", "r.txt"), "-go", "off", base, base)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "no such file or directory")
}

func TestVersions(t *testing.T) {
	names := versions.Names()
	base, rev := names[len(names)-2], names[len(names)-1]
	code, stdout, stderr := runCLI(t, "-go", "off", "-format", "markdown", base, "v"+strings.ReplaceAll(rev, ".", "_"))
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, "# Changes from "+base+" to "+rev)
	require.Contains(t, stdout, "### Changes common to most operations")
	require.NotContains(t, stdout, "## Go view")

	code, _, _ = runCLI(t, "-go", "off", "-fail-on", "breaking", base, rev)
	require.Equal(t, exitFailOn, code, "%s to %s removes an operation", base, rev)
}

// TestUpstreamFiles compares two fetched upstream files, which have
// dangling references only normalization repairs, and finds what comparing
// the versions' embedded specs finds.
func TestUpstreamFiles(t *testing.T) {
	names := versions.Names()
	base, rev := names[len(names)-2], names[len(names)-1]
	root := filepath.Join("..", "..", "openapi")
	bf, rf := filepath.Join(root, base, "api.intercom.io.yaml"), filepath.Join(root, rev, "api.intercom.io.yaml")
	for _, f := range []string{bf, rf} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("%s is not fetched (make fetch): %v", f, err)
		}
	}
	code, stdout, stderr := runCLI(t, "-format", "json", "-go", "off", bf, rf)
	require.Equal(t, exitOK, code, stderr)
	var fromFiles schemadiff.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &fromFiles))

	code, stdout, stderr = runCLI(t, "-format", "json", "-go", "off", base, rev)
	require.Equal(t, exitOK, code, stderr)
	var fromVersions schemadiff.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &fromVersions))

	require.Positive(t, fromFiles.Findings)
	require.Equal(t, fromVersions.Findings, fromFiles.Findings)
	// Files have no neighbouring versions to tell churn by: the
	// effective-schema rules alone decide.
	require.Empty(t, fromFiles.Neighbours)
	require.Zero(t, fromFiles.Summary.Annotations)
	require.NotEmpty(t, fromVersions.Neighbours)
	require.Equal(t, fromVersions.Summary.Examples, fromFiles.Summary.Examples)
	require.GreaterOrEqual(t, fromFiles.Summary.BySeverity[schemadiff.Breaking], fromVersions.Summary.BySeverity[schemadiff.Breaking])
}

func TestChangelogFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks every version package")
	}
	dir := filepath.Join(t.TempDir(), "changelog")
	code, _, stderr := runCLI(t, "-changelog", dir)
	require.Equal(t, exitOK, code, stderr)
	names := versions.Names()
	for i := 1; i < len(names); i++ {
		name := schemadiff.ChangelogName(names[i-1], names[i])
		require.Contains(t, stderr, "wrote "+filepath.Join(dir, name))
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Contains(t, string(data), "## Go view")
	}
	require.FileExists(t, filepath.Join(dir, "README.md"))
}

func TestGoViewOutsideTheModule(t *testing.T) {
	names := versions.Names()
	base, rev := names[len(names)-2], names[len(names)-1]
	t.Chdir(t.TempDir())

	code, stdout, stderr := runCLI(t, "-format", "json", base, rev)
	require.Equal(t, exitOK, code, stderr)
	var r schemadiff.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Nil(t, r.Go)
	require.Contains(t, r.GoNote, "inside a checkout", "auto mode says what to do")
	require.Positive(t, r.Findings, "the spec-level report needs no source")

	code, _, stderr = runCLI(t, "-go", "on", base, rev)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "inside a checkout")
}
