package intercomtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// versionHeader carries the API version; the description declares it as an
// optional header parameter, the fake requires it to name its version.
const versionHeader = "Intercom-Version"

// authError is a failed authentication, reported as 401.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

// validate returns every way r (whose body is body) breaks the
// description of its route, the operation op.
func (s *Server) validate(r *http.Request, route *routers.Route, pathParams map[string]string, op *oas.Operation, body []byte) []Violation {
	var vs []Violation
	versionBad := false
	switch got := r.Header.Values(versionHeader); {
	case len(got) == 0:
		versionBad = true
		vs = append(vs, Violation{In: InVersion, Field: versionHeader, Code: "intercom_version_invalid",
			Message: fmt.Sprintf("no %s header: this server speaks Intercom API %s; send %s: %s", versionHeader, s.doc.Version, versionHeader, s.doc.Version)})
	case len(got) > 1 || got[0] != s.doc.Version:
		versionBad = true
		vs = append(vs, Violation{In: InVersion, Field: versionHeader, Code: "intercom_version_invalid",
			Message: fmt.Sprintf("%s is %q but this server speaks Intercom API %s; send %s: %s", versionHeader, strings.Join(got, ", "), s.doc.Version, versionHeader, s.doc.Version)})
	}

	opts := &openapi3filter.Options{
		MultiError:                        true,
		SkipSettingDefaults:               true,
		RejectWhenRequestBodyNotSpecified: true,
		AuthenticationFunc:                s.authenticate,
		SchemaValidationOptions:           append([]openapi3.SchemaValidationOption{openapi3.SetSchemaErrorMessageCustomizer(oas.Message)}, oas.FormatOptions()...),
	}
	opts.WithCustomSchemaErrorFunc(oas.Message)
	// An upload that is not a well-formed form with its required parts is
	// reported as such, with what to send; the schema validator would
	// only say that it does not decode.
	if form := checkForm(r, body, op); len(form) > 0 {
		vs = append(vs, form...)
		opts.ExcludeRequestBody = true
	}
	input := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: opts}
	err := openapi3filter.ValidateRequest(context.Background(), input)
	for _, e := range flatten(err) {
		for _, v := range violationsOf(e) {
			if versionBad && v.In == InHeader && strings.EqualFold(v.Field, versionHeader) {
				continue // already reported, with what to send
			}
			vs = append(vs, v)
		}
	}
	// Authentication first: Intercom checks it before anything else.
	slices.SortStableFunc(vs, func(a, b Violation) int { return rank(a) - rank(b) })
	return vs
}

func rank(v Violation) int {
	switch v.In {
	case InAuth:
		return 0
	case InVersion:
		return 1
	default:
		return 2
	}
}

// authenticate checks the credentials a security scheme asks for.
func (s *Server) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	scheme := in.SecurityScheme
	switch {
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer"),
		scheme.Type == "oauth2", scheme.Type == "openIdConnect":
		h := r.Header.Get("Authorization")
		if h == "" {
			return &authError{"no Authorization header: send Authorization: Bearer <token>"}
		}
		kind, token, _ := strings.Cut(h, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(kind, "Bearer") || token == "" {
			return &authError{"the Authorization header is not \"Bearer <token>\""}
		}
		if len(s.cfg.tokens) > 0 && !slices.Contains(s.cfg.tokens, token) {
			return &authError{"the bearer token is not one this server was configured to accept (intercomtest.WithTokens)"}
		}
		return nil
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "basic"):
		if _, _, ok := r.BasicAuth(); !ok {
			return &authError{"no basic credentials: send Authorization: Basic <base64 user:password>"}
		}
		return nil
	case scheme.Type == "apiKey":
		var present bool
		switch scheme.In {
		case "header":
			present = r.Header.Get(scheme.Name) != ""
		case "query":
			present = r.URL.Query().Get(scheme.Name) != ""
		case "cookie":
			_, err := r.Cookie(scheme.Name)
			present = err == nil
		}
		if !present {
			return &authError{fmt.Sprintf("no API key: send the %s %q", scheme.In, scheme.Name)}
		}
		return nil
	default:
		return &authError{fmt.Sprintf("security scheme %q of type %q is not supported by the fake", in.SecuritySchemeName, scheme.Type)}
	}
}

// flatten lists the errors ValidateRequest joined.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if me, ok := err.(openapi3.MultiError); ok {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// violationsOf turns one validation error into violations.
func violationsOf(err error) []Violation {
	var sec *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sec) {
		var msgs []string
		for _, e := range sec.Errors {
			var ae *authError
			if errors.As(e, &ae) {
				msgs = append(msgs, ae.msg)
			} else {
				msgs = append(msgs, e.Error())
			}
		}
		slices.Sort(msgs)
		return []Violation{{In: InAuth, Code: "unauthorized", Message: strings.Join(slices.Compact(msgs), "; or ")}}
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return []Violation{{In: InBody, Code: "parameter_invalid", Message: err.Error()}}
	}
	switch {
	case re.Parameter != nil:
		return parameterViolations(re)
	case re.RequestBody != nil:
		return bodyViolations(re)
	default:
		var ae *authError
		if errors.As(re, &ae) {
			return []Violation{{In: InAuth, Code: "unauthorized", Message: ae.msg}}
		}
		if strings.Contains(re.Error(), "request body not allowed") {
			return []Violation{{In: InBody, Code: "parameter_invalid", Message: "this operation takes no request body: send none"}}
		}
		return []Violation{{In: InBody, Code: "parameter_invalid", Message: re.Error()}}
	}
}

func parameterViolations(re *openapi3filter.RequestError) []Violation {
	p := re.Parameter
	v := Violation{In: p.In, Field: p.Name, Code: "parameter_invalid"}
	what := fmt.Sprintf("%s parameter %q", p.In, p.Name)
	switch {
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		v.Code = "parameter_not_found"
		v.Message = "missing required " + what
	case errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue):
		v.Message = what + " is empty"
	default:
		var problems []string
		for _, e := range flatten(re.Err) {
			var se *openapi3.SchemaError
			if errors.As(e, &se) {
				problems = append(problems, schemaReason(se))
				continue
			}
			var pe *openapi3filter.ParseError
			if errors.As(e, &pe) {
				problems = append(problems, pe.Error())
				continue
			}
			problems = append(problems, e.Error())
		}
		v.Message = what + ": " + strings.Join(problems, "; ")
	}
	return []Violation{v}
}

// schemaReason is a schema error's message without a pointer to the root.
func schemaReason(se *openapi3.SchemaError) string {
	return strings.TrimPrefix(oas.Message(se), "/: ")
}

func bodyViolations(re *openapi3filter.RequestError) []Violation {
	switch {
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		return []Violation{{In: InBody, Code: "parameter_not_found", Message: "the request body is required: send a JSON body"}}
	case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
		var types []string
		for ct := range re.RequestBody.Content {
			types = append(types, ct)
		}
		slices.Sort(types)
		return []Violation{{In: InBody, Field: "Content-Type", Code: "unsupported_media_type",
			Message: fmt.Sprintf("%s: send Content-Type: %s", re.Reason, strings.Join(types, " or "))}}
	case re.Reason == "failed to decode request body":
		if re.Input != nil && re.Input.Request != nil {
			if mt, _, _ := mime.ParseMediaType(re.Input.Request.Header.Get("Content-Type")); mt == multipartType {
				return []Violation{{In: InBody, Code: "parameter_invalid", Message: "a part of the multipart/form-data body breaks the description: " + errText(re.Err)}}
			}
		}
		return []Violation{{In: InBody, Code: "parameter_invalid", Message: "the request body is not valid JSON: " + errText(re.Err)}}
	}
	var vs []Violation
	for _, e := range flatten(re.Err) {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			vs = append(vs, Violation{In: InBody, Code: "parameter_invalid", Message: "the request body " + e.Error()})
			continue
		}
		v := Violation{In: InBody, Field: oas.Pointer(se), Code: "parameter_invalid", Message: "body " + oas.Message(se)}
		if se.SchemaField == "required" {
			v.Code = "parameter_not_found"
		}
		vs = append(vs, v)
	}
	return vs
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

// statusOf picks the status of an answer listing vs: authentication first,
// as Intercom checks it before anything else.
func statusOf(vs []Violation) int {
	status := http.StatusBadRequest
	for _, v := range vs {
		switch {
		case v.In == InAuth:
			return http.StatusUnauthorized
		case v.Code == "unsupported_media_type":
			status = http.StatusUnsupportedMediaType
		}
	}
	return status
}

// validateResponse checks a scripted answer against the description.
func (s *Server) validateResponse(r *http.Request, route *routers.Route, pathParams map[string]string, resp Response) []Violation {
	header := resp.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if len(resp.Body) > 0 && header.Get("Content-Type") == "" {
		header.Set("Content-Type", "application/json")
	}
	opts := &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: oas.FormatOptions(),
	}
	opts.WithCustomSchemaErrorFunc(oas.Message)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: opts},
		Status:                 resp.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(resp.Body)),
		Options:                opts,
	}
	var vs []Violation
	for _, e := range flatten(openapi3filter.ValidateResponse(context.Background(), in)) {
		msg := e.Error()
		var se *openapi3.SchemaError
		field := ""
		if errors.As(e, &se) {
			field, msg = oas.Pointer(se), "body "+oas.Message(se)
		}
		vs = append(vs, Violation{
			OperationID: operationID(route.Operation, route.Method, route.Path),
			Method:      r.Method, Path: r.URL.Path, In: InResponse, Field: field,
			Code: "response_invalid", Status: resp.Status,
			Message: fmt.Sprintf("the scripted %d answer breaks the description: %s", resp.Status, msg),
		})
	}
	return vs
}
