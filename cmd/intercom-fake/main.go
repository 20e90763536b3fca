// Command intercom-fake serves the fake Intercom API of package intercomtest
// for one API version on a loopback address, so that curl and clients in
// any language can be tested against it.
//
//	intercom-fake [-version 2.12] [-addr 127.0.0.1:4010] [-allow-remote] [-token T]... [-quiet]
//	              [-history N] [-state] [-seed FILE] [-rate-limit N] [-rate-window 10s]
//
// Every request is routed and validated by the version's OpenAPI
// description: it must carry "Authorization: Bearer <token>" (any token, or
// one given with -token) and "Intercom-Version: <version>", and its
// parameters and JSON body must match. A valid request is answered with the
// description's example of the success response (or a body built from the
// schema); an invalid one with Intercom's error.list naming the violation.
// For example:
//
//	intercom-fake -version 2.12 &
//	curl -H 'Authorization: Bearer t' -H 'Intercom-Version: 2.12' http://127.0.0.1:4010/me
//
// With -state the fake remembers: it serves a stateful workspace (package
// intercomtest/workspace) in which contacts, companies, tags, notes,
// conversations, tickets, data attributes, events and exports are stored,
// searched and paged as Intercom does. One workspace answers every API
// version on the same port, each in its own shapes, chosen by the
// Intercom-Version header (-version is the one assumed when the header
// names none this module knows). -seed loads a JSON seed (see
// workspace.Seed) on start and on every reset; -rate-limit N answers 429
// after N requests in a -rate-window (10s, as Intercom). POST /_fake/reset
// empties the workspace and loads the seed again:
//
//	intercom-fake -state -seed seed.json -rate-limit 1000 &
//	curl -X POST http://127.0.0.1:4010/_fake/reset
//
// The command keeps only the most recent requests (-history, 1000 by
// default) so that its memory stays bounded however long it runs, and
// closes connections that are slow to send a request or read an answer,
// or that stay idle (see serverTimeouts).
//
// The address must be a loopback one (127.0.0.0/8, ::1 or localhost): the
// fake accepts any token and is not meant to be reachable from elsewhere.
// In a container (docker-compose, a CI service container) pass
// -allow-remote to listen on another address, such as 0.0.0.0:4010, and
// give the clients intercom.WithInsecureHTTPHost for the service's name.
// It stops on interrupt.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "intercom-fake:", err)
		}
		os.Exit(2)
	}
}

// run parses args, serves until ctx is done, and calls ready (when not
// nil) with the address listened on once the server accepts requests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) error {
	names := versions.Names()
	fs := flag.NewFlagSet("intercom-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.String("version", names[len(names)-1], "Intercom API version to serve: "+strings.Join(names, ", "))
	addr := fs.String("addr", "127.0.0.1:4010", "`host:port` to listen on, loopback unless -allow-remote (port 0 picks a free one)")
	quiet := fs.Bool("quiet", false, "do not log each request and violation to stderr")
	history := fs.Int("history", 1000, "keep only the last `n` requests in memory (the history is bounded so a long-running fake does not grow)")
	allowRemote := fs.Bool("allow-remote", false, "also listen on a non-loopback -addr (such as 0.0.0.0:4010 in a container); the fake accepts any token unless -token is given")
	var tokens []string
	fs.Func("token", "accept only this bearer `token` (repeatable; default: any non-empty token)", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("empty token")
		}
		tokens = append(tokens, s)
		return nil
	})
	stateful := fs.Bool("state", false, "serve a stateful workspace that stores, searches and pages data, answering every version by its Intercom-Version header (implied by -seed and -rate-limit); POST "+resetPath+" resets it")
	seedFile := fs.String("seed", "", "load the workspace from this JSON seed `file` on start and on every reset")
	rateLimit := fs.Int("rate-limit", 0, "answer 429 after `N` requests in a rate window (0: no limit)")
	rateWindow := fs.Duration("rate-window", workspace.DefaultWindow, "the rate-limit `window`; Intercom counts in 10-second windows")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: intercom-fake [-version V] [-addr 127.0.0.1:PORT] [-allow-remote] [-token T]... [-history N] [-quiet] [-state] [-seed FILE] [-rate-limit N] [-rate-window D]\n\nServes a fake Intercom API that validates every request against the version's OpenAPI description.\nWith -state it remembers what it is sent, like a small Intercom workspace.\nIt keeps only the last -history requests in memory, and closes a connection that takes longer than %v to send a request, %v to take an answer, or stays idle for %v.\n\n",
			serverTimeouts.read, serverTimeouts.write, serverTimeouts.idle)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q: every setting is a flag", fs.Args())
	}
	if !*allowRemote {
		if err := checkLoopback(*addr); err != nil {
			return err
		}
	} else if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("-addr %q: %w (use HOST:PORT)", *addr, err)
	}
	if *history <= 0 {
		return fmt.Errorf("-history %d: need a positive number of requests to keep", *history)
	}

	opts := []intercomtest.Option{intercomtest.WithMaxHistory(*history)}
	if len(tokens) > 0 {
		opts = append(opts, intercomtest.WithTokens(tokens...))
	}
	if !*quiet {
		opts = append(opts, intercomtest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	var handler http.Handler
	var srv *intercomtest.Server
	if *stateful || *seedFile != "" || *rateLimit != 0 {
		h, def, err := statefulHandler(*version, *seedFile, *rateLimit, *rateWindow, opts)
		if err != nil {
			return err
		}
		handler, srv = h, def
	} else {
		s, err := intercomtest.New(*version, opts...)
		if err != nil {
			return err
		}
		handler, srv = s, s
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: serverTimeouts.header,
		ReadTimeout:       serverTimeouts.read,
		WriteTimeout:      serverTimeouts.write,
		IdleTimeout:       serverTimeouts.idle,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()
	bound := l.Addr().String()
	fmt.Fprintf(stdout, "intercom-fake: Intercom API %s at http://%s (send Authorization: Bearer <token> and Intercom-Version: %s)\n", srv.Version(), bound, srv.Version())
	if ready != nil {
		ready(bound)
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serverTimeouts bound how long a connection may hold the server: a client
// that sends its request or reads its answer slowly, or keeps an idle
// connection open, is cut off. A variable so that tests can shorten it.
var serverTimeouts = struct{ header, read, write, idle time.Duration }{
	header: 10 * time.Second,
	read:   time.Minute, // request bodies go up to intercomtest.DefaultMaxBodyBytes
	write:  time.Minute,
	idle:   2 * time.Minute,
}

// checkLoopback accepts only addresses on the loopback interface.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w (use 127.0.0.1:PORT)", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		return fmt.Errorf("-addr %q listens on every interface: the fake accepts any token, so it serves only a loopback address such as 127.0.0.1:PORT unless you pass -allow-remote", addr)
	}
	return fmt.Errorf("-addr %q is not a loopback address: the fake accepts any token, so it serves only 127.0.0.0/8, ::1 or localhost unless you pass -allow-remote (for a container or CI service)", addr)
}

// resetPath empties a stateful workspace and loads its seed again. It is
// outside Intercom's paths.
const resetPath = "/_fake/reset"

// statefulHandler serves one workspace to every version, picking the
// server by the Intercom-Version header; def answers requests naming no
// known version (and reports the header as wrong).
func statefulHandler(version, seedFile string, limit int, window time.Duration, opts []intercomtest.Option) (http.Handler, *intercomtest.Server, error) {
	var wsOpts []workspace.Option
	if seedFile != "" {
		seed, err := workspace.LoadSeedFile(seedFile)
		if err != nil {
			return nil, nil, fmt.Errorf("-seed: %w", err)
		}
		wsOpts = append(wsOpts, workspace.WithSeed(seed))
	}
	if limit < 0 {
		return nil, nil, fmt.Errorf("-rate-limit %d: need a count >= 0", limit)
	}
	if limit > 0 {
		if window <= 0 {
			return nil, nil, fmt.Errorf("-rate-window %v: need a positive duration", window)
		}
		wsOpts = append(wsOpts, workspace.WithRateLimit(limit, window))
	}
	ws, err := workspace.New(wsOpts...)
	if err != nil {
		return nil, nil, err
	}
	servers := map[string]*intercomtest.Server{}
	for _, name := range versions.Names() {
		s, err := intercomtest.New(name, append([]intercomtest.Option{intercomtest.WithState(ws)}, opts...)...)
		if err != nil {
			return nil, nil, err
		}
		servers[name] = s
	}
	def, ok := servers[version]
	if !ok {
		_, err := intercomtest.New(version) // names the versions there are
		return nil, nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == resetPath {
			if r.Method != http.MethodPost {
				w.Header().Set("Allow", http.MethodPost)
				fakeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "POST to "+resetPath+" to reset the workspace")
				return
			}
			if err := ws.Reset(); err != nil {
				fakeError(w, http.StatusInternalServerError, "server_error", err.Error())
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if s, ok := servers[r.Header.Get("Intercom-Version")]; ok {
			s.ServeHTTP(w, r)
			return
		}
		def.ServeHTTP(w, r)
	})
	return h, def, nil
}

// fakeError answers in Intercom's error shape.
func fakeError(w http.ResponseWriter, status int, code, msg string) {
	data, _ := json.Marshal(map[string]any{"type": "error.list", "errors": []any{map[string]string{"code": code, "message": msg}}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
