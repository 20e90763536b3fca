package intercomtest

import (
	"net/http"
	"net/url"
)

// State answers valid requests from stored data instead of the description's
// examples, making the fake behave like a small Intercom workspace. Package
// intercomtest/workspace provides one; WithState installs it. A State may be
// shared by servers of different versions and must be safe for concurrent
// use.
type State interface {
	// RequestID returns the request_id for a new request.
	RequestID() string
	// Admit is asked about every request before it is validated. The header
	// it returns is added to the answer (rate-limit headers, say); a non-nil
	// Response turns the request away with that answer (a 429).
	Admit(r *http.Request, requestID string) (http.Header, *Response)
	// Answer answers a request that passed validation and that no
	// Responder scripted with On. ok false leaves the request to the
	// documented answer.
	Answer(call StateCall) (resp Response, ok bool)
}

// StateCall is a valid request handed to a State.
type StateCall struct {
	// Version is the server's API version, "2.12".
	Version string
	// OperationID is the operation routed to, "ShowContact".
	OperationID string
	// Method is the HTTP method, "GET".
	Method string
	// PathTemplate is the operation's path as the description spells it,
	// "/contacts/{id}".
	PathTemplate string
	// PathParams holds the path parameters by name.
	PathParams map[string]string
	// Query is the parsed query string.
	Query url.Values
	// Header is the request header.
	Header http.Header
	// Body is the request body as received.
	Body []byte
	// RequestID is the request_id the answer carries.
	RequestID string
}

// WithState answers valid requests from st (see State); requests carry the
// request ids st hands out. Scripted answers (On) still take precedence.
func WithState(st State) Option {
	return func(c *config) { c.state = st }
}
