package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

func send(t *testing.T, method, url, version string, body any) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Intercom-Version", version)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(data) > 0 {
		require.NoError(t, json.Unmarshal(data, &out), "%s", data)
	}
	return resp.StatusCode, resp.Header, out
}

func TestStatefulWithSeedAndReset(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(seed, []byte(`{"contacts": [{"email": "seeded@example.com", "name": "Seeded"}]}`), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := startFake(ctx, t, "-quiet", "-addr", "127.0.0.1:0", "-seed", seed, "-rate-limit", "1000")
	base := "http://" + f.addr
	names := versions.Names()
	oldest, newest := names[0], names[len(names)-1]

	status, h, created := send(t, "POST", base+"/contacts", newest, map[string]any{"email": "new@example.com"})
	require.Equal(t, http.StatusOK, status, "%v", created)
	assert.Equal(t, "1000", h.Get("X-RateLimit-Limit"))
	id := created["id"].(string)

	// One workspace answers every version.
	status, _, got := send(t, "GET", base+"/contacts/"+id, oldest, nil)
	require.Equal(t, http.StatusOK, status, "%v", got)
	assert.Equal(t, "new@example.com", got["email"])

	status, _, _ = send(t, "GET", base+resetPath, newest, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	status, _, _ = send(t, "POST", base+resetPath, newest, nil)
	require.Equal(t, http.StatusNoContent, status)

	status, _, _ = send(t, "GET", base+"/contacts/"+id, newest, nil)
	assert.Equal(t, http.StatusNotFound, status, "reset forgets what was created")
	status, _, list := send(t, "GET", base+"/contacts", newest, nil)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, list["data"], 1, "and loads the seed again")
	assert.Equal(t, "seeded@example.com", list["data"].([]any)[0].(map[string]any)["email"])

	cancel()
	require.NoError(t, <-f.done)
}

func TestStatefulRefusesABadSeed(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(seed, []byte(`{"contact": []}`), 0o600))
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"-seed", seed}, &stdout, &stderr, func(string) { t.Error("must not listen") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown field "contact"`)
	err = run(context.Background(), []string{"-seed", filepath.Join(t.TempDir(), "missing.json")}, &stdout, &stderr, func(string) { t.Error("must not listen") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-seed")
}
