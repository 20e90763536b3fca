package intercomtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/v2_11"
)

const version = "2.11"

// send makes a raw request with the headers a client must send, minus
// those named in drop, plus those in extra.
func send(t *testing.T, srv *intercomtest.Server, method, path, body string, extra map[string]string, drop ...string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, r)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Intercom-Version", version)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range drop {
		req.Header.Del(h)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, data
}

type errorList struct {
	Type      string `json:"type"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"errors"`
}

func newClient(t *testing.T, srv *intercomtest.Server) *v2_11.Client {
	t.Helper()
	c, err := v2_11.NewClient(intercom.WithToken("tok"), intercom.WithBaseURL(srv.URL()), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	return c
}

func TestDocumentedAnswerDecodesIntoTheTypedResult(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	admin, err := newClient(t, srv).IdentifyAdmin(context.Background())
	require.NoError(t, err)
	assert.NotEmpty(t, admin.Email, "the documented example names the admin")
	srv.AssertNoViolations(t)

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "identifyAdmin", reqs[0].OperationID)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "/me", reqs[0].Path)
	assert.Equal(t, "Bearer tok", reqs[0].Header.Get("Authorization"))
	assert.Equal(t, version, reqs[0].Header.Get("Intercom-Version"))
	assert.Equal(t, http.StatusOK, reqs[0].Status)
	assert.Equal(t, intercomtest.RequestID(1), reqs[0].ID)
	assert.Regexp(t, `^[0-9a-z]{20}$`, reqs[0].ID, "shaped like an Intercom request id")
}

func TestScriptedAnswers(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	c := newClient(t, srv)
	ctx := context.Background()

	srv.On("ShowContact", intercomtest.RespondError(http.StatusNotFound, "not_found", "User Not Found"))
	_, err := c.ShowContact(ctx, "123")
	var apiErr *intercom.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	require.Len(t, apiErr.Errors, 1)
	assert.Equal(t, "not_found", apiErr.Errors[0].Code)
	assert.Equal(t, intercomtest.RequestID(1), apiErr.RequestID)

	srv.On("ShowContact", intercomtest.Respond(http.StatusOK, map[string]any{"type": "contact", "id": "abc", "email": "a@example.com"}).
		WithHeader("X-RateLimit-Remaining", "7"))
	contact, err := c.ShowContact(ctx, "123")
	require.NoError(t, err)
	require.NotNil(t, contact.Id)
	assert.Equal(t, "abc", *contact.Id)
	assert.Equal(t, 7, c.Transport().RateLimit().Remaining)

	srv.On("ShowContact", nil)
	contact, err = c.ShowContact(ctx, "123")
	require.NoError(t, err)
	assert.NotEqual(t, "abc", contact.Id, "a nil Responder restores the documented answer")

	assert.Len(t, srv.RequestsFor("ShowContact"), 3)
	assert.Empty(t, srv.RequestsFor("identifyAdmin"))
	srv.AssertNoViolations(t)
	srv.Reset()
	assert.Empty(t, srv.Requests())
}

func TestSequence(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	srv.On("identifyAdmin", intercomtest.Sequence(
		intercomtest.Respond(http.StatusServiceUnavailable, `{"type":"error.list","errors":[{"code":"service_unavailable","message":"try later"}]}`),
		intercomtest.Documented(),
		intercomtest.Respond(http.StatusTeapot, nil),
	))
	var statuses []int
	for range 4 {
		resp, _ := send(t, srv, http.MethodGet, "/me", "", nil)
		statuses = append(statuses, resp.StatusCode)
	}
	assert.Equal(t, []int{503, 200, 418, 418}, statuses, "the last Responder answers every later request")
}

func TestRetriesAreRecorded(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	srv.On("identifyAdmin", intercomtest.Sequence(
		intercomtest.Respond(http.StatusTooManyRequests, `{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"slow down"}]}`).WithHeader("Retry-After", "0"),
		nil,
	))
	c, err := v2_11.NewClient(intercom.WithToken("tok"), intercom.WithBaseURL(srv.URL()), intercom.WithMaxRetries(1))
	require.NoError(t, err)
	_, err = c.IdentifyAdmin(context.Background())
	require.NoError(t, err)
	reqs := srv.RequestsFor("identifyAdmin")
	require.Len(t, reqs, 2)
	assert.Equal(t, []int{429, 200}, []int{reqs[0].Status, reqs[1].Status})
	assert.Less(t, reqs[0].Seq, reqs[1].Seq)
}

// TestExplodedOneOfQueryObject: a form-exploded object parameter whose
// schema is a oneOf is sent as its properties ("?user_id=abc").
func TestExplodedOneOfQueryObject(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	for _, q := range []string{"type=user&user_id=abc", "type=user&intercom_user_id=1&per_page=2", "type=user&email=a@example.com"} {
		resp, data := send(t, srv, http.MethodGet, "/events?"+q, "", nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", q, data)
	}
	srv.AssertNoViolations(t)
}

func TestRequestBodyIsRecorded(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	body := `{"name":"Thanks for everything","description":"all of it"}`
	resp, _ := send(t, srv, http.MethodPost, "/help_center/collections?x=1", body, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	reqs := srv.RequestsFor("createCollection")
	require.Len(t, reqs, 1)
	assert.JSONEq(t, body, string(reqs[0].Body))
	assert.Equal(t, "1", reqs[0].Query.Get("x"))
	var got struct{ Name string }
	require.NoError(t, reqs[0].JSON(&got))
	assert.Equal(t, "Thanks for everything", got.Name)
}

// TestBadInput sends requests the description forbids; each must be
// rejected in Intercom's error shape with a status, code and message that
// name the problem, and be recorded as a violation.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name         string
		opts         []intercomtest.Option
		method, path string
		body         string
		extra        map[string]string
		drop         []string
		status       int
		code, in     string
		field        string
		message      string
	}{
		{name: "no token", method: "GET", path: "/me", drop: []string{"Authorization"},
			status: 401, code: "unauthorized", in: intercomtest.InAuth, message: "send Authorization: Bearer <token>"},
		{name: "not a bearer token", method: "GET", path: "/me", extra: map[string]string{"Authorization": "Basic dTpw"},
			status: 401, code: "unauthorized", in: intercomtest.InAuth, message: `not "Bearer <token>"`},
		{name: "token not accepted", opts: []intercomtest.Option{intercomtest.WithTokens("right")}, method: "GET", path: "/me",
			status: 401, code: "unauthorized", in: intercomtest.InAuth, message: "WithTokens"},
		{name: "no version header", method: "GET", path: "/me", drop: []string{"Intercom-Version"},
			status: 400, code: "intercom_version_invalid", in: intercomtest.InVersion, field: "Intercom-Version", message: "send Intercom-Version: 2.11"},
		{name: "other version", method: "GET", path: "/me", extra: map[string]string{"Intercom-Version": "2.10"},
			status: 400, code: "intercom_version_invalid", in: intercomtest.InVersion, message: `"2.10" but this server speaks Intercom API 2.11`},
		{name: "wrong type in body", method: "POST", path: "/help_center/collections", body: `{"name": 5}`,
			status: 400, code: "parameter_invalid", in: intercomtest.InBody, field: "/name", message: "/name: value must be a string"},
		{name: "missing required body property", method: "POST", path: "/help_center/collections", body: `{"description": "x"}`,
			status: 400, code: "parameter_not_found", in: intercomtest.InBody, field: "/name", message: `"name" is missing`},
		{name: "wrong type in a union body", method: "POST", path: "/tags", body: `{"name": 5}`,
			status: 400, code: "parameter_invalid", in: intercomtest.InBody, message: `doesn't match any schema from "anyOf"`},
		{name: "body not JSON", method: "POST", path: "/help_center/collections", body: `{"name": `,
			status: 400, code: "parameter_invalid", in: intercomtest.InBody, message: "not valid JSON"},
		{name: "wrong content type", method: "POST", path: "/help_center/collections", body: `{"name": "x"}`, extra: map[string]string{"Content-Type": "text/plain"},
			status: 415, code: "unsupported_media_type", in: intercomtest.InBody, message: "send Content-Type: application/json"},
		{name: "body where none is taken", method: "GET", path: "/me", body: `{"a": 1}`,
			status: 400, code: "parameter_invalid", in: intercomtest.InBody, message: "takes no request body"},
		{name: "missing required query parameter", method: "GET", path: "/admins/activity_logs",
			status: 400, code: "parameter_not_found", in: intercomtest.InQuery, field: "created_at_after", message: `missing required query parameter "created_at_after"`},
		{name: "query parameter of the wrong type", method: "GET", path: "/conversations?per_page=many",
			status: 400, code: "parameter_invalid", in: intercomtest.InQuery, field: "per_page", message: `query parameter "per_page"`},
		{name: "query parameter out of range", method: "GET", path: "/conversations?per_page=500",
			status: 400, code: "parameter_invalid", in: intercomtest.InQuery, field: "per_page", message: "150"},
		{name: "exploded query object missing", method: "GET", path: "/events?type=user",
			status: 400, code: "parameter_not_found", in: intercomtest.InQuery, field: "filter", message: `missing required query parameter "filter"`},
		{name: "unknown path", method: "GET", path: "/no/such/thing",
			status: 404, code: "not_found", in: intercomtest.InRoute, message: "no operation of Intercom API 2.11 matches GET /no/such/thing"},
		{name: "method not allowed", method: "PATCH", path: "/contacts/123",
			status: 405, code: "method_not_allowed", in: intercomtest.InRoute, message: "use GET, PUT, DELETE"},
		{name: "body too large", opts: []intercomtest.Option{intercomtest.WithMaxBodyBytes(16)}, method: "POST", path: "/help_center/collections", body: `{"name": "a name longer than sixteen bytes"}`,
			status: 413, code: "request_too_large", in: intercomtest.InBody, message: "larger than 16 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := intercomtest.NewServer(t, version, tc.opts...)
			resp, data := send(t, srv, tc.method, tc.path, tc.body, tc.extra, tc.drop...)
			require.Equal(t, tc.status, resp.StatusCode, "body: %s", data)
			assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")

			var body errorList
			require.NoError(t, json.Unmarshal(data, &body), "body: %s", data)
			assert.Equal(t, "error.list", body.Type)
			assert.Equal(t, resp.Header.Get("X-Request-Id"), body.RequestID)
			require.NotEmpty(t, body.Errors)
			assert.Equal(t, tc.code, body.Errors[0].Code, "body: %s", data)
			assert.Contains(t, body.Errors[0].Message, tc.message)
			if tc.field != "" {
				assert.Equal(t, tc.field, body.Errors[0].Field)
			}

			vs := srv.Violations()
			require.Len(t, vs, len(body.Errors), "one violation per error entry")
			assert.Equal(t, tc.in, vs[0].In)
			assert.Equal(t, tc.code, vs[0].Code)
			assert.Equal(t, tc.status, vs[0].Status)
			assert.Equal(t, tc.method, vs[0].Method)
			assert.Contains(t, vs[0].String(), tc.message)

			reqs := srv.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, vs, reqs[0].Violations)
			assert.Equal(t, tc.status, reqs[0].Status)
		})
	}
}

func TestTypedClientErrorNamesTheViolation(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	c, err := v2_11.NewClient(intercom.WithToken("tok"), intercom.WithBaseURL(srv.URL()), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	perPage := 500
	_, err = c.ListConversations(context.Background(), &v2_11.ListConversationsParams{PerPage: &perPage})
	var apiErr *intercom.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Contains(t, err.Error(), "per_page")

	rec := &recordingTB{TB: t}
	srv.AssertNoViolations(rec)
	require.Len(t, rec.errors, 1, "AssertNoViolations fails the test")
	assert.Contains(t, rec.errors[0], `query parameter "per_page"`)
}

// recordingTB records failures instead of failing the test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.Error(fmt.Sprintf(format, args...))
}

func TestOnUnknownOperation(t *testing.T) {
	rec := &recordingTB{TB: t}
	srv := intercomtest.NewServer(rec, version)
	srv.On("showContacts", intercomtest.Respond(200, nil))
	require.Len(t, rec.errors, 1, "a misnamed operation fails the test")
	assert.Contains(t, rec.errors[0], `has no operation "showContacts"`)
	vs := srv.Violations()
	require.Len(t, vs, 1)
	assert.Equal(t, intercomtest.InSetup, vs[0].In)

	plain, err := intercomtest.Start(version)
	require.NoError(t, err)
	defer plain.Close()
	plain.On("noSuchOperation", nil)
	require.Len(t, plain.Violations(), 1, "without a test, the mistake is a violation")
	assert.Contains(t, plain.Violations()[0].Message, "Operations lists them")
	assert.Contains(t, plain.Operations(), "ShowContact")
}

func TestBrokenResponders(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	srv.On("identifyAdmin", func(*intercomtest.Request) intercomtest.Response { panic("boom") })
	srv.On("ListContacts", intercomtest.Respond(200, map[string]any{"c": make(chan int)}))

	resp, data := send(t, srv, http.MethodGet, "/me", "", nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, string(data), "panicked: boom")
	resp, data = send(t, srv, http.MethodGet, "/contacts", "", nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, string(data), "does not encode as JSON")

	vs := srv.Violations()
	require.Len(t, vs, 2)
	for _, v := range vs {
		assert.Equal(t, intercomtest.InSetup, v.In)
	}
}

func TestResponseValidation(t *testing.T) {
	srv := intercomtest.NewServer(t, version, intercomtest.WithResponseValidation())
	srv.On("identifyAdmin", intercomtest.Respond(http.StatusOK, `{"type": "admin", "id": 5}`))
	resp, data := send(t, srv, http.MethodGet, "/me", "", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the scripted answer is sent all the same")
	assert.JSONEq(t, `{"type": "admin", "id": 5}`, string(data))
	vs := srv.Violations()
	require.NotEmpty(t, vs)
	assert.Equal(t, intercomtest.InResponse, vs[0].In)
	assert.Contains(t, vs[0].Message, "value must be a string")

	quiet := intercomtest.NewServer(t, version)
	quiet.On("identifyAdmin", intercomtest.Respond(http.StatusOK, `{"type": "admin", "id": 5}`))
	send(t, quiet, http.MethodGet, "/me", "", nil)
	assert.Empty(t, quiet.Violations(), "scripted answers are not checked by default")
}

func TestConcurrentRequests(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	c := newClient(t, srv)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.IdentifyAdmin(context.Background())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	seen := map[int]bool{}
	for _, r := range srv.Requests() {
		assert.False(t, seen[r.Seq], "sequence numbers are unique")
		seen[r.Seq] = true
	}
	assert.Len(t, seen, 8)
	srv.AssertNoViolations(t)
}

func TestConstructionErrors(t *testing.T) {
	_, err := intercomtest.New("9.99")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2.10, 2.11, 2.12")

	_, err = intercomtest.New(version, intercomtest.WithTokens(" "))
	require.ErrorContains(t, err, "empty token")

	_, err = intercomtest.New(version, intercomtest.WithMaxBodyBytes(0))
	require.ErrorContains(t, err, "positive size")

	srv, err := intercomtest.New("v2_11")
	require.NoError(t, err)
	assert.Equal(t, "2.11", srv.Version())
	assert.Empty(t, srv.URL(), "New does not listen")
	srv.Close()
}

func TestTokensOption(t *testing.T) {
	srv := intercomtest.NewServer(t, version, intercomtest.WithTokens("a", "b"))
	for tok, want := range map[string]int{"a": 200, "b": 200, "c": 401} {
		resp, _ := send(t, srv, http.MethodGet, "/me", "", map[string]string{"Authorization": "Bearer " + tok})
		assert.Equal(t, want, resp.StatusCode, "token %s", tok)
	}
}

func TestErrorsAreUsableWithErrorsAs(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	c, err := v2_11.NewClient(intercom.WithToken("tok"), intercom.WithBaseURL(srv.URL()+"/prefix"), intercom.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = c.IdentifyAdmin(context.Background())
	var apiErr *intercom.Error
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "not_found", apiErr.Errors[0].Code)
}

func TestOnAcceptsMethodNameOrOperationIDInAnyCase(t *testing.T) {
	srv := intercomtest.NewServer(t, version)
	require.Contains(t, srv.Operations(), "listTags")
	require.Contains(t, srv.Operations(), "ShowContact")
	for _, name := range []string{"ListTags", "listTags", "LISTTAGS", "list_tags"} {
		t.Run(name, func(t *testing.T) {
			srv.Reset()
			srv.On(name, intercomtest.RespondError(403, "forbidden", name))
			resp, data := send(t, srv, http.MethodGet, "/tags", "", nil)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Contains(t, string(data), name)
			assert.Len(t, srv.RequestsFor(name), 1)
			assert.Len(t, srv.RequestsFor("listTags"), 1)
		})
	}
	srv.On("showContact", intercomtest.RespondError(404, "not_found", "User Not Found"))
	resp, _ := send(t, srv, http.MethodGet, "/contacts/123", "", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Len(t, srv.RequestsFor("SHOWCONTACT"), 1)
	srv.AssertNoViolations(t)
}

func TestDocumentedWithOverridesFieldsAndStaysValid(t *testing.T) {
	srv := intercomtest.NewServer(t, version, intercomtest.WithResponseValidation())
	srv.On("ShowContact", intercomtest.DocumentedWith(map[string]any{
		"id":                "6657a6e36abd0123d6f0a8f2",
		"email":             "ada@example.com",
		"name":              nil,
		"custom_attributes": map[string]any{"plan": "pro"},
	}))
	resp, data := send(t, srv, http.MethodGet, "/contacts/6657a6e36abd0123d6f0a8f2", "", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(data))
	var got map[string]any
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, "6657a6e36abd0123d6f0a8f2", got["id"])
	assert.Equal(t, "ada@example.com", got["email"])
	assert.Contains(t, got, "name")
	assert.Nil(t, got["name"])
	assert.Equal(t, map[string]any{"plan": "pro"}, got["custom_attributes"])
	assert.Equal(t, "contact", got["type"], "the documented fields stay")
	assert.Greater(t, len(got), 20, "every documented field stays")
	srv.AssertNoViolations(t)

	// A field of the wrong type is caught by response validation.
	srv.Reset()
	srv.On("ShowContact", intercomtest.DocumentedWith(map[string]any{"email": 42}))
	send(t, srv, http.MethodGet, "/contacts/1", "", nil)
	assert.NotEmpty(t, srv.Violations())
}
