package pipeline

import (
	"bytes"
	"fmt"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"

	"github.com/intercomgo/intercom/gen/normalize"
)

// ApplyOverlay applies an OpenAPI Overlay (https://spec.openapis.org/overlay)
// to doc in place. Overlays hold the few per-version corrections no rule
// can derive; every action must say why in its description, and must match
// something, so a stale entry fails loudly instead of silently doing
// nothing after Intercom fixes the file.
func ApplyOverlay(doc normalize.Doc, data []byte) error {
	ov, err := overlay.ParseReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	for i, a := range ov.Actions {
		if a.Description == "" {
			return fmt.Errorf("action %d (target %s) has no description: say why the correction is needed", i+1, a.Target)
		}
	}
	var node yaml.Node
	if err := node.Encode(doc); err != nil {
		return err
	}
	warnings, err := ov.ApplyToStrict(&node)
	if err != nil {
		return err
	}
	if len(warnings) > 0 {
		return fmt.Errorf("%v", warnings)
	}
	var out any
	if err := node.Decode(&out); err != nil {
		return err
	}
	m, ok := stringKeys(out).(map[string]any)
	if !ok {
		return fmt.Errorf("the overlay left a document that is not a mapping")
	}
	for k := range doc {
		delete(doc, k)
	}
	for k, v := range m {
		doc[k] = v
	}
	return nil
}
