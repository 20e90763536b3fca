package schemadiff

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What kin-openapi loads and oasdiff compares is the document without
// the parts oasdiff's checks never read: the media types' examples, which
// the report compares itself (see compareExamples), and the description
// and summary texts. Together they are three quarters of an Intercom
// description's bytes, and loading them is most of what a comparison
// costs. TestOasdiffFindingsWithoutTexts keeps this true: oasdiff finds
// the same changes in the full documents and in these.

// forOasdiff writes a document as JSON without the media types' examples
// and the description and summary texts. Map keys are sorted, as
// encoding/json sorts them.
func forOasdiff(root map[string]any) []byte {
	w := docWriter{buf: make([]byte, 0, 256<<10)}
	w.value(root, plainObject)
	return w.buf
}

// objectKind is what the keys of an object are, which decides what may be
// left out of it.
type objectKind uint8

const (
	plainObject     objectKind = iota // keywords: "type", "description", ...
	namedObjects                      // names: properties, responses, paths, ...
	contentObject                     // media type names, whose values are media types
	mediaTypeObject                   // a media type: schema, example, examples
	verbatim                          // data: examples, defaults, enums, extensions
)

// dataKeys hold data, which is written as it is.
var dataKeys = map[string]bool{"example": true, "examples": true, "default": true, "enum": true, "const": true, "value": true}

// nameKeys hold objects whose keys are names, not keywords.
var nameKeys = map[string]bool{
	"properties": true, "patternProperties": true, "responses": true, "paths": true, "schemas": true,
	"parameters": true, "headers": true, "requestBodies": true, "securitySchemes": true, "links": true,
	"callbacks": true, "definitions": true, "$defs": true, "dependentSchemas": true, "mapping": true,
	"variables": true, "webhooks": true, "encoding": true, "pathItems": true,
}

type docWriter struct{ buf []byte }

func (w *docWriter) value(v any, kind objectKind) {
	switch x := v.(type) {
	case map[string]any:
		w.object(x, kind)
	case []any:
		w.buf = append(w.buf, '[')
		for i, item := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			if kind == verbatim {
				w.value(item, verbatim)
			} else {
				w.value(item, plainObject)
			}
		}
		w.buf = append(w.buf, ']')
	case string:
		w.string(x)
	case float64:
		w.number(x)
	case bool:
		w.buf = strconv.AppendBool(w.buf, x)
	case nil:
		w.buf = append(w.buf, "null"...)
	default:
		// Not a type JSON decoding produces; encoding/json knows it.
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte("null")
		}
		w.buf = append(w.buf, b...)
	}
}

func (w *docWriter) object(m map[string]any, kind objectKind) {
	w.buf = append(w.buf, '{')
	first := true
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		child := plainObject
		switch kind {
		case verbatim:
			child = verbatim
		case namedObjects:
			// The values of named things are objects of keywords.
		case contentObject:
			child = mediaTypeObject
		default:
			if _, text := v.(string); text && (k == "description" || k == "summary") {
				continue
			}
			if kind == mediaTypeObject && (k == "example" || k == "examples") {
				continue
			}
			switch {
			case dataKeys[k] || strings.HasPrefix(k, "x-"):
				child = verbatim
			case k == "content":
				child = contentObject
			case nameKeys[k]:
				child = namedObjects
			}
		}
		if !first {
			w.buf = append(w.buf, ',')
		}
		first = false
		w.string(k)
		w.buf = append(w.buf, ':')
		w.value(v, child)
	}
	w.buf = append(w.buf, '}')
}

// number writes a float64 as encoding/json does: integers without an
// exponent, so that kin-openapi can read them into integer fields.
func (w *docWriter) number(f float64) {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.buf = strconv.AppendFloat(w.buf, f, format, -1, 64)
}

const hexDigits = "0123456789abcdef"

// string writes a JSON string. The text came from a JSON or YAML decoder,
// so it is valid UTF-8 apart from what those let through, which is
// replaced.
func (w *docWriter) string(s string) {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			w.buf = append(w.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				w.buf = append(w.buf, '\\', c)
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case '\t':
				w.buf = append(w.buf, '\\', 't')
			default:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
}
