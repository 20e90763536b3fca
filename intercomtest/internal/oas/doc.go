// Package oas loads the embedded, normalized description of an API version
// with kin-openapi and derives from it what the fake server and the
// conformance suite both need: the operations, a router, schema validation
// with short messages, and valid sample values taken from the spec's
// examples or, where it has none that satisfy its own schemas, built from
// the schemas.
//
// Everything here works from the shape of a description, never from the
// names in one version, so a new version needs no code.
package oas

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/intercomgo/intercom/versions"
)

// Doc is one version's description, loaded and ready to route requests.
// It is shared between servers and must be treated as read-only.
type Doc struct {
	// Version is the API version, "2.11".
	Version string
	// T is the parsed description, with its servers removed so that
	// routing matches the path alone, whatever host serves it.
	T *openapi3.T
	// Router finds the operation of a request.
	Router routers.Router
	// Operations are all operations, sorted by ID.
	Operations []*Operation

	byID map[string]*Operation
}

// Operation is one operation of a Doc.
type Operation struct {
	// ID is the spec's operationId, or "METHOD path" when it has none.
	ID     string
	Method string // upper case
	Path   string // as in the spec, "/contacts/{id}"
	Op     *openapi3.Operation
	Item   *openapi3.PathItem
}

// Parameters returns the operation's parameters, those of its path item
// included unless the operation overrides them.
func (o *Operation) Parameters() []*openapi3.Parameter {
	var out []*openapi3.Parameter
	for _, ref := range o.Item.Parameters {
		if ref.Value == nil || o.Op.Parameters.GetByInAndName(ref.Value.In, ref.Value.Name) != nil {
			continue
		}
		out = append(out, ref.Value)
	}
	for _, ref := range o.Op.Parameters {
		if ref.Value != nil {
			out = append(out, ref.Value)
		}
	}
	return out
}

// Operation returns the operation with the given ID.
func (d *Doc) Operation(id string) (*Operation, bool) {
	op, ok := d.byID[id]
	return op, ok
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*Doc{}
)

// Load returns the description of the named version ("2.11" or "v2_11")
// from the versions registry. Loading takes a moment for a large
// description, so the result is cached for the life of the process.
func Load(name string) (*Doc, error) {
	v, ok := versions.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown Intercom API version %q: this module has %s", name, strings.Join(versions.Names(), ", "))
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if d, ok := cache[v.Name]; ok {
		return d, nil
	}
	d, err := Parse(v.Name, v.Spec)
	if err != nil {
		return nil, err
	}
	cache[v.Name] = d
	return d, nil
}

// Parse loads a description given as JSON or YAML for the named version.
func Parse(version string, data []byte) (*Doc, error) {
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("version %s: load description: %w", version, err)
	}
	// The servers name Intercom's hosts; a fake answers on its own.
	t.Servers = nil
	// The descriptions carry examples that break their own schemas; those
	// are handled where examples are used, not here.
	router, err := legacy.NewRouter(t, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", version, err)
	}
	d := &Doc{Version: version, T: t, Router: router, byID: map[string]*Operation{}}
	for path, item := range t.Paths.Map() {
		for method, op := range item.Operations() {
			id := op.OperationID
			if id == "" {
				id = method + " " + path
			}
			if prev, dup := d.byID[id]; dup {
				return nil, fmt.Errorf("version %s: operationId %q is used by both %s %s and %s %s", version, id, prev.Method, prev.Path, method, path)
			}
			o := &Operation{ID: id, Method: strings.ToUpper(method), Path: path, Op: op, Item: item}
			d.byID[id] = o
			d.Operations = append(d.Operations, o)
		}
	}
	slices.SortFunc(d.Operations, func(a, b *Operation) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

// Methods returns the methods the description defines for the request's
// path, for an Allow header; it is empty when no path matches.
func (d *Doc) Methods(r *http.Request) []string {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodTrace} {
		probe := r.Clone(context.Background())
		probe.Method = m
		if _, _, err := d.Router.FindRoute(probe); err == nil {
			allowed = append(allowed, m)
		}
	}
	return allowed
}
