package intercom_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"github.com/intercomgo/intercom"
)

// A Transport adds the credentials and the pinned API version to every
// request, and CheckResponse turns an error status into an *Error.
func ExampleNewTransport() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("auth:", r.Header.Get("Authorization") != "")
		fmt.Println("version:", r.Header.Get("Intercom-Version"))
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"type":"error.list","request_id":"b7c1","errors":[{"code":"not_found","message":"User Not Found"}]}`)
	}))
	defer srv.Close()

	t, err := intercom.NewTransport("2.11",
		intercom.WithToken("my-access-token"),
		intercom.WithBaseURL(srv.URL), // loopback, so plain http is allowed
	)
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequest(http.MethodGet, t.BaseURL()+"/contacts/123", nil)
	resp, err := t.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)

	err = intercom.CheckResponse(resp, body)
	fmt.Println(err)
	fmt.Println("not found:", intercom.IsNotFound(err))
	// Output:
	// auth: true
	// version: 2.11
	// intercom: 404 Not Found: not_found: User Not Found (request_id b7c1)
	// not found: true
}

// Without a token, nothing can be sent, so construction fails.
func ExampleNewTransport_missingToken() {
	_, err := intercom.NewTransport("2.11")
	fmt.Println(err)
	// Output:
	// intercom: no access token: pass intercom.WithToken(token) with a non-empty token, or intercom.WithTokenSource(src)
}

// A TokenSource is asked for the token before every attempt, so rotating
// credentials take effect without rebuilding the client.
func ExampleTokenSourceFunc() {
	var current atomic.Value
	current.Store("token-v1")
	src := intercom.TokenSourceFunc(func(context.Context) (string, error) {
		return current.Load().(string), nil
	})

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer srv.Close()
	t, err := intercom.NewTransport("2.11", intercom.WithTokenSource(src), intercom.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	for _, next := range []string{"token-v2", ""} {
		req, _ := http.NewRequest(http.MethodGet, t.BaseURL()+"/me", nil)
		resp, err := t.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		if next != "" {
			current.Store(next)
		}
	}
	// Output:
	// token-v1
	// token-v2
}

// Regions map to their API hosts.
func ExampleRegion_BaseURL() {
	for _, r := range []intercom.Region{intercom.RegionUS, intercom.RegionEU, intercom.RegionAU} {
		fmt.Println(r, r.BaseURL())
	}
	// Output:
	// us https://api.intercom.io
	// eu https://api.eu.intercom.io
	// au https://api.au.intercom.io
}
