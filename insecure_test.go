package intercom

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInsecureHTTPHostReachesANamedService sends plain http to a named
// host, as to a fake Intercom in a docker-compose or CI service container,
// only when that host is named with WithInsecureHTTPHost.
func TestInsecureHTTPHostReachesANamedService(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Host + " " + r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"type":"admin"}`))
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	// The service name resolves to the test server, as a container
	// network's DNS would resolve it.
	dialer := &net.Dialer{}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, "intercom-fake:") {
			addr = "127.0.0.1:" + port
		}
		return dialer.DialContext(ctx, network, addr)
	}}}
	base := "http://intercom-fake:" + port

	_, err = NewTransport("2.12", WithToken("t"), WithBaseURL(base), WithHTTPClient(client))
	require.Error(t, err, "plain http to a named host needs the option")
	assert.Contains(t, err.Error(), "WithInsecureHTTPHost")

	_, err = NewTransport("2.12", WithToken("t"), WithBaseURL(base), WithInsecureHTTPHost("other-host"))
	require.Error(t, err, "the option names one host, not every host")

	tr, err := NewTransport("2.12", WithToken("t"), WithBaseURL(base), WithInsecureHTTPHost("Intercom-Fake"), WithHTTPClient(client))
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/me", nil)
	require.NoError(t, err)
	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "intercom-fake:"+port+" Bearer t", got)

	for _, bad := range []string{"", " ", "http://intercom-fake", "intercom-fake:4010", "user@host"} {
		_, err := NewTransport("2.12", WithToken("t"), WithInsecureHTTPHost(bad))
		require.Error(t, err, "%q", bad)
		assert.Contains(t, err.Error(), "WithInsecureHTTPHost", "%q", bad)
	}
}
