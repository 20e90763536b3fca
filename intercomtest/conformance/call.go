// Package conformance calls every operation of an API version through the
// version's typed client, with a valid request built from the version's
// description, against the fake server of package intercomtest and against
// Stoplight Prism, and checks that each request is accepted as sent and
// each answer decodes into the typed result.
//
// The generator writes, into every version package, a test holding a table
// of Calls (one per operation, each a thin adapter from an Input to the
// typed method) and a test function that hands the table to Run. All the
// logic is here, so a new version needs no code.
package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Call adapts one typed client method to the suite.
type Call[C any] struct {
	// Method is the Go name of the client method.
	Method string
	// Result says whether the method returns a decoded body.
	Result bool
	// Do decodes in into the method's arguments and calls it. It returns
	// the decoded body (nil for a method without one) and the method's
	// error.
	Do func(ctx context.Context, c C, in *Input) (any, error)
}

// Input holds the arguments of one call as JSON, decoded by the generated
// adapters into the method's Go types.
type Input struct {
	op     string
	path   map[string]json.RawMessage
	params json.RawMessage
	body   json.RawMessage
	// form is the body of an operation that takes multipart/form-data.
	form *form
}

// Path decodes the path parameter name into dst.
func (in *Input) Path(name string, dst any) error {
	raw, ok := in.path[name]
	if !ok {
		return fmt.Errorf("%s: no value for path parameter %q", in.op, name)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%s: path parameter %q = %s does not decode into %T: %w", in.op, name, raw, dst, err)
	}
	return nil
}

// Params decodes the query and header parameters into dst, the method's
// params struct, whose JSON field names are the parameter names.
func (in *Input) Params(dst any) error {
	if err := json.Unmarshal(in.params, dst); err != nil {
		return fmt.Errorf("%s: parameters %s do not decode into %T: %w", in.op, in.params, dst, err)
	}
	return nil
}

// Body decodes the request body into dst, the method's body type.
func (in *Input) Body(dst any) error {
	if in.body == nil {
		return fmt.Errorf("%s: the description documents no JSON request body for this operation", in.op)
	}
	if err := json.Unmarshal(in.body, dst); err != nil {
		return fmt.Errorf("%s: body %s does not decode into %T: %w", in.op, in.body, dst, err)
	}
	return nil
}

// Stream reads and closes the body a streaming method returned, so the
// answer is received in full before it is judged.
func Stream(body io.ReadCloser, err error) error {
	if err != nil {
		return err
	}
	defer body.Close()
	_, err = io.Copy(io.Discard, body)
	return err
}

// Result adapts a typed method's (body, error) to a Call's (any, error),
// keeping a nil body nil.
func Result[T any](v *T, err error) (any, error) {
	if v == nil {
		return nil, err
	}
	return v, err
}
