package intercomtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// Responder scripts the answer to a valid request for an operation; see
// Server.On. It is called with a copy of the request as received (its Seq
// tells retries apart; its Status is not set yet) and may be called
// concurrently.
type Responder func(req *Request) Response

// Response is a scripted answer. The zero Response means "answer as the
// description documents", which Documented returns.
type Response struct {
	// Status is the HTTP status; 0 stands for the documented answer.
	Status int
	// Header is sent with the answer. The server adds X-Request-Id, and a
	// JSON Content-Type for a body unless Header sets one.
	Header http.Header
	// Body is sent as it is; it is JSON unless Header sets another
	// Content-Type.
	Body []byte

	// err is a problem in building the scripted answer, reported by the
	// server as a 500 and a violation.
	err error
	// overrides, when set, are merged into the documented success body.
	overrides map[string]any
}

// Respond answers with status and body: nil sends no body, a []byte,
// string or json.RawMessage is sent as it is, anything else is encoded as
// JSON. A body that cannot be encoded makes the server answer 500 with a
// violation naming the problem.
func Respond(status int, body any) Responder {
	data, err := encodeBody(body)
	return func(*Request) Response {
		return Response{Status: status, Body: data, err: err}
	}
}

func encodeBody(body any) ([]byte, error) {
	switch b := body.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	case string:
		return []byte(b), nil
	default:
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("intercomtest: Respond: the body does not encode as JSON: %w", err)
		}
		return data, nil
	}
}

// RespondError answers with status and Intercom's error shape holding one
// error with the given code and message, as Intercom reports failures.
func RespondError(status int, code, message string) Responder {
	return func(req *Request) Response {
		data, _ := json.Marshal(errorList{
			Type:      "error.list",
			RequestID: req.ID,
			Errors:    []errorEntry{{Code: code, Message: message}},
		})
		return Response{Status: status, Body: data}
	}
}

// Documented answers with the operation's documented success response, as
// the server does when nothing is scripted; useful as a step of Sequence.
func Documented() Responder {
	return func(*Request) Response { return Response{} }
}

// WithHeader returns a Responder that answers as r does, with the header
// key set to value as well.
func (r Responder) WithHeader(key, value string) Responder {
	return func(req *Request) Response {
		resp := r(req)
		if resp.Status == 0 && resp.overrides == nil {
			return resp
		}
		resp.Header = resp.Header.Clone()
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		resp.Header.Set(key, value)
		return resp
	}
}

// Sequence answers the first request with the first Responder, the second
// with the second, and so on; the last one answers every request after
// that. A nil Responder in the list stands for Documented. Sequence
// without Responders is Documented.
func Sequence(rs ...Responder) Responder {
	var (
		mu sync.Mutex
		n  int
	)
	return func(req *Request) Response {
		if len(rs) == 0 {
			return Response{}
		}
		mu.Lock()
		r := rs[min(n, len(rs)-1)]
		n++
		mu.Unlock()
		if r == nil {
			return Response{}
		}
		return r(req)
	}
}

// DocumentedWith answers with the operation's documented success response
// with the given fields of its JSON object set: a key whose value is a
// map[string]any is merged into the documented object below it, any
// other value replaces the documented one, and nil sets JSON null. The
// rest of the documented example stays, so the answer still carries
// every required field and passes WithResponseValidation:
//
//	srv.On("ShowContact", intercomtest.DocumentedWith(map[string]any{
//		"id": "6657a6e36abd0123d6f0a8f2", "email": "ada@example.com",
//		"custom_attributes": map[string]any{"plan": "pro"},
//	}))
func DocumentedWith(fields map[string]any) Responder {
	if fields == nil {
		fields = map[string]any{}
	}
	return func(*Request) Response { return Response{overrides: fields} }
}

// mergeFields sets fields into doc, recursing into objects on both sides.
func mergeFields(doc, fields map[string]any) {
	for k, v := range fields {
		sub, isMap := v.(map[string]any)
		cur, curIsMap := doc[k].(map[string]any)
		if isMap && curIsMap {
			mergeFields(cur, sub)
			continue
		}
		doc[k] = v
	}
}
