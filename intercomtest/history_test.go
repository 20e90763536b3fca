package intercomtest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
)

func TestMaxHistoryKeepsTheLatestRequests(t *testing.T) {
	srv := intercomtest.NewServer(t, version, intercomtest.WithMaxHistory(5))
	for range 12 {
		resp, _ := send(t, srv, http.MethodGet, "/me", "", nil, "Intercom-Version") // a violation each
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	}
	reqs := srv.Requests()
	require.Len(t, reqs, 5)
	for i, r := range reqs {
		assert.Equal(t, 8+i, r.Seq, "the most recent requests, oldest first")
	}
	assert.Len(t, srv.Violations(), 5, "violations of forgotten requests go with them")

	unbounded := intercomtest.NewServer(t, version)
	for range 12 {
		send(t, unbounded, http.MethodGet, "/me", "", nil)
	}
	assert.Len(t, unbounded.Requests(), 12, "the library keeps every request by default")

	_, err := intercomtest.New(version, intercomtest.WithMaxHistory(0))
	assert.ErrorContains(t, err, "WithMaxHistory")
}
