// Package statuscheck drives every typed method of a version package's
// Client against a server that answers only errors, for the generated
// tests that prove any status outside 2xx comes back as an *intercom.Error,
// whatever the body.
package statuscheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/intercomgo/intercom"
)

// Statuses are the error statuses every operation is checked with.
var Statuses = []int{400, 401, 403, 404, 409, 422, 429, 500}

// Body is one kind of error body.
type Body struct {
	Name        string
	ContentType string
	Text        string
}

// Bodies are the error bodies every status is sent with: Intercom's error
// list with a real-shaped (non-UUID) request id, an empty body, and an
// HTML page from a proxy.
var Bodies = []Body{
	{"error list", "application/json", `{"type":"error.list","request_id":"002d37gmte7nhkf9o4eg","errors":[{"code":"some_code","message":"Something"}]}`},
	{"empty", "", ""},
	{"html", "text/html", "<html><body><h1>Bad Gateway</h1></body></html>"},
}

// NewClient builds a version's Client for a base URL, with retries off.
type NewClient func(baseURL string) (any, error)

// Run calls every named method of the client type once per status and
// body and checks that each returns an *intercom.Error with that status.
func Run(t *testing.T, newClient NewClient, methods []string) {
	t.Helper()
	for _, st := range Statuses {
		for _, b := range Bodies {
			t.Run(fmt.Sprintf("%d %s", st, b.Name), func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if b.ContentType != "" {
						w.Header().Set("Content-Type", b.ContentType)
					}
					w.WriteHeader(st)
					_, _ = w.Write([]byte(b.Text))
				}))
				defer srv.Close()
				c, err := newClient(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				cv := reflect.ValueOf(c)
				for _, name := range methods {
					m := cv.MethodByName(name)
					if !m.IsValid() {
						t.Errorf("%s: no such method", name)
						continue
					}
					out := m.Call(Args(m.Type()))
					err, _ := out[len(out)-1].Interface().(error)
					var apiErr *intercom.Error
					switch {
					case !errors.As(err, &apiErr):
						t.Errorf("%s: got %v, want an *intercom.Error", name, err)
					case apiErr.StatusCode != st:
						t.Errorf("%s: status %d, want %d", name, apiErr.StatusCode, st)
					case apiErr.Operation != name:
						t.Errorf("%s: the error names operation %q", name, apiErr.Operation)
					case b.Name == "error list" && apiErr.RequestID != "002d37gmte7nhkf9o4eg":
						t.Errorf("%s: request id %q", name, apiErr.RequestID)
					}
				}
			})
		}
	}
}

// Args returns arguments for a typed method: a context, then a valid value
// of each parameter type (non-empty strings and non-zero numbers for path
// parameters, nil params, a zero body), and no per-call options.
func Args(ft reflect.Type) []reflect.Value {
	n := ft.NumIn()
	if ft.IsVariadic() {
		n--
	}
	args := make([]reflect.Value, 0, n)
	for i := range n {
		pt := ft.In(i)
		switch {
		case i == 0:
			args = append(args, reflect.ValueOf(context.Background()))
		case pt == reflect.TypeFor[*intercom.MultipartBody]():
			args = append(args, reflect.ValueOf(&intercom.MultipartBody{Fields: []intercom.FormField{{Name: "a", Value: "b"}}}))
		case pt.Kind() == reflect.String:
			args = append(args, reflect.ValueOf("x1").Convert(pt))
		case pt.Kind() >= reflect.Int && pt.Kind() <= reflect.Uint64:
			args = append(args, reflect.ValueOf(1).Convert(pt))
		default:
			args = append(args, reflect.Zero(pt))
		}
	}
	return args
}
