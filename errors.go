package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrorDetail is one entry of the "errors" list in an Intercom error body.
type ErrorDetail struct {
	// Code qualifies the status, for example "not_found" or "unauthorized".
	Code string `json:"code"`
	// Message is a human-readable description; it may be empty.
	Message string `json:"message"`
	// Field names the parameter in error, when the API says which.
	Field string `json:"field"`
}

// Error is returned for a response whose status is not 2xx. It carries both
// the decoded Intercom error list and the raw response, so callers can
// branch on StatusCode or Errors[i].Code and still log the original.
type Error struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// RequestID identifies the request to Intercom support; from the body's
	// request_id, or else the X-Request-Id header.
	RequestID string
	// Type is the body's "type", normally "error.list"; empty if the body
	// was not an Intercom error.
	Type string
	// Errors are the decoded error entries, if any.
	Errors []ErrorDetail
	// RateLimit holds the rate-limit headers of the response.
	RateLimit RateLimit
	// Header is the response header.
	Header http.Header
	// Body is the raw response body, unredacted.
	Body []byte

	// redact hides the request's token in what Error and GoString print.
	redact redactor
	// Operation is the Go name of the typed method that got the answer
	// ("ShowContact"); empty when the error comes from CheckResponse alone.
	Operation string
	// Method and Path are the request's HTTP method and the operation's
	// path template ("/contacts/{id}"), set with Operation.
	Method, Path string
	// RetryAfter is the wait the Retry-After header asked for (delta
	// seconds or an HTTP date, measured against the Date header), or 0.
	RetryAfter time.Duration
}

// excerptLen bounds how much of a non-JSON body goes into an error message.
const excerptLen = 200

// Error formats the status, the error entries (or an excerpt of a non-JSON
// body) and the request id, for example
// "intercom: 404 Not Found: not_found: User Not Found (request_id abc)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("intercom: ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteByte(' ')
		b.WriteString(text)
	}
	if len(e.Errors) > 0 {
		b.WriteString(": ")
		for i, d := range e.Errors {
			if i > 0 {
				b.WriteString("; ")
			}
			writeDetail(&b, d)
		}
	} else if ex := excerpt(e.Body, excerptLen); ex != "" {
		b.WriteString(": ")
		b.WriteString(ex)
	}
	var where []string
	if e.Operation != "" {
		where = append(where, sanitize(e.Operation+" "+e.Method+" "+e.Path, 200))
	}
	if e.RequestID != "" {
		where = append(where, "request_id "+sanitize(e.RequestID, 100))
	}
	if len(where) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(where, ", "))
		b.WriteByte(')')
	}
	return e.redact.apply(b.String())
}

// GoString describes the error for %#v like Error does, with the token of
// the request hidden from the header and body shown.
func (e *Error) GoString() string {
	var b strings.Builder
	fmt.Fprintf(&b, "&intercom.Error{StatusCode:%d, RequestID:%q, Type:%q, Errors:%#v, RateLimit:%#v, Header:", e.StatusCode, e.RequestID, e.Type, e.Errors, e.RateLimit)
	b.WriteString("http.Header{")
	for i, k := range slices.Sorted(maps.Keys(e.Header)) {
		if i > 0 {
			b.WriteString(", ")
		}
		vals := make([]string, len(e.Header[k]))
		for j, v := range e.Header[k] {
			vals[j] = strconv.Quote(e.redact.headerValue(k, v))
		}
		fmt.Fprintf(&b, "%q:[]string{%s}", k, strings.Join(vals, ", "))
	}
	fmt.Fprintf(&b, "}, Body:%q}", e.redact.apply(string(e.Body)))
	return e.redact.apply(b.String())
}

func writeDetail(b *strings.Builder, d ErrorDetail) {
	code, msg := sanitize(d.Code, excerptLen), sanitize(d.Message, excerptLen)
	switch {
	case code != "" && msg != "":
		b.WriteString(code)
		b.WriteString(": ")
		b.WriteString(msg)
	case code != "":
		b.WriteString(code)
	default:
		b.WriteString(msg)
	}
	if d.Field != "" {
		b.WriteString(" (field ")
		b.WriteString(sanitize(d.Field, 100))
		b.WriteByte(')')
	}
}

// errorBody is the union of the error shapes seen from Intercom and from
// proxies in front of it.
type errorBody struct {
	Type      string        `json:"type"`
	RequestID string        `json:"request_id"`
	Errors    []ErrorDetail `json:"errors"`
	Message   string        `json:"message"`
	Error     string        `json:"error"`
}

// CheckResponse returns nil if resp has a 2xx status, and otherwise an *Error
// built from resp and its already-read body.
func CheckResponse(resp *http.Response, body []byte) error {
	if resp == nil {
		return errors.New("intercom: no response")
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := &Error{
		StatusCode: resp.StatusCode,
		RateLimit:  ParseRateLimit(resp.Header),
		Header:     resp.Header.Clone(),
		Body:       body,
	}
	if resp.Request != nil {
		if tok := bearerToken(resp.Request.Header); tok != "" {
			e.redact = newRedactor(tok)
		}
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Type = eb.Type
		e.RequestID = eb.RequestID
		e.Errors = eb.Errors
		// Gateways answer with {"message": ...} or {"error": ...} instead.
		if len(e.Errors) == 0 && (eb.Message != "" || eb.Error != "") {
			e.Errors = []ErrorDetail{{Code: eb.Error, Message: eb.Message}}
		}
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Request-Id")
	}
	e.RetryAfter, _ = retryAfter(resp.Header, time.Now())
	return e
}

// retryAfter parses the Retry-After header: delta seconds, or an HTTP date
// measured against the response's Date header when there is one (so that a
// skewed local clock does not distort the wait), else against now. ok is
// false when the header is absent or unreadable.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	ra := strings.TrimSpace(h.Get("Retry-After"))
	if ra == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(ra, 10, 64); err == nil && secs >= 0 {
		// Clamp so the conversion cannot overflow; anything this long is
		// beyond any sensible wait anyway.
		return time.Duration(min(secs, 1<<31)) * time.Second, true
	}
	if at, err := http.ParseTime(ra); err == nil {
		return max(at.Sub(serverTime(h, now)), 0), true
	}
	return 0, false
}

// serverTime returns the response's Date header, or now when it has none.
func serverTime(h http.Header, now time.Time) time.Time {
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		return d
	}
	return now
}

// AsError returns the *Error in err's chain, if there is one.
func AsError(err error) (*Error, bool) {
	return errors.AsType[*Error](err)
}

func hasStatus(err error, code int) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode == code
}

// IsBadRequest reports whether err is an Intercom 400 Bad Request response,
// a request the API rejected as malformed.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }

// IsServerError reports whether err is an Intercom response with a 5xx
// status.
func IsServerError(err error) bool {
	e, ok := AsError(err)
	return ok && e.StatusCode >= 500 && e.StatusCode <= 599
}

// IsNotFound reports whether err is an Intercom 404 Not Found response.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is an Intercom 401 Unauthorized
// response, typically a missing, revoked or wrong-region token.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is an Intercom 403 Forbidden response,
// typically a token lacking the required scope.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsConflict reports whether err is an Intercom 409 Conflict response, such
// as creating a contact that already exists.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsRateLimited reports whether err is an Intercom 429 Too Many Requests
// response; its RateLimit.Reset says when to try again.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// excerpt returns the start of a body as a single printable line of at most
// limit bytes, with an ellipsis if it was cut.
func excerpt(body []byte, limit int) string {
	if len(body) > 4*limit {
		// Copy only a prefix of a huge body; one byte over the bound still
		// tells sanitize that the text was cut.
		body = body[:4*limit+1]
	}
	return sanitize(string(body), limit)
}

// sanitize makes s safe to embed in an error message: invalid UTF-8 and
// control characters become spaces, runs of space collapse, and the result
// is cut at a rune boundary after at most limit bytes, marked by an ellipsis.
func sanitize(s string, limit int) string {
	truncated := false
	if len(s) > 4*limit {
		s, truncated = s[:4*limit], true
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++
		}
		if b.Len()+n > limit {
			truncated = true
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if truncated {
		b.WriteString("…")
	}
	return b.String()
}
