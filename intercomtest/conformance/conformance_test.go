package conformance

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
	"github.com/intercomgo/intercom/versions"
)

func TestReconcile(t *testing.T) {
	known := []Defect{
		{Version: "2.11", Operation: "a", Where: "request body", Class: "wrong-type", Why: "listed and found"},
		{Version: "2.11", Operation: "b", Where: "response 200", Class: "format", Why: "listed, no longer found"},
		{Version: "2.10", Operation: "c", Where: "request body", Class: "wrong-type", Why: "another version"},
	}
	found := []Defect{
		{Version: "2.11", Operation: "a", Where: "request body", Class: "wrong-type", Why: "found"},
		{Version: "2.11", Operation: "z", Where: "path parameter id", Class: "wrong-type", Why: "found, not listed"},
		{Version: "2.11", Operation: "z", Where: "path parameter id", Class: "wrong-type", Why: "found twice"},
	}
	fresh, stale := reconcile("2.11", found, known)
	require.Len(t, fresh, 1)
	assert.Equal(t, "z", fresh[0].Operation)
	require.Len(t, stale, 1)
	assert.Equal(t, "b", stale[0].Operation)
	assert.Equal(t, `{Version: "2.11", Operation: "z", Where: "path parameter id", Class: "wrong-type", Why: "found, not listed"},`, fresh[0].String(), "printed as an entry of the report")
}

// TestClassify: each known kind of problem has its class, and one that no
// class explains is named by its shape, specifics blanked.
func TestClassify(t *testing.T) {
	for problem, class := range map[string]string{
		"/admin_id: value must be a string": "wrong-type",
		"/: value doesn't match any schema from \"oneOf\" (branch 1: /a: value must be a string)":      "union-no-branch",
		"/: doesn't match all schemas from \"allOf\" (branch 1: /x: value must be a string)":           "allof-branch",
		"/job_title: property \"job_title\" is missing":                                                "missing-required",
		"/statistics: Value is not nullable":                                                           "not-nullable",
		"/email: string doesn't match the format \"email\" (not an email address)":                     "format",
		"/type: value is not one of the allowed values [\"a\"]":                                        "not-in-enum",
		"no value built satisfies the request schema: /x: string doesn't match the regular expression": "no-valid-value",
		"/n: number must be at most 5":                                                                 "",
	} {
		assert.Equal(t, class, classify(problem), problem)
	}
	d := newDefect("2.11", "op", "request body", []string{
		`example "a": /id: value must be a string; /n: number must be at most 5`,
		`example "b": /email: string doesn't match the format "email" (x)`,
	})
	assert.Equal(t, "format,wrong-type", d.Class)
	assert.Equal(t, []string{"number must be at most N"}, d.unexplained, "the unexplained class is named by its shape")
	assert.Contains(t, d.Why, "(and 1 more examples)")
}

// TestReportIsCurrent: the committed report is what the classes make of the
// descriptions of every version of the registry.
func TestReportIsCurrent(t *testing.T) {
	got, err := Report(versions.Names())
	require.NoError(t, err, "every defect belongs to a class")
	want, err := os.ReadFile(ReportFile)
	require.NoError(t, err)
	assert.True(t, string(want) == string(got), "%s is stale: run `make generate`", ReportFile)
}

// TestKnownListsAreWellFormed keeps the lists free of duplicates and of
// versions this module does not have.
func TestKnownListsAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range KnownDefects {
		_, err := oas.Load(d.Version)
		require.NoError(t, err, "%v", d)
		assert.False(t, seen[d.key()], "listed twice: %v", d)
		seen[d.key()] = true
		assert.NotEmpty(t, d.Why, "%v", d)
		assert.NotEmpty(t, d.Class, "%v", d)
	}
	for _, f := range KnownFailures {
		doc, err := oas.Load(f.Version)
		require.NoError(t, err, "%v", f)
		_, ok := doc.Operation(f.Operation)
		assert.True(t, ok, "%v: no such operation", f)
	}
}

func TestMissingFrom(t *testing.T) {
	doc, err := oas.Load("2.11")
	require.NoError(t, err)
	op, ok := doc.Operation("identifyAdmin")
	require.True(t, ok)
	p := plan(&oas.Doc{Version: doc.Version, T: doc.T, Operations: []*oas.Operation{op}})[0]
	require.NotNil(t, p.result)

	answer := []byte(`{"type": "admin", "id": "1", "email": "a@b.c", "away_mode_enabled": true, "team_ids": [1, 2], "undeclared": 5, "avatar": null}`)
	same := []byte(`{"type": "admin", "id": "1", "email": "a@b.c", "away_mode_enabled": true, "team_ids": [1, 2]}`)
	assert.Empty(t, missingFrom(p.result, answer, same), "undeclared keys and nulls need not survive")

	lossy := []byte(`{"type": "admin", "id": "1", "away_mode_enabled": false, "team_ids": [1]}`)
	assert.Equal(t, []string{"/away_mode_enabled", "/email", "/team_ids"}, missingFrom(p.result, answer, lossy))
	assert.Equal(t, []string{"/ (the answer is not JSON: invalid character 'x' looking for beginning of value)"}, missingFrom(p.result, []byte("x"), same))
}

// rawClient stands in for a typed client whose encoding of a body is under
// the test's control.
type rawClient struct {
	base string
	hc   *http.Client
}

func (c rawClient) post(ctx context.Context, path string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Intercom-Version", "2.11")
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// TestFakeCheckCatchesABodyOtherThanTheOneSet is the check that catches a
// union body sent as {}: the same call passes when the body is sent as set.
func TestFakeCheckCatchesABodyOtherThanTheOneSet(t *testing.T) {
	doc, err := oas.Load("2.11")
	require.NoError(t, err)
	op, ok := doc.Operation("createTag")
	require.True(t, ok)
	p := plan(&oas.Doc{Version: doc.Version, T: doc.T, Operations: []*oas.Operation{op}})[0]
	require.NoError(t, p.err)
	require.NotNil(t, p.in.body)

	srv := intercomtest.NewServer(t, "2.11", intercomtest.WithTokens(token))
	rec := &recorder{next: http.DefaultTransport}
	c := rawClient{base: srv.URL(), hc: &http.Client{Transport: rec}}
	send := func(body func(in *Input) []byte) []string {
		call := Call[rawClient]{Method: "CreateTag", Do: func(ctx context.Context, c rawClient, in *Input) (any, error) {
			return nil, c.post(ctx, "/tags", body(in))
		}}
		return fakeProblems(t, srv, c, rec, p, call)
	}

	assert.Empty(t, send(func(in *Input) []byte { return in.body }))
	problems := send(func(*Input) []byte { return []byte("{}") })
	require.NotEmpty(t, problems)
	assert.Contains(t, strings.Join(problems, "\n"), "sent a body other than the one set")
}

// TestPrismCheckCatchesABadRequest shows that the Prism half can fail: Prism
// accepts the planned body and rejects one of the wrong type.
func TestPrismCheckCatchesABadRequest(t *testing.T) {
	if os.Getenv(EnvSkipPrism) == "1" {
		t.Skipf("%s=1", EnvSkipPrism)
	}
	bin, err := PrismPath()
	require.NoError(t, err)
	doc, err := oas.Load("2.11")
	require.NoError(t, err)
	op, _ := doc.Operation("createTag")
	p := plan(&oas.Doc{Version: doc.Version, T: doc.T, Operations: []*oas.Operation{op}})[0]
	require.NoError(t, p.err)

	base := startPrism(t, bin, "2.11")
	rec := &recorder{next: http.DefaultTransport}
	c := rawClient{base: base, hc: &http.Client{Transport: rec}}
	send := func(body func(in *Input) []byte) []string {
		call := Call[rawClient]{Method: "CreateTag", Do: func(ctx context.Context, c rawClient, in *Input) (any, error) {
			return nil, c.post(ctx, "/tags", body(in))
		}}
		return prismProblems(t, c, rec, p, call)
	}
	assert.Empty(t, send(func(in *Input) []byte { return in.body }))
	problems := strings.Join(send(func(*Input) []byte { return []byte(`{"name": 5}`) }), "\n")
	assert.Contains(t, problems, "Prism rejected the request: request.body")
	assert.Contains(t, problems, "sent a body other than the one set")
}

func TestFakeCheckCatchesAPanickingClient(t *testing.T) {
	doc, err := oas.Load("2.11")
	require.NoError(t, err)
	op, _ := doc.Operation("identifyAdmin")
	p := plan(&oas.Doc{Version: doc.Version, T: doc.T, Operations: []*oas.Operation{op}})[0]
	srv := intercomtest.NewServer(t, "2.11")
	call := Call[rawClient]{Method: "IdentifyAdmin", Do: func(context.Context, rawClient, *Input) (any, error) {
		panic("unexported field")
	}}
	problems := fakeProblems(t, srv, rawClient{}, &recorder{}, p, call)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "IdentifyAdmin panicked: unexported field")
	assert.Contains(t, problems[0], "sent 0 requests")
}

func TestInput(t *testing.T) {
	in := &Input{
		op:     "op",
		path:   map[string]json.RawMessage{"id": json.RawMessage(`"abc"`), "n": json.RawMessage(`7`)},
		params: json.RawMessage(`{"per_page": 5}`),
		body:   json.RawMessage(`{"name": "x"}`),
	}
	var id string
	var n int
	require.NoError(t, in.Path("id", &id))
	require.NoError(t, in.Path("n", &n))
	assert.Equal(t, "abc", id)
	assert.Equal(t, 7, n)
	assert.ErrorContains(t, in.Path("missing", &id), `no value for path parameter "missing"`)
	assert.ErrorContains(t, in.Path("id", &n), "does not decode")

	var params struct {
		PerPage *int `json:"per_page"`
	}
	require.NoError(t, in.Params(&params))
	assert.Equal(t, 5, *params.PerPage)

	var body struct{ Name string }
	require.NoError(t, in.Body(&body))
	assert.Equal(t, "x", body.Name)
	assert.ErrorContains(t, (&Input{op: "op"}).Body(&body), "no JSON request body")

	v := 3
	res, err := Result(&v, nil)
	assert.Equal(t, &v, res)
	assert.NoError(t, err)
	res, err = Result[int](nil, assert.AnError)
	assert.Nil(t, res, "a nil body stays a nil interface")
	assert.Equal(t, assert.AnError, err)
}

func TestPrismViolations(t *testing.T) {
	x := &exchange{
		status: 422,
		header: http.Header{"Sl-Violations": {`[{"location":["request","body","email"],"severity":"Error","code":"type","message":"Request body property email must be string"},{"location":["response","body","url"],"severity":"Error","code":"format","message":"must match format uri"},{"location":["request","query","x"],"severity":"Warning","code":"x","message":"just a warning"}]`}},
		body:   []byte(`{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","validation":[{"location":["header","Intercom-Version"],"severity":"Error","code":"enum","message":"must be equal to one of the allowed values"}]}`),
	}
	req := prismViolations(x, "request")
	require.Len(t, req, 2, "errors from the header and the problem body; warnings left out")
	assert.Equal(t, "request.body.email: Request body property email must be string (type)", req[0].String())
	assert.Equal(t, []string{"request", "header", "Intercom-Version"}, req[1].Location)
	resp := prismViolations(x, "response")
	require.Len(t, resp, 1)
	assert.Equal(t, "must match format uri", resp[0].Message)

	x.status = 200
	assert.Len(t, prismViolations(x, "request"), 1, "a success body is no problem report")
}

func TestPrismPath(t *testing.T) {
	t.Setenv(EnvPrism, filepath.Join(t.TempDir(), "no-prism"))
	_, err := PrismPath()
	assert.ErrorContains(t, err, EnvPrism+"=")

	fake := filepath.Join(t.TempDir(), "prism")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755))
	t.Setenv(EnvPrism, fake)
	got, err := PrismPath()
	require.NoError(t, err)
	assert.Equal(t, fake, got)

	t.Setenv(EnvPrism, "")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	t.Chdir(filepath.Join(dir, "sub"))
	_, err = PrismPath()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run `npm ci` in "+dir)
	assert.Contains(t, err.Error(), EnvSkipPrism+"=1")
}

// TestDateTimeRoundTrip: a date-time decoded into time.Time comes back
// without a zero fraction; that is the same instant, not a lost value. A
// different instant, or a string that is no timestamp, still differs.
func TestDateTimeRoundTrip(t *testing.T) {
	assert.True(t, jsonEqual([]byte(`{"at":"2025-01-24T09:01:00.000Z","n":[1]}`), []byte(`{"n":[1],"at":"2025-01-24T09:01:00Z"}`)))
	assert.True(t, jsonEqual([]byte(`{"at":"2025-01-24T10:01:00+01:00"}`), []byte(`{"at":"2025-01-24T09:01:00Z"}`)))
	assert.False(t, jsonEqual([]byte(`{"at":"2025-01-24T09:01:00.001Z"}`), []byte(`{"at":"2025-01-24T09:01:00Z"}`)))
	assert.False(t, jsonEqual([]byte(`{"at":"x"}`), []byte(`{"at":"y"}`)))
	assert.False(t, jsonEqual([]byte(`{"a":1}`), []byte(`{"a":1,"b":2}`)), "an extra key is a different body")
	assert.False(t, jsonEqual([]byte(`{"a":null}`), []byte(`{}`)), "a null sent is part of the body")

	var out []string
	diff("", map[string]any{"at": "2025-12-04T09:31:57.000Z"}, map[string]any{"at": "2025-12-04T09:31:57Z"}, &out)
	assert.Empty(t, out, "a decoded result keeps the instant")
	diff("", map[string]any{"at": "2025-12-04T09:31:57.000Z"}, map[string]any{"at": "2025-12-04T09:31:58Z"}, &out)
	assert.Equal(t, []string{"/at"}, out)
}

// TestRecorderStandsInForOtherHosts: a redirect to another host (a signed
// download URL) is answered locally and not recorded as the exchange.
func TestRecorderStandsInForOtherHosts(t *testing.T) {
	srv := intercomtest.NewServer(t, "2.11")
	rec := &recorder{next: http.DefaultTransport, host: strings.TrimPrefix(srv.URL(), "http://")}
	hc := &http.Client{Transport: rec}
	resp, err := hc.Get("https://storage.example.invalid/recording.mp3")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Nil(t, rec.take(), "the stand-in is not the exchange under test")
	assert.Empty(t, srv.Requests())
}
