package workspace_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions"
)

// obj is a decoded JSON object.
type obj = map[string]any

// api calls a fake over plain HTTP.
type api struct {
	t       *testing.T
	srv     *intercomtest.Server
	version string
}

func newAPI(t *testing.T, ws *workspace.Workspace, version string) *api {
	t.Helper()
	return &api{t: t, srv: ws.NewServer(t, version), version: version}
}

// call sends a request and returns the status, header and decoded body.
func (a *api) call(method, path string, body any) (int, http.Header, obj) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(a.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.srv.URL()+path, rd)
	require.NoError(a.t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Intercom-Version", a.version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	var out obj
	if len(data) > 0 && resp.Header.Get("Content-Type") != "application/octet-stream" {
		require.NoError(a.t, json.Unmarshal(data, &out), "%s %s: %s", method, path, data)
	}
	if out == nil {
		out = obj{"_raw": data}
	}
	return resp.StatusCode, resp.Header, out
}

// must sends a request and requires the status.
func (a *api) must(status int, method, path string, body any) obj {
	a.t.Helper()
	got, _, out := a.call(method, path, body)
	require.Equal(a.t, status, got, "%s %s answered %v", method, path, out)
	return out
}

// errCode is the code of the first error of an error.list.
func errCode(t *testing.T, body obj) string {
	t.Helper()
	require.Equal(t, "error.list", body["type"], "%v", body)
	list := body["errors"].([]any)
	require.NotEmpty(t, list)
	return list[0].(obj)["code"].(string)
}

func errMessage(body obj) string {
	return body["errors"].([]any)[0].(obj)["message"].(string)
}

// eachVersion runs f for every version the module has.
func eachVersion(t *testing.T, f func(t *testing.T, version string)) {
	for _, v := range versions.All {
		t.Run(v.Name, func(t *testing.T) { f(t, v.Name) })
	}
}

// clock is a test clock that moves only when told.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time      { return c.now }
func (c *clock) Add(d time.Duration) { c.now = c.now.Add(d) }
func newClock() *clock               { return &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }
func ids(list []any) (out []string) {
	for _, e := range list {
		out = append(out, e.(obj)["id"].(string))
	}
	return out
}

func lastVersion() string { return versions.All[len(versions.All)-1].Name }

// items returns the list under the first of keys the body has: versions
// name some lists differently.
func items(body obj, keys ...string) []any {
	for _, k := range keys {
		if list, ok := body[k].([]any); ok {
			return list
		}
	}
	return nil
}
