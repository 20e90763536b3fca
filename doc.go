// Package intercom is the shared core of the Go SDK for the Intercom REST
// API. The typed clients live in one package per API version
// (versions/v2_10, versions/v2_11, versions/v2_12); this package holds what
// they have in common: options, authentication, the HTTP transport with its
// retry policy, rate-limit figures and the error type.
//
// # Creating a client
//
// Pick the version package matching the API version you build against and
// pass options from this package:
//
//	c, err := v2_11.NewClient(
//		intercom.WithToken(os.Getenv("INTERCOM_ACCESS_TOKEN")),
//		intercom.WithRegion(intercom.RegionEU),
//	)
//
// Construction fails, before any request is sent, when no token is given
// (pass WithToken with a non-empty token, or WithTokenSource), when a custom
// base URL is unacceptable, or when an option has an invalid value.
//
// # Options
//
//   - WithToken sets a fixed access token; WithTokenSource asks a
//     TokenSource for the token before every attempt, for rotating tokens.
//   - WithRegion chooses the API host: RegionUS (https://api.intercom.io,
//     the default), RegionEU (https://api.eu.intercom.io) or RegionAU
//     (https://api.au.intercom.io). A token only works in its workspace's
//     region.
//   - WithBaseURL overrides the host, for proxies and tests. It must be
//     https, except that plain http is allowed for loopback hosts
//     (localhost, 127.0.0.0/8, ::1).
//   - WithHTTPClient supplies the *http.Client to send through (a copy is
//     used; see Security).
//   - WithTimeout bounds each call, retries included (default
//     DefaultTimeout, 0 disables). It is applied through the request context
//     only when the caller's context has no earlier deadline.
//   - WithMaxRetries, WithRetryBackoff, WithMaxRetryWait and WithRetryUnsafe
//     tune the retry policy below.
//   - WithRateLimit paces requests on the client side.
//   - WithMaxResponseBytes bounds the response bodies read into memory
//     (default DefaultMaxResponseBytes, 64 MiB).
//   - WithLogger logs requests and responses at debug level.
//   - WithUserAgent appends an application name to the User-Agent.
//
// # Version pinning
//
// Each version package passes its API version to NewTransport, and every
// request carries "Intercom-Version: <version>", overriding any value set on
// the request, so a client always talks to the version its types were
// generated from, whatever the workspace's default version is. Requests also
// carry "Authorization: Bearer <token>", "Accept: application/json" (unless
// the request sets Accept) and "User-Agent: intercom-go/<Version>
// (Intercom-Version <version>; <Go version>)".
//
// # Retry policy
//
// A call makes at most 1+MaxRetries attempts (DefaultMaxRetries = 2, so 3
// attempts). After an attempt, the request is retried only if one of these
// holds:
//
//   - The response is 429 Too Many Requests, for any method: Intercom
//     rejects a rate-limited request before acting on it.
//   - The response is 500, 502, 503 or 504 and the method is GET, HEAD or
//     OPTIONS.
//   - The response is 500, 502, 503 or 504 for any other method (POST, PUT,
//     PATCH, DELETE), and WithRetryUnsafe(true) was given. Such a request
//     may already have taken effect, so by default it is not repeated.
//   - The connection failed while being established (a dial error such as
//     connection refused, or a failed proxy CONNECT), for any method: nothing
//     was sent.
//   - Another network error occurred (connection reset or closed, timeout of
//     the *http.Client) and the method is GET, HEAD or OPTIONS, or
//     WithRetryUnsafe(true) was given.
//
// A context from WithIdempotency overrides the method for the last three
// rules: Idempotent requests (such as the POST of a search) are repeated
// after a 5xx or a network error, NotIdempotent ones (such as the next batch
// of a scroll) never are, even with WithRetryUnsafe(true). A 429 and a
// failed connection are retried either way.
//
// Never retried: other statuses (a 4xx other than 429, 501, ...), TLS
// certificate errors, unknown hosts, redirect-policy errors, and anything
// after the call's context is done.
//
// Wait before a retry:
//
//   - When the response has a Retry-After header (delta seconds or an HTTP
//     date), or, for a 429, an X-RateLimit-Reset header (Unix time in
//     seconds), the server's delay is used plus a jitter drawn uniformly
//     from [0, min backoff]. Absolute times are measured against the
//     response's Date header when present, so local clock skew does not
//     matter. Retry-After takes precedence over X-RateLimit-Reset.
//   - Otherwise, exponential backoff with full jitter: before retry number k
//     (from 0) the wait is uniform in [0, min(max, min*2^k)], with min and
//     max set by WithRetryBackoff (defaults DefaultMinBackoff and
//     DefaultMaxBackoff).
//   - No wait exceeds WithMaxRetryWait (DefaultMaxRetryWait). If the server
//     asks for a longer delay, the response is returned at once instead of
//     retried. Likewise, if a wait would outlast the call's context
//     deadline, the last response or error is returned without waiting.
//   - Every wait ends early when the request's context is cancelled; the
//     call then returns an error wrapping the context's error, so
//     errors.Is(err, context.Canceled) and errors.Is(err,
//     context.DeadlineExceeded) work.
//
// The request body is replayed for each attempt through Request.GetBody,
// or from a buffered copy when GetBody is nil. The body of a response that
// is retried is drained and closed. The final response is returned whatever
// its status; the version packages turn a non-2xx status into an *Error with
// CheckResponse.
//
// # Rate limits
//
// Intercom counts requests per workspace in 10-second windows and reports
// the figures in the X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset headers. ParseRateLimit reads them,
// Transport.RateLimit returns those of the latest response, and an *Error
// carries those of its response. WithRateLimit(n) additionally paces
// requests (retries included) to at most n in any 10-second window (plus a
// 1% margin for network delay), so that a busy program stays under its
// limit instead of relying on 429 retries; up to n may go out at once. A request claims its slot only when it is sent,
// so callers that give up waiting (a cancelled context, a deadline) never
// let an extra request through and never hold up the others.
//
// # Errors
//
// A non-2xx response becomes an *Error holding the status, the request id,
// the decoded Intercom error list ({"type":"error.list","errors":[...]}),
// the rate-limit figures, the parsed Retry-After, the header and the raw
// body; from a typed method it also names the operation, the HTTP method and
// the path template. Status comes first: the typed methods check the status
// before they look at the body, so an empty body, an HTML page from a proxy
// or a request id of any shape still gives an *Error with the right status;
// decoding the error list is best-effort. Use errors.As or AsError to get
// it, or the helpers IsBadRequest, IsNotFound, IsUnauthorized, IsForbidden,
// IsConflict, IsRateLimited and IsServerError. Network errors are wrapped
// with the number of attempts made and keep their chain.
//
// # Per-call options
//
// Every typed method and iterator takes RequestOptions after its arguments.
// WithCallTimeout and WithCallRetries replace the client's WithTimeout and
// WithMaxRetries for that call; WithCallIdempotency sets the retry policy of
// one call as WithIdempotency does for a context (a context's setting is
// overridden by the option); WithHeader adds headers; WithRequestEditor
// runs a function on the built request (the version packages'
// RequestEditorFn has the same signature); WithResponse captures the raw
// *http.Response and body; WithMismatches collects decoding mismatches.
// Order: the request is built from the arguments, WithHeader's headers are
// added, the editors run in order, and the Transport then sets
// Authorization, Intercom-Version and User-Agent, which no option can
// change. For an iterator the options apply to every page request.
//
// # Tolerant decoding
//
// Intercom's descriptions are not its wire: numbers arrive where a string
// is documented, links where an object is, empty strings in email fields.
// A success body is decoded by Decode: encoding/json first, which is all
// the work when the body agrees with its type; only when that fails does a
// second pass walk the body guided by the Go type. It coerces what converts
// without loss (a number into a string field, a numeric string into a
// number field, a URL's query parameters into a paging object), leaves
// anything else empty (a value a string format such as email or uuid
// rejects, an object where a string is expected) and reports every such
// place as a Mismatch naming the operation, the JSON Pointer, what was
// expected and received, and what was done. The page or result is never
// lost to one odd field; only a body that is not JSON at all is an error
// (ErrNotJSON). Mismatches are logged at warning level through WithLogger's
// logger, collected per call with WithMismatches, and kept on each
// returned value: Mismatches() on a result, or on an iterator item (only
// that item's).
//
// # Raw access
//
// Nothing on the wire is lost. The result type of every typed method and
// the item type of every iterator embed Raw, which keeps a reference to the
// response body (no copy): RawJSON returns the value's own JSON, and
// RawField("sms_consent") one member of it, including fields the types do
// not model. For iterator items the item's JSON is located in the page only
// when asked. WithResponse captures the whole response, headers included.
//
// # Absent is not zero
//
// Every property of a response type is optional in Go: a pointer, or a
// slice or map that is nil when the answer did not carry it, whatever the
// description's required flags say (they are unreliable, and they flip
// between versions). So a company without a size reads as a nil Size, not
// as 0. The rule is applied by the generator to every version alike, so a
// schema property keeps the same Go name and type in every version unless
// its wire type changed, and adding a version never renames anything in an
// older one. Request types keep the description's required flags.
//
// # Streams
//
// An operation whose success body is not JSON (a data export archive)
// returns an io.ReadCloser and sends the documented Accept header; the
// stream is not bounded by WithMaxResponseBytes, and the caller must close it.
// JSON and error bodies are read into memory up to the WithMaxResponseBytes limit (DefaultMaxResponseBytes unless set).
//
// # Pagination
//
// Every paginated operation of a version package has an <Op>All iterator
// over items and an <Op>Pages iterator over pages, built on Pager: lazy,
// retried through the Transport, never skipping or repeating a page, and
// ending with ErrNoProgress rather than looping on a cursor that does not
// advance. docs/pagination.md lists each operation and its style.
//
// # Search and conversation actions
//
// Where Intercom's request bodies are unions, the root package builds them
// once for every version. [Where], [And] and [Or] make a search [Query],
// checked against Intercom's limits before sending; a version package's
// BuildSearchRequest turns it into a search body, and its <Op>Matching
// iterators take it directly. [ReplyAsAdmin], [NoteAsAdmin],
// [ReplyAsContact], [CloseConversation], [OpenConversation],
// [SnoozeConversation] and [AssignConversation] are values that a version
// package's BuildReplyConversationRequest and
// BuildManageConversationRequest turn into bodies. [Ptr] fills optional
// fields.
//
// # Security
//
// Every input is treated as hostile until checked. The guarantees:
//
//   - Path safety. No value of a path parameter changes which endpoint is
//     called. Every version package checks each path parameter, of every
//     operation, after escaping (CheckPathSegment): an empty value, "." or
//     ".." fails with an error wrapping ErrInvalidPathParam that names the
//     parameter, before anything is sent, whether the call goes through the
//     typed Client or the raw client. The typed methods also attach the
//     operation to the context (WithOperation), and the Transport refuses a
//     request whose path no longer matches the operation's path template.
//   - Size cap. Every response body the SDK reads into memory (typed
//     results, error bodies, pages) is limited to WithMaxResponseBytes bytes
//     (DefaultMaxResponseBytes, 64 MiB, by default), counted after
//     decompression, so neither a huge body, an endless one, nor a small
//     gzip body that inflates enormously can exhaust memory; the error wraps
//     ErrResponseTooLarge and names the limit and the option.
//     ReadResponseBody applies the limit. Bodies the caller reads as a
//     stream (an *http.Response from Transport.Do or the raw client's
//     methods that return one) are not limited.
//   - Redaction. The token is never included in an error message or log
//     record, and printing a Transport does not show it. If a server or
//     proxy echoes the token back, in any form ("Bearer <token>",
//     "Bearer:<token>", the bare token), the token itself is replaced by
//     "[REDACTED]" wherever it appears in an *Error's Error() and its %v,
//     %+v and %#v forms, and in logged headers and errors; the text around
//     it is kept. Error.Body and Error.Header keep the raw response for the
//     caller. Debug logging (WithLogger) replaces Authorization,
//     Proxy-Authorization, Cookie and Set-Cookie values with "[REDACTED]".
//     A failed body read names the operation and URL, with the token
//     removed from the URL.
//   - Redirects. A Transport only sends requests to its own base URL (same
//     scheme, host and port; WithBaseURL must be https except for loopback
//     hosts). When a redirect leaves that origin, including for a different
//     port or scheme, the Authorization header is dropped from that and
//     every later hop. WithHTTPClient's client is copied, never modified.
//   - Rate-limit pacing. WithRateLimit(n) never lets more than n requests
//     start in any RateLimitWindow (widened by a 1% margin for network
//     delay), whatever the callers' contexts do: a request takes its slot
//     only when it is sent, so a cancelled or timed-out wait neither lets
//     an extra request through nor delays other callers. The pacer
//     remembers when the last n requests went out, so a caller that wakes
//     late finds every slot freed meanwhile and throughput stays at the
//     limit.
package intercom
