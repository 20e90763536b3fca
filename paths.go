package intercom

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrInvalidPathParam is wrapped by the error a version package returns,
// before sending anything, for a path parameter that would change which
// endpoint is called: an empty value, "." or "..". Test for it with
// errors.Is.
var ErrInvalidPathParam = errors.New("intercom: invalid path parameter")

// CheckPathSegment checks a path parameter after it has been styled and
// escaped for the URL path. It refuses a value that would not stay one
// path segment of the endpoint it was meant for: an empty value (the
// segment would vanish), "." or ".." in any spelling (URL resolution
// removes them and so moves the request to another endpoint, such as
// DELETE /companies/{id} for DELETE /contacts/../companies/{id}), and a
// "/", "?" or "#" left unescaped. name is the parameter's name in the spec,
// used in the error. The version packages call it for every path
// parameter of every operation.
func CheckPathSegment(name, styled string) error {
	if reason := badSegment(styled); reason != "" {
		return fmt.Errorf("%w %q: %s; pass the id of the object to act on", ErrInvalidPathParam, sanitize(name, 100), reason)
	}
	return nil
}

// badSegment says why an escaped path segment is unsafe, or returns "".
func badSegment(seg string) string {
	if seg == "" {
		return "it is empty, which would call a different endpoint"
	}
	if i := strings.IndexAny(seg, "/?#"); i >= 0 {
		return fmt.Sprintf("it contains an unescaped %q", seg[i])
	}
	dec, err := url.PathUnescape(seg)
	if err != nil {
		dec = seg
	}
	if dec == "." || dec == ".." {
		return fmt.Sprintf("%q is a relative path segment, which would call a different endpoint", dec)
	}
	return ""
}

type operationKey struct{}

// WithOperation returns a copy of ctx that says the requests sent with it
// are for op. The Transport then refuses to send a request whose path,
// below the base URL's path, does not match op.Path segment for segment
// (each {parameter} standing for one non-empty segment that is not "." or
// ".."), and names op in errors about reading the response.
func WithOperation(ctx context.Context, op Operation) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// OperationOf returns the Operation attached to ctx by WithOperation.
func OperationOf(ctx context.Context) (Operation, bool) {
	op, ok := ctx.Value(operationKey{}).(Operation)
	return op, ok
}

// checkOperationPath verifies that escapedPath, the request's escaped URL
// path, is basePath followed by a path that matches template.
func checkOperationPath(op Operation, basePath, escapedPath string) error {
	rest, ok := strings.CutPrefix(escapedPath, strings.TrimSuffix(basePath, "/"))
	if !ok || !matchTemplate(op.Path, rest) {
		return fmt.Errorf("%w: the request path %q does not match %s's path %q; refusing to send it",
			ErrInvalidPathParam, sanitize(escapedPath, 200), op.Name, op.Path)
	}
	return nil
}

// matchTemplate reports whether path (escaped) has the segments of
// template, each "{name}" standing for one safe segment.
func matchTemplate(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		open := strings.IndexByte(t, '{')
		end := strings.LastIndexByte(t, '}')
		if open < 0 || end < open {
			if t != ps[i] {
				return false
			}
			continue
		}
		prefix, suffix := t[:open], t[end+1:]
		p := ps[i]
		if len(p) < len(prefix)+len(suffix) || !strings.HasPrefix(p, prefix) || !strings.HasSuffix(p, suffix) {
			return false
		}
		if badSegment(p[len(prefix):len(p)-len(suffix)]) != "" {
			return false
		}
	}
	return true
}
