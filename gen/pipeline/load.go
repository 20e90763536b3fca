// Package pipeline turns one upstream OpenAPI description into one Go
// package: load, normalize, validate, generate.
package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/intercomgo/intercom/gen/normalize"
	"github.com/intercomgo/intercom/gen/specload"
)

// LoadTree reads a YAML or JSON OpenAPI document into the generic tree the
// normalization rules work on.
func LoadTree(data []byte) (normalize.Doc, error) {
	node, err := specload.Parse(data)
	if err != nil {
		return nil, err
	}
	var raw any
	if err := node.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	doc, ok := stringKeys(raw).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an OpenAPI document: the top level is not a mapping")
	}
	if v, _ := doc["openapi"].(string); v == "" {
		return nil, fmt.Errorf("not an OpenAPI 3 document: no top-level \"openapi\" version field")
	}
	if _, ok := doc["paths"].(map[string]any); !ok {
		return nil, fmt.Errorf("not an OpenAPI document: no \"paths\" mapping")
	}
	return doc, nil
}

// stringKeys turns YAML's non-string mapping keys (an unquoted 200, say)
// into strings, as JSON would have them.
func stringKeys(v any) any {
	switch n := v.(type) {
	case map[string]any:
		for k, e := range n {
			n[k] = stringKeys(e)
		}
		return n
	case map[any]any:
		out := make(map[string]any, len(n))
		for k, e := range n {
			out[fmt.Sprint(k)] = stringKeys(e)
		}
		return out
	case []any:
		for i, e := range n {
			n[i] = stringKeys(e)
		}
		return n
	default:
		return v
	}
}

// MarshalTree renders a tree as indented JSON with sorted keys: the stable,
// diffable form in which the normalized spec is embedded.
func MarshalTree(doc normalize.Doc) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LoadOpenAPI parses normalized JSON with kin-openapi and validates it.
// Examples are not validated here: the upstream files carry body examples
// that break their own schemas, and the conformance suite tracks those.
func LoadOpenAPI(data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := spec.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	return spec, nil
}
