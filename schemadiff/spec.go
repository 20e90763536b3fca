package schemadiff

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/load"

	"github.com/intercomgo/intercom/versions"
)

// Spec is one side of a comparison.
type Spec struct {
	// Name labels the side in reports: a version ("2.11") or a file name.
	Name string
	// Data is an OpenAPI 3 description, JSON or YAML, with every $ref
	// resolvable inside it. The versions package's specs are; a raw
	// upstream file may need normalizing first.
	Data []byte
	// GoPackage is the import path of the generated package for the
	// version, or "" when the spec has none (a file).
	GoPackage string
}

// versionsPath is the import path of the versions package; the version
// packages are its children.
var versionsPath = reflect.TypeFor[versions.Version]().PkgPath()

// VersionSpec returns the embedded spec of a version the module knows:
// "2.11", or its package name "v2_11".
func VersionSpec(name string) (Spec, error) {
	v, ok := versions.Lookup(name)
	if !ok {
		return Spec{}, &UnknownVersionError{Name: name, Known: versions.Names()}
	}
	return Spec{Name: v.Name, Data: v.Spec, GoPackage: versionsPath + "/" + v.Package}, nil
}

// UnknownVersionError is returned for a version the module has no package
// for.
type UnknownVersionError struct {
	Name  string
	Known []string
}

// Error says which version is unknown and which are known.
func (e *UnknownVersionError) Error() string {
	return fmt.Sprintf("unknown API version %q: the known versions are %s (or give the paths of two spec files)",
		e.Name, strings.Join(e.Known, ", "))
}

// SpecError is returned when one side of a comparison cannot be read as an
// OpenAPI 3 description.
type SpecError struct {
	// Name is the side's Spec.Name.
	Name string
	Err  error
}

// Error names the side and what is wrong with it.
func (e *SpecError) Error() string { return fmt.Sprintf("spec %s: %v", e.Name, e.Err) }

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *SpecError) Unwrap() error { return e.Err }

// ErrNotOpenAPI is wrapped by a SpecError for data that parses but is not
// an OpenAPI 3 description.
var ErrNotOpenAPI = errors.New("not an OpenAPI 3 description")

// loadSpec parses a side with kin-openapi, resolving its references. The
// data has passed the loading bounds already (see prepare).
func loadSpec(ctx context.Context, s Spec) (*load.SpecInfo, error) {
	fail := func(err error) error { return &SpecError{Name: s.Name, Err: err} }
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(s.Data)
	if err != nil {
		return nil, fail(fmt.Errorf("load: %w", err))
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		if doc.OpenAPI == "" {
			return nil, fail(fmt.Errorf("%w: it has no top-level \"openapi\" version field", ErrNotOpenAPI))
		}
		return nil, fail(fmt.Errorf("%w: its \"openapi\" field is %q, want 3.x", ErrNotOpenAPI, doc.OpenAPI))
	}
	if doc.Paths == nil || doc.Paths.Len() == 0 {
		return nil, fail(fmt.Errorf("%w: it describes no paths", ErrNotOpenAPI))
	}
	version := ""
	if doc.Info != nil {
		version = doc.Info.Version
	}
	return &load.SpecInfo{Url: s.Name, Spec: doc, Version: version}, nil
}
