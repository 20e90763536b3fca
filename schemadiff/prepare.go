package schemadiff

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/load"
	oyaml "github.com/oasdiff/yaml"

	"github.com/intercomgo/intercom/gen/specload"
)

// A side of a comparison is read once as plain JSON values. That reading
// serves three purposes: the calibration rules look flags up in it, the
// media types' examples are taken from it, and what kin-openapi and
// oasdiff are given is the same document without those examples. The
// examples are about half of an Intercom description's bytes, and oasdiff's
// checks never look at them: the report compares them itself (see
// compareExamples), so loading them a second time would only cost.

// prepared is one side read as plain JSON values.
type prepared struct {
	raw      *rawDoc
	examples map[string][]example // by operation match key; schemas not yet attached
	info     *load.SpecInfo       // loaded without the media types' examples
}

// decodeDoc reads a document as JSON, or as YAML when it is not JSON. YAML
// is converted through JSON, the way kin-openapi reads it, so that the
// values have JSON's types either way (numbers are float64, keys strings,
// dates stay text).
func decodeDoc(data []byte) (map[string]any, error) {
	var root map[string]any
	jerr := json.Unmarshal(data, &root)
	if jerr == nil {
		return root, nil
	}
	root = nil
	if _, yerr := oyaml.Unmarshal(data, &root, oyaml.DecodeOpts{DisableTimestamps: true}); yerr != nil {
		return nil, fmt.Errorf("not a JSON or YAML object: json: %v; yaml: %v", jerr, yerr)
	}
	if root == nil {
		return nil, fmt.Errorf("not a JSON or YAML object")
	}
	return root, nil
}

// prepare reads a side for comparison: checks it against the loading
// bounds, reads it as plain JSON values, takes the media types' examples
// out, and loads the rest with kin-openapi.
func prepare(ctx context.Context, s Spec) (*prepared, error) {
	fail := func(err error) error { return &SpecError{Name: s.Name, Err: err} }
	if len(bytes.TrimSpace(s.Data)) == 0 {
		return nil, fail(fmt.Errorf("%w: the document is empty", ErrNotOpenAPI))
	}
	if err := specload.Check(s.Data); err != nil {
		return nil, fail(fmt.Errorf("load: %w", err))
	}
	root, err := decodeDoc(s.Data)
	if err != nil {
		return nil, fail(fmt.Errorf("load: %w", err))
	}
	raw := newRawDoc(s.Name, root)
	examples := raw.takeExamples()
	slim, err := forOasdiff(root)
	if err != nil {
		return nil, fail(fmt.Errorf("load: %w", err))
	}
	info, err := loadSpec(ctx, Spec{Name: s.Name, Data: slim, GoPackage: s.GoPackage})
	if err != nil {
		return nil, err
	}
	attachSchemas(info.Spec, examples)
	return &prepared{raw: raw, examples: examples, info: info}, nil
}

// takeExamples lists the examples of the JSON media type (see
// jsonMediaKey) of every operation's request body and responses, keyed by
// the operation's match key.
func (d *rawDoc) takeExamples() map[string][]example {
	out := map[string][]example{}
	for key, o := range d.ops {
		label := strings.ToUpper(methodOf(key)) + " " + o.path
		opID, _ := o.op["operationId"].(string)
		add := func(where, status string, content map[string]any) {
			media := jsonMediaKey(content)
			mt, _ := content[media].(map[string]any)
			if mt == nil {
				return
			}
			loc := exampleLoc{path: o.path, method: methodOf(key), status: status, media: media}
			if v := mt["example"]; v != nil {
				out[key] = append(out[key], example{op: label, opID: opID, where: where, value: v, loc: loc})
			}
			named, _ := mt["examples"].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(named)) {
				ex, _ := named[name].(map[string]any)
				if ex = d.deref(ex); ex == nil {
					continue
				}
				if v := ex["value"]; v != nil {
					out[key] = append(out[key], example{op: label, opID: opID, where: where, name: name, value: v, loc: loc})
				}
			}
		}
		if rb, _ := o.op["requestBody"].(map[string]any); rb != nil {
			if rb = d.deref(rb); rb != nil {
				content, _ := rb["content"].(map[string]any)
				add("request", "", content)
			}
		}
		responses, _ := o.op["responses"].(map[string]any)
		for status, r := range responses {
			if rm, _ := r.(map[string]any); rm != nil {
				if rm = d.deref(rm); rm != nil {
					content, _ := rm["content"].(map[string]any)
					add("response "+status, status, content)
				}
			}
		}
	}
	return out
}

// methodOf returns the lower-case method of a match key.
func methodOf(key string) string {
	m, _, _ := strings.Cut(key, " ")
	return strings.ToLower(m)
}

// attachSchemas gives each example the schema its media type has in the
// loaded document.
func attachSchemas(doc *openapi3.T, examples map[string][]example) {
	if doc == nil || doc.Paths == nil {
		return
	}
	for _, list := range examples {
		for i := range list {
			e := &list[i]
			item := doc.Paths.Value(e.loc.path)
			if item == nil {
				continue
			}
			op := item.GetOperation(strings.ToUpper(e.loc.method))
			if op == nil {
				continue
			}
			var content openapi3.Content
			switch {
			case e.where == "request":
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					content = op.RequestBody.Value.Content
				}
			case op.Responses != nil:
				if r := op.Responses.Value(e.loc.status); r != nil && r.Value != nil {
					content = r.Value.Content
				}
			}
			if mt := content.Get(e.loc.media); mt != nil {
				e.schema = mt.Schema
			}
		}
	}
}
