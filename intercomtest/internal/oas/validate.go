package oas

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Direction says whether a value travels in a request or a response, which
// decides whether readOnly or writeOnly properties may appear.
type Direction int

const (
	// Request is a value a client sends.
	Request Direction = iota
	// Response is a value a server answers with.
	Response
)

func (d Direction) String() string {
	if d == Response {
		return "response"
	}
	return "request"
}

// FormatOptions are the schema validation options that add format checks.
func FormatOptions() []openapi3.SchemaValidationOption { return formatOptions }

// SchemaOptions are the validation options used everywhere: every problem
// reported, with a short message naming where the value breaks the schema.
func SchemaOptions(dir Direction) []openapi3.SchemaValidationOption {
	opts := []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(),
		openapi3.SetSchemaErrorMessageCustomizer(Message),
	}
	opts = append(opts, formatOptions...)
	if dir == Response {
		return append(opts, openapi3.VisitAsResponse())
	}
	return append(opts, openapi3.VisitAsRequest())
}

// Validate checks a JSON value (as encoding/json decodes into any) against
// schema. A nil schema accepts anything.
func Validate(schema *openapi3.Schema, value any, dir Direction) error {
	if schema == nil {
		return nil
	}
	return schema.VisitJSON(value, SchemaOptions(dir)...)
}

// Message renders a schema error as "/a/b: reason" without kin-openapi's
// dump of the schema and value, which would drown the reason.
func Message(err *openapi3.SchemaError) string {
	reason := err.Reason
	switch {
	case reason == "" && err.Origin != nil:
		reason = err.Origin.Error()
	case reason == "":
		reason = "does not match the schema's " + err.SchemaField
	case err.Origin != nil:
		// A oneOf or allOf says why each branch failed.
		var me openapi3.MultiError
		if errors.As(err.Origin, &me) {
			var parts []string
			for i, e := range me {
				parts = append(parts, fmt.Sprintf("branch %d: %s", i+1, e.Error()))
			}
			reason += " (" + clip(strings.Join(parts, "; "), 400) + ")"
		}
	}
	return Pointer(err) + ": " + reason
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Pointer is the JSON pointer of the value a schema error is about; "/"
// for the value itself.
func Pointer(err *openapi3.SchemaError) string {
	p := err.JSONPointer()
	if len(p) == 0 {
		return "/"
	}
	for i, s := range p {
		p[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
	}
	return "/" + strings.Join(p, "/")
}

// Problems flattens a validation error into one message per problem.
func Problems(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	var walk func(error)
	walk = func(e error) {
		// Only a list at this level: a schema error wrapping the failed
		// branches of a oneOf is one problem.
		if me, ok := e.(openapi3.MultiError); ok {
			for _, x := range me {
				walk(x)
			}
			return
		}
		out = append(out, e.Error())
	}
	walk(err)
	return out
}

// formatOptions validate the string formats that the generated Go types
// enforce when they decode (email, uuid) on top of kin-openapi's defaults
// (date, date-time, byte), so that a value that passes here also decodes.
var formatOptions = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
		if _, err := mail.ParseAddress(s); err != nil {
			return fmt.Errorf("not an email address: %w", err)
		}
		return nil
	})),
	openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)),
}
