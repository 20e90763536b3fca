package intercom

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oapi-codegen/runtime"
)

// FuzzPathParameter styles any value as the version packages do and
// resolves the request URL as they do: either CheckPathSegment refuses it
// (only for "", "." and ".."), or the request goes to the operation's
// endpoint with the value intact in its segment.
func FuzzPathParameter(f *testing.F) {
	for _, s := range []string{"", ".", "..", "...", "%2e%2e", "../companies", "a/../b", "co_1", "?x=1", "#frag", "%", " ", "..%2f", "\x00", "é", "./.", "a\\..\\b"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://api.intercom.io/")
	const tpl = "/contacts/{contact_id}/companies/{id}"
	f.Fuzz(func(t *testing.T, value string) {
		styled, err := runtime.StyleParamWithOptions("simple", false, "contact_id", value,
			runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil {
			return
		}
		if err := CheckPathSegment("contact_id", styled); err != nil {
			if value != "" && value != "." && value != ".." {
				t.Fatalf("refused %q (styled %q): %v", value, styled, err)
			}
			return
		}
		if value == "" || value == "." || value == ".." {
			t.Fatalf("accepted %q", value)
		}
		u, err := base.Parse("./contacts/" + styled + "/companies/co_1")
		if err != nil {
			return // the request is not built at all
		}
		if !matchTemplate(tpl, u.EscapedPath()) {
			t.Fatalf("%q reached %q, not %s", value, u.EscapedPath(), tpl)
		}
		seg := strings.Split(u.EscapedPath(), "/")[2]
		if got, err := url.PathUnescape(seg); err != nil || got != value {
			t.Fatalf("%q arrived as %q", value, got)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("%q changed the query or fragment: %q", value, u.String())
		}
	})
}

// FuzzCheckResponse decodes any error body: never a panic, always a valid
// single-line message, and the request's token never in what is printed.
func FuzzCheckResponse(f *testing.F) {
	f.Add(401, []byte(`{"type":"error.list","request_id":"002d37gmte7nhkf9o4eg","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`))
	f.Add(404, []byte(`{"type":"error.list","errors":[{"code":"not_found","message":"User Not Found","field":"id"}]}`))
	f.Add(502, []byte("<html>Bad gateway Bearer tok_s3cr3t_9f8e7d6c5b4a</html>"))
	f.Add(429, []byte(`{"message":"rate limited","error":"too_many"}`))
	f.Add(500, []byte(`{"errors":null,"request_id":7}`))
	f.Add(400, []byte("\xff\xfe tok_s3cr3t_9f8e7d6c5b4a\n"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 500
		}
		req := authorizedRequest(testToken)
		resp := &http.Response{StatusCode: status, Header: http.Header{"X-Echo": {string(body)}}, Request: req}
		err := CheckResponse(resp, body)
		if status >= 200 && status <= 299 {
			if err != nil {
				t.Fatalf("2xx gave %v", err)
			}
			return
		}
		msg := err.Error()
		if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("message not one valid line: %q", msg)
		}
		for _, printed := range []string{msg, (err.(*Error)).GoString()} {
			if strings.Contains(printed, testToken) {
				t.Fatalf("token printed: %q", printed)
			}
		}
	})
}

func authorizedRequest(token string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, "https://api.intercom.io/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// FuzzRetryAfter parses any Retry-After, Date and X-RateLimit-Reset values:
// never a panic or a negative wait.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range [][3]string{
		{"3", "", ""}, {"-1", "", ""}, {"99999999999999999999", "", ""}, {"Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:27:00 GMT", ""},
		{"", "", "1740830410"}, {"soon", "garbage", "-5"}, {" 0 ", "", "0"},
	} {
		f.Add(s[0], s[1], s[2], true)
	}
	tr := &Transport{now: func() time.Time { return time.Unix(1740830400, 0) }}
	f.Fuzz(func(t *testing.T, retryAfter, date, reset string, useReset bool) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("Date", date)
		h.Set("X-RateLimit-Reset", reset)
		d, ok := tr.serverDelay(h, useReset)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("wait %v, %v", d, ok)
		}
	})
}

// FuzzParseRateLimit parses any rate-limit headers: never a panic, never a
// negative figure.
func FuzzParseRateLimit(f *testing.F) {
	f.Add("10000", "9987", "1740830410")
	f.Add("lots", "-3", "soon")
	f.Add("", "", "")
	f.Add("99999999999999999999999", "+5", "0x10")
	f.Fuzz(func(t *testing.T, limit, remaining, reset string) {
		h := http.Header{}
		h.Set("X-RateLimit-Limit", limit)
		h.Set("X-RateLimit-Remaining", remaining)
		h.Set("X-RateLimit-Reset", reset)
		rl := ParseRateLimit(h)
		if rl.Limit < 0 || rl.Remaining < 0 || (!rl.Reset.IsZero() && rl.Reset.Unix() <= 0) {
			t.Fatalf("%+v", rl)
		}
	})
}

// FuzzPaginationTokenGuard feeds any sequence of cursors to a walk: the
// walk accepts a cursor exactly when it has not been followed before, so
// no page is fetched twice however the cursors cycle.
func FuzzPaginationTokenGuard(f *testing.F) {
	f.Add("a,b,c,a")
	f.Add("1,2,3,4,5,6,7,8,9,1")
	f.Add("x,x")
	f.Add(",,")
	f.Add(strings.Repeat("p,", 40) + "q")
	f.Fuzz(func(t *testing.T, list string) {
		tokens := strings.Split(list, ",")
		w := walk{style: PageCursor}
		seen := map[string]bool{}
		prev := ""
		for _, tok := range tokens {
			if tok == "" {
				continue
			}
			err := w.advance(prev, tok, "cursor")
			if want := seen[tok] || tok == prev; (err != nil) != want {
				t.Fatalf("token %q after %q: error %v, want repeat=%v", tok, prev, err, want)
			}
			if err != nil {
				return // the walk ends here
			}
			seen[tok] = true
			prev = tok
		}
	})
}
