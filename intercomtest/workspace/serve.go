package workspace

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// call is a valid request, decoded for a handler.
type call struct {
	version string
	params  []string // path parameters in the order of the path
	query   url.Values
	body    map[string]any
}

// reply is a handler's answer before it is cut to the version's shape.
type reply struct {
	status      int
	body        any    // a JSON value, shaped by the response schema
	raw         []byte // sent as is when body is nil
	contentType string
}

func ok(body any) (reply, error) { return reply{status: http.StatusOK, body: body}, nil }

type handler func(w *Workspace, c *call) (reply, error)

// routes maps "METHOD /path/{}/with/{}" (path parameters unnamed, since
// versions name them differently) to the handler.
var routes = map[string]handler{}

func route(key string, h handler) { routes[key] = h }

var paramPattern = regexp.MustCompile(`\{[^}]*\}`)

// Answer answers a valid request from the stored data.
func (w *Workspace) Answer(sc intercomtest.StateCall) (intercomtest.Response, bool) {
	h, found := routes[sc.Method+" "+paramPattern.ReplaceAllString(sc.PathTemplate, "{}")]
	if !found || isUpload(sc.Header) {
		// Uploads are not stored: the documented answer stands.
		return intercomtest.Response{}, false
	}
	doc, err := oas.Load(sc.Version)
	if err != nil {
		return w.fail(sc.RequestID, err), true
	}
	op, found := doc.Operation(sc.OperationID)
	if !found {
		return intercomtest.Response{}, false
	}
	c := &call{version: sc.Version, query: sc.Query}
	for _, name := range paramPattern.FindAllString(sc.PathTemplate, -1) {
		c.params = append(c.params, sc.PathParams[strings.Trim(name, "{}")])
	}
	if len(sc.Body) > 0 {
		var body any
		if err := json.Unmarshal(sc.Body, &body); err != nil {
			return errorResponse(sc.RequestID, invalid("", "the request body is not valid JSON: "+err.Error())), true
		}
		m, isObject := body.(map[string]any)
		if !isObject {
			return errorResponse(sc.RequestID, invalid("", "the request body must be a JSON object")), true
		}
		c.body = m
	}
	if c.body == nil {
		c.body = map[string]any{}
	}

	w.mu.Lock()
	rep, err := h(w, c)
	w.mu.Unlock()
	if err != nil {
		if ae, isAPI := err.(*apiError); isAPI {
			return errorResponse(sc.RequestID, ae), true
		}
		return w.fail(sc.RequestID, err), true
	}
	if rep.body == nil {
		resp := intercomtest.Response{Status: rep.status, Body: rep.raw}
		if rep.contentType != "" {
			resp.Header = http.Header{"Content-Type": {rep.contentType}}
		}
		return resp, true
	}
	ref := op.Op.Responses.Status(rep.status)
	if ref == nil || ref.Value == nil {
		return w.fail(sc.RequestID, fmt.Errorf("operation %s of Intercom API %s documents no %d answer", op.ID, sc.Version, rep.status)), true
	}
	ct, mt := oas.JSONMedia(ref.Value.Content)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return w.fail(sc.RequestID, fmt.Errorf("operation %s of Intercom API %s documents no JSON body for its %d answer", op.ID, sc.Version, rep.status)), true
	}
	shaped, _ := shapes.shape(mt.Schema.Value, rep.body, 0)
	if err := oas.Validate(mt.Schema.Value, shaped, oas.Response); err != nil {
		return w.fail(sc.RequestID, fmt.Errorf("the stored answer for %s breaks the %s response schema: %s", op.ID, sc.Version, strings.Join(oas.Problems(err), "; "))), true
	}
	data, err := json.Marshal(shaped)
	if err != nil {
		return w.fail(sc.RequestID, err), true
	}
	return intercomtest.Response{Status: rep.status, Header: http.Header{"Content-Type": {ct + "; charset=utf-8"}}, Body: data}, true
}

func errorResponse(requestID string, e *apiError) intercomtest.Response {
	return intercomtest.Response{Status: e.Status, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: errorBody(requestID, e)}
}

// fail answers 500 for a fault of the fake itself, naming it.
func (w *Workspace) fail(requestID string, err error) intercomtest.Response {
	return errorResponse(requestID, &apiError{Status: http.StatusInternalServerError, Code: "server_error", Message: "intercomtest/workspace: " + err.Error()})
}

// isUpload reports whether a request carries a multipart/form-data body (a
// file upload), which the workspace answers as documented rather than
// store.
func isUpload(h http.Header) bool {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}
