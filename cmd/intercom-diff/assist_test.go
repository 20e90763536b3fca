package main

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/schemadiff"
	"github.com/intercomgo/intercom/versions"
)

// v2 is v1 with the path parameter renamed, a property added to the
// contact and a new operation.
var v2 = strings.NewReplacer(
	"/contacts/{id}:", "/contacts/{contact_id}:",
	"{name: id, in: path", "{name: contact_id, in: path",
	"        name: {type: string}\n", "        name: {type: string}\n        email: {type: string}\n",
	"components:\n", `  /notes:
    get:
      operationId: listNotes
      responses:
        "200": {description: ok}
components:
`,
).Replace(v1)

func TestOpFilter(t *testing.T) {
	base, rev := write(t, "base.yaml", v1), write(t, "rev.yaml", v2)

	// The Go method name, in any case, finds the operation in both
	// versions although its path parameter is called something else.
	for _, name := range []string{"getContact", "GetContact", "GETCONTACT", "GetContactWithResponse"} {
		code, stdout, stderr := runCLI(t, "-format", "json", "-go", "off", "-op", name, base, rev)
		require.Equal(t, exitOK, code, stderr)
		var r schemadiff.Report
		require.NoError(t, json.Unmarshal([]byte(stdout), &r))
		require.Len(t, r.Filter, 1, name)
		require.Contains(t, r.Filter[0], "getContact")
		require.Empty(t, r.OperationsAdded, "listNotes is not asked for")
		require.Equal(t, 1, r.Summary.ByKind[schemadiff.PropertyAdded].Entries, name)
	}

	// Without the filter the new operation is there.
	code, stdout, _ := runCLI(t, "-format", "json", "-go", "off", base, rev)
	require.Equal(t, exitOK, code)
	var all schemadiff.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &all))
	require.Len(t, all.OperationsAdded, 1)

	// Only the new operation: nothing changed in it that a client of the
	// base could see, and the report says so.
	code, stdout, _ = runCLI(t, "-go", "off", "-op", "listnotes", base, rev)
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, "Wire view: nothing to act on")

	code, _, stderr := runCLI(t, "-go", "off", "-op", "getContacts,nope", base, rev)
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, `"nope"`)
	require.Contains(t, stderr, `"getContacts"; did you mean getContact?`)
}

func TestOpFilterOnVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks two version packages")
	}
	names := versions.Names()
	base, rev := names[len(names)-2], names[len(names)-1]
	code, stdout, stderr := runCLI(t, "-format", "json", "-op", "listConversations,CreateContact", base, rev)
	require.Equal(t, exitOK, code, stderr)
	var r schemadiff.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	require.Len(t, r.Filter, 2)
	require.NotNil(t, r.Go)
	for _, c := range r.Go.Changes {
		require.NotContains(t, c.Name, "Ticket", "tickets are not reached from contacts and conversation lists")
	}
	for _, s := range r.Schemas {
		for _, c := range s.Changes {
			for _, op := range c.Operations {
				require.True(t, strings.HasPrefix(op, "POST /contacts") || strings.HasPrefix(op, "GET /conversations"), op)
			}
		}
	}
}

// TestCheck type-checks two sample packages, written against v2_11,
// against v2_12: one still compiles, the other does not. The pair is the
// fixture the samples were written for.
func TestCheck(t *testing.T) {
	if _, ok := versions.Lookup("2.11"); !ok {
		t.Skip("the samples are written against v2_11")
	}
	if _, ok := versions.Lookup("2.12"); !ok {
		t.Skip("the samples are checked against v2_12")
	}
	before, err := os.ReadFile(filepath.Join("testdata", "upgrade", "breaks", "breaks.go"))
	require.NoError(t, err)

	code, stdout, stderr := runCLI(t, "-check", "./testdata/upgrade/clean", "2.11", "2.12")
	require.Equal(t, exitOK, code, stderr)
	require.True(t, strings.HasPrefix(stdout, "Nothing to change"), stdout)
	require.Less(t, strings.Count(stdout, "\n"), 3, "a clean upgrade is a short answer")

	code, stdout, stderr = runCLI(t, "-check", "./testdata/upgrade/breaks", "2.11", "2.12")
	require.Equal(t, exitFailOn, code, stderr)
	require.Contains(t, stdout, "2 compile errors")
	require.Contains(t, stdout, "breaks.go:13:11: c.CustomAttributes undefined")
	require.Contains(t, stdout, "because Conversation.CustomAttributes: removed")
	require.Contains(t, stdout, "undefined: v2_11.PaginatedConversationResponse")
	require.Contains(t, stdout, "because PaginatedConversationResponse: removed")

	code, stdout, _ = runCLI(t, "-format", "json", "-check", "./testdata/upgrade/...", "2.11", "2.12")
	require.Equal(t, exitFailOn, code)
	var res schemadiff.CheckResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &res))
	require.Len(t, res.Packages, 2)
	require.Equal(t, 2, res.Files)
	require.Len(t, res.Problems, 2)
	for _, p := range res.Problems {
		require.NotEmpty(t, p.Explained, p.Message)
		require.Contains(t, p.Pos, "breaks.go")
	}

	after, err := os.ReadFile(filepath.Join("testdata", "upgrade", "breaks", "breaks.go"))
	require.NoError(t, err)
	require.Equal(t, string(before), string(after), "the user's files are not touched")

	code, _, stderr = runCLI(t, "-check", "./testdata/upgrade/clean", write(t, "a.yaml", v1), write(t, "b.yaml", v1))
	require.Equal(t, exitError, code)
	require.Contains(t, stderr, "two versions the module knows")
}

// mirrorVersions lists the versions the spec mirror beside the checkout
// has, oldest first, whether or not the module knows them.
func mirrorVersions(t *testing.T) (string, []string) {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "intercom-openapi")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no spec mirror at %s: %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "api.intercom.io.yaml")); err == nil && versionLike.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		am, an, _ := strings.Cut(a, ".")
		bm, bn, _ := strings.Cut(b, ".")
		ai, _ := strconv.Atoi(am)
		bi, _ := strconv.Atoi(bm)
		aj, _ := strconv.Atoi(an)
		bj, _ := strconv.Atoi(bn)
		return cmp.Or(cmp.Compare(ai, bi), cmp.Compare(aj, bj))
	})
	return dir, out
}

// TestSpecFilesWithNeighbours runs the report on the newest spec files of
// the mirror, given as paths (versions the module may not know yet), with
// and without the version before them.
func TestSpecFilesWithNeighbours(t *testing.T) {
	if testing.Short() {
		t.Skip("normalizes three upstream files")
	}
	dir, all := mirrorVersions(t)
	if len(all) < 3 {
		t.Skipf("the mirror has %d versions, want 3", len(all))
	}
	path := func(v string) string { return filepath.Join(dir, v, "api.intercom.io.yaml") }
	prev, base, rev := all[len(all)-3], all[len(all)-2], all[len(all)-1]

	report := func(args ...string) schemadiff.Report {
		t.Helper()
		code, stdout, stderr := runCLI(t, append([]string{"-format", "json", "-go", "off"}, args...)...)
		require.Equal(t, exitOK, code, stderr)
		var r schemadiff.Report
		require.NoError(t, json.Unmarshal([]byte(stdout), &r))
		return r
	}
	alone := report(path(base), path(rev))
	require.Positive(t, alone.Findings)
	require.Empty(t, alone.Neighbours)
	require.Zero(t, alone.Summary.Annotations, "without neighbours nothing can be told churn")

	with := report("-before", path(prev), path(base), path(rev))
	require.Equal(t, []string{path(prev)}, with.Neighbours)
	require.Equal(t, alone.Findings, with.Findings)
	require.LessOrEqual(t, with.Summary.BySeverity[schemadiff.Breaking], alone.Summary.BySeverity[schemadiff.Breaking],
		"neighbours only ever move entries out of the wire view")

	// The calibration rules hold on any pair of files.
	for _, r := range []schemadiff.Report{alone, with} {
		check := func(c schemadiff.Change) {
			if c.Kind == schemadiff.EnumValueAdded && strings.HasPrefix(c.Rule, "response-") {
				require.Equal(t, schemadiff.Warning, c.Severity, c.Text)
			}
			if c.Severity != c.Oasdiff {
				require.NotEmpty(t, c.Why, "a calibrated severity says why: %s", c.Text)
			}
		}
		for _, s := range r.Schemas {
			for _, c := range s.Changes {
				check(c)
			}
		}
		for _, o := range r.Operations {
			for _, c := range o.Changes {
				check(c)
			}
		}
	}
	t.Logf("%s → %s: alone %v, with %s before %v and %d annotation flips", base, rev,
		alone.Summary.BySeverity, prev, with.Summary.BySeverity, with.Summary.Annotations)
}
