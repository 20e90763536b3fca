package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fake is a run of the command serving in the background.
type fake struct {
	addr           string
	stdout, stderr *syncBuffer
	done           chan error // run's result, once ctx ends
}

// startFake runs the command with args until ctx ends, and returns once it
// listens.
func startFake(ctx context.Context, t *testing.T, args ...string) *fake {
	t.Helper()
	f := &fake{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	addrs := make(chan string, 1)
	go func() { f.done <- run(ctx, args, f.stdout, f.stderr, func(a string) { addrs <- a }) }()
	select {
	case f.addr = <-addrs:
	case err := <-f.done:
		t.Fatalf("run returned before listening: %v", err)
	}
	return f
}

func get(t *testing.T, url string, header map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}

// sample is a version the fake serves, for tests that need one; any would
// do.
var sample = versions.All[0].Name

// unknownVersion returns a version name the module does not know.
func unknownVersion() string {
	for major := 9; ; major++ {
		if name := strconv.Itoa(major) + ".9"; !slices.Contains(versions.Names(), name) {
			return name
		}
	}
}

func TestServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := startFake(ctx, t, "-version", sample, "-addr", "127.0.0.1:0", "-token", "secret")
	base := "http://" + f.addr

	status, body := get(t, base+"/me", map[string]string{"Authorization": "Bearer secret", "Intercom-Version": sample})
	assert.Equal(t, http.StatusOK, status, "%s", body)
	var admin struct{ Type string }
	require.NoError(t, json.Unmarshal(body, &admin))
	assert.Equal(t, "admin", admin.Type)

	status, body = get(t, base+"/me", map[string]string{"Authorization": "Bearer other", "Intercom-Version": sample})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, string(body), `"code":"unauthorized"`)

	cancel()
	require.NoError(t, <-f.done)
	assert.Contains(t, f.stdout.String(), "Intercom API "+sample+" at "+base)
	assert.Contains(t, f.stderr.String(), "operation=identifyAdmin status=200")
	assert.Contains(t, f.stderr.String(), "code=unauthorized")
}

func TestQuietLogsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := startFake(ctx, t, "-quiet", "-addr", "127.0.0.1:0")
	status, _ := get(t, "http://"+f.addr+"/me", nil)
	assert.Equal(t, http.StatusUnauthorized, status)
	cancel()
	require.NoError(t, <-f.done)
	assert.Empty(t, f.stderr.String())
	names := versions.Names()
	assert.Contains(t, f.stdout.String(), "Intercom API "+names[len(names)-1], "the newest version by default")
}

func TestRefusesBadArguments(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"every interface":     {[]string{"-addr", ":4010"}, "listens on every interface"},
		"unspecified address": {[]string{"-addr", "0.0.0.0:4010"}, "not a loopback address"},
		"private address":     {[]string{"-addr", "192.168.1.10:4010"}, "not a loopback address"},
		"host name":           {[]string{"-addr", "example.com:80"}, "not a loopback address"},
		"no port":             {[]string{"-addr", "127.0.0.1"}, "missing port"},
		"unknown version":     {[]string{"-version", unknownVersion()}, strings.Join(versions.Names(), ", ")},
		"empty token":         {[]string{"-token", ""}, "empty token"},
		"stray argument":      {[]string{sample}, "every setting is a flag"},
		"remote, no port":     {[]string{"-allow-remote", "-addr", "0.0.0.0"}, "missing port"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			err := run(context.Background(), tc.args, &stdout, &stderr, func(string) { t.Error("must not listen") })
			require.Error(t, err)
			assert.Contains(t, err.Error()+stderr.String(), tc.want)
		})
	}
}

func TestHelp(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"-h"}, &stdout, &stderr, nil)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.True(t, strings.HasPrefix(stderr.String(), "usage: intercom-fake"))
	assert.Contains(t, stderr.String(), "-version")
}

func TestLoopbackAddresses(t *testing.T) {
	for _, a := range []string{"127.0.0.1:4010", "127.1.2.3:0", "[::1]:4010", "localhost:4010"} {
		assert.NoError(t, checkLoopback(a), a)
	}
}

func TestAllowRemoteListensOnEveryInterface(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"-addr", "0.0.0.0:0"}, &stdout, &stderr, func(string) { t.Error("must not listen") })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-allow-remote", "the refusal says how to ask")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := startFake(ctx, t, "-allow-remote", "-addr", "0.0.0.0:0", "-quiet", "-version", sample)
	host, port, err := net.SplitHostPort(f.addr)
	require.NoError(t, err)
	assert.True(t, net.ParseIP(host).IsUnspecified(), "listens on every interface, got %s", f.addr)
	status, body := get(t, "http://127.0.0.1:"+port+"/me", map[string]string{"Authorization": "Bearer t", "Intercom-Version": sample})
	assert.Equal(t, http.StatusOK, status, "%s", body)
	cancel()
	require.NoError(t, <-f.done)
}
