// Command intercom-fake serves the fake Intercom API of package intercomtest
// for one API version on a loopback address, so that curl and clients in
// any language can be tested against it.
//
//	intercom-fake [-version 2.12] [-addr 127.0.0.1:4010] [-allow-remote] [-token T]... [-quiet]
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
// The address must be a loopback one (127.0.0.0/8, ::1 or localhost): the
// fake accepts any token and is not meant to be reachable from elsewhere.
// In a container (docker-compose, a CI service container) pass
// -allow-remote to listen on another address, such as 0.0.0.0:4010, and
// give the clients intercom.WithInsecureHTTPHost for the service's name.
// It stops on interrupt.
package main

import (
	"context"
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
	allowRemote := fs.Bool("allow-remote", false, "also listen on a non-loopback -addr (such as 0.0.0.0:4010 in a container); the fake accepts any token unless -token is given")
	var tokens []string
	fs.Func("token", "accept only this bearer `token` (repeatable; default: any non-empty token)", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("empty token")
		}
		tokens = append(tokens, s)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: intercom-fake [-version V] [-addr 127.0.0.1:PORT] [-allow-remote] [-token T]... [-quiet]\n\nServes a fake Intercom API that validates every request against the version's OpenAPI description.\n\n")
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

	opts := []intercomtest.Option{}
	if len(tokens) > 0 {
		opts = append(opts, intercomtest.WithTokens(tokens...))
	}
	if !*quiet {
		opts = append(opts, intercomtest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	srv, err := intercomtest.New(*version, opts...)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
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
