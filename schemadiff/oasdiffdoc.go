package schemadiff

import (
	"encoding/json"
	"strings"
)

// What kin-openapi loads and oasdiff compares is the document without
// the parts oasdiff's checks never read: the media types' examples, which
// the report compares itself (see compareExamples), and the description
// and summary texts. Together they are three quarters of an Intercom
// description's bytes, and loading them is most of what a comparison
// costs. TestOasdiffFindingsWithoutTexts keeps this true: oasdiff finds
// the same changes in the full documents and in these.

// forOasdiff writes a document as JSON without the media types' examples
// and the description and summary texts.
func forOasdiff(root map[string]any) ([]byte, error) {
	return json.Marshal(withoutTexts(root, plainObject))
}

// objectKind is what the keys of an object are, which decides what may be
// left out of it.
type objectKind uint8

const (
	plainObject     objectKind = iota // keywords: "type", "description", ...
	namedObjects                      // names: properties, responses, paths, ...
	contentObject                     // media type names, whose values are media types
	mediaTypeObject                   // a media type: schema, example, examples
)

// dataKeys hold data, which is kept as it is.
var dataKeys = map[string]bool{"example": true, "examples": true, "default": true, "enum": true, "const": true, "value": true}

// nameKeys hold objects whose keys are names, not keywords.
var nameKeys = map[string]bool{
	"properties": true, "patternProperties": true, "responses": true, "paths": true, "schemas": true,
	"parameters": true, "headers": true, "requestBodies": true, "securitySchemes": true, "links": true,
	"callbacks": true, "definitions": true, "$defs": true, "dependentSchemas": true, "mapping": true,
	"variables": true, "webhooks": true, "encoding": true, "pathItems": true,
}

// withoutTexts returns v without the parts forOasdiff leaves out. Data and
// leaves are shared with v, not copied.
func withoutTexts(v any, kind objectKind) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, child := range x {
			next := plainObject
			switch kind {
			case namedObjects:
				// The values of named things are objects of keywords.
			case contentObject:
				next = mediaTypeObject
			default:
				if _, text := child.(string); text && (k == "description" || k == "summary") {
					continue
				}
				if kind == mediaTypeObject && (k == "example" || k == "examples") {
					continue
				}
				switch {
				case dataKeys[k] || strings.HasPrefix(k, "x-"):
					out[k] = child
					continue
				case k == "content":
					next = contentObject
				case nameKeys[k]:
					next = namedObjects
				}
			}
			out[k] = withoutTexts(child, next)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = withoutTexts(item, plainObject)
		}
		return out
	default:
		return v
	}
}
