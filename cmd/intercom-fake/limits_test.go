package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSlowClientsAreCutOff: a client that sends its headers and then
// trickles (here: never sends) its body cannot hold a connection forever.
func TestSlowClientsAreCutOff(t *testing.T) {
	saved := serverTimeouts
	serverTimeouts.read, serverTimeouts.write, serverTimeouts.idle = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	t.Cleanup(func() { serverTimeouts = saved })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := startFake(ctx, t, "-quiet", "-addr", "127.0.0.1:0")

	for _, opening := range []string{
		// Headers promising a body that never comes.
		"POST /contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ro",
		// An idle keep-alive connection after one request.
		"GET /me HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", f.addr)
		require.NoError(t, err)
		_, err = io.WriteString(conn, opening)
		require.NoError(t, err)
		// A generous guard so that a regression fails instead of hanging;
		// the assertion is that the server closed the connection.
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(30*time.Second)))
		_, err = io.ReadAll(conn)
		var ne net.Error
		assert.False(t, errors.As(err, &ne) && ne.Timeout(), "the server kept the connection open: %v", err)
		_ = conn.Close()
	}
	cancel()
	require.NoError(t, <-f.done)
}

func TestHistoryFlag(t *testing.T) {
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"-h"}, &stdout, &stderr, nil)
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-history")
	assert.Contains(t, stderr.String(), "keeps only the last -history requests")

	err = run(context.Background(), []string{"-history", "0", "-addr", "127.0.0.1:0"}, &stdout, &stderr, nil)
	assert.ErrorContains(t, err, "-history 0")
}
