package schemadiff

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/stretchr/testify/require"
)

// TestOasdiffFindingsWithoutTexts checks that what oasdiff is given (the
// documents without the media types' examples and the description and
// summary texts) makes it find exactly the changes it finds in the full
// documents, for every pair of consecutive versions. An oasdiff release
// that starts reading those parts fails here.
func TestOasdiffFindingsWithoutTexts(t *testing.T) {
	l := checker.NewDefaultLocalizer()
	findings := func(cs checker.Changes) []string {
		out := make([]string, 0, len(cs))
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%s %s %s %d %s", c.GetId(), c.GetOperation(), c.GetPath(), c.GetLevel(), c.GetUncolorizedText(l)))
		}
		slices.Sort(out)
		return out
	}
	slim := func(data []byte) []byte {
		root, err := decodeDoc(data)
		require.NoError(t, err)
		out, err := forOasdiff(root)
		require.NoError(t, err)
		require.Less(t, len(out), len(data)/2, "most of the bytes are examples and texts")
		return out
	}
	for _, p := range pairs(t) {
		base, rev := p[0], p[1]
		t.Run(base.Name+"-"+rev.Name, func(t *testing.T) {
			full := oasdiffChangelog(t, base.Spec, rev.Spec)
			require.NotEmpty(t, full)
			require.Equal(t, findings(full), findings(oasdiffChangelog(t, slim(base.Spec), slim(rev.Spec))))
		})
	}
}

func TestForOasdiffLeavesOutOnlyTextsAndMediaExamples(t *testing.T) {
	doc := map[string]any{
		"info": map[string]any{"title": "t", "description": "gone", "version": "1"},
		"paths": map[string]any{"/a": map[string]any{"get": map[string]any{
			"summary": "gone", "operationId": "getA",
			"responses": map[string]any{"200": map[string]any{
				"description": "gone",
				"content": map[string]any{"application/json": map[string]any{
					"example":  map[string]any{"description": "kept in data, but the media type's example goes"},
					"examples": map[string]any{"one": map[string]any{"value": 1.0}},
					"schema": map[string]any{
						"type": "object", "description": "gone",
						// Properties named like keywords are names, not texts.
						"properties": map[string]any{
							"description": map[string]any{"type": "string", "example": "kept", "description": "gone"},
							"summary":     map[string]any{"type": "string"},
						},
						"example": map[string]any{"description": "kept: a schema's example is data", "n": 1e6},
						"default": map[string]any{"summary": "kept"},
						"enum":    []any{map[string]any{"description": "kept"}},
						"x-notes": map[string]any{"description": "kept"},
					},
				}},
			}},
		}}},
	}
	var got map[string]any
	out, err := forOasdiff(doc)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(out, &got), string(out))
	want := map[string]any{
		"info": map[string]any{"title": "t", "version": "1"},
		"paths": map[string]any{"/a": map[string]any{"get": map[string]any{
			"operationId": "getA",
			"responses": map[string]any{"200": map[string]any{
				"content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{
						"type": "object",
						"properties": map[string]any{
							"description": map[string]any{"type": "string", "example": "kept"},
							"summary":     map[string]any{"type": "string"},
						},
						"example": map[string]any{"description": "kept: a schema's example is data", "n": 1e6},
						"default": map[string]any{"summary": "kept"},
						"enum":    []any{map[string]any{"description": "kept"}},
						"x-notes": map[string]any{"description": "kept"},
					},
				}},
			}},
		}}},
	}
	require.Equal(t, want, got)
	// Integers keep an integer form, for the loader's integer fields.
	require.Contains(t, string(out), `"n":1000000`)
}

func TestForOasdiffWritesWhatEncodingJSONReads(t *testing.T) {
	for _, v := range []any{
		"plain", "quote \" backslash \\ newline \n tab \t cr \r nul \x00 bell \x07", "ünïcødé ✓ \u2028", "bad \xff utf-8",
		0.0, -1.0, 1.5, 1e21, 1e-7, 123456789.0, math.MaxInt32 * 4.0, true, false, nil,
		[]any{1.0, "a", nil, []any{}}, map[string]any{},
	} {
		out, err := forOasdiff(map[string]any{"x-v": v})
		require.NoError(t, err)
		var got map[string]any
		require.NoError(t, json.Unmarshal(out, &got), string(out))
		want := v
		if s, ok := v.(string); ok {
			// encoding/json replaces invalid UTF-8 the same way.
			b, _ := json.Marshal(s)
			require.NoError(t, json.Unmarshal(b, &want))
		}
		require.Equal(t, want, got["x-v"], string(out))
	}
}

func TestDecodeDocReadsYAMLAsJSONWould(t *testing.T) {
	root, err := decodeDoc([]byte("openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\nx-when: 2024-01-02\nx-n: 7\n"))
	require.NoError(t, err)
	require.Equal(t, "2024-01-02", root["x-when"], "a date stays text, as kin-openapi reads it")
	require.Equal(t, 7.0, root["x-n"])
	responses := root["paths"].(map[string]any)["/a"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)
	require.Contains(t, responses, "200", "a numeric key becomes a string key")

	for _, bad := range []string{"[1, 2]", "just text", "{{{"} {
		_, err := decodeDoc([]byte(bad))
		require.ErrorContains(t, err, "not a JSON or YAML object", bad)
	}
}
