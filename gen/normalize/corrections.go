package normalize

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// correctionsYAML lists the known wire facts; see the file's header.
//
//go:embed corrections.yaml
var correctionsYAML []byte

// Correction is one known wire fact: a target in the description and the
// changes that make it tell the truth.
type Correction struct {
	Schema     string  `yaml:"schema"`
	Property   string  `yaml:"property"`
	Path       string  `yaml:"path"`
	Method     string  `yaml:"method"`
	PathParams *Change `yaml:"path_params"`
	Body       *Change `yaml:"request_body"`
	Response   *struct {
		Status string `yaml:"status"`
		Change `yaml:",inline"`
	} `yaml:"response"`
	Change     `yaml:",inline"`
	MaxVersion string `yaml:"max_version"`
	Reason     string `yaml:"reason"`
	Evidence   string `yaml:"evidence"`
}

// Change is what a correction does to its target.
type Change struct {
	Remove []string          `yaml:"remove"`
	Rename map[string]string `yaml:"rename"`
	Set    map[string]any    `yaml:"set"`
	Merge  map[string]any    `yaml:"merge"`
}

// Corrections returns the known wire facts, checked for shape.
func Corrections() ([]Correction, error) {
	var cs []Correction
	if err := yaml.Unmarshal(correctionsYAML, &cs); err != nil {
		return nil, fmt.Errorf("corrections.yaml: %w", err)
	}
	for i, c := range cs {
		switch {
		case c.Reason == "" || c.Evidence == "":
			return nil, fmt.Errorf("corrections.yaml: entry %d (%s) needs a reason and evidence", i+1, c.Target())
		case (c.Schema == "") == (c.Path == ""):
			return nil, fmt.Errorf("corrections.yaml: entry %d needs either schema or path", i+1)
		case c.Path != "" && c.Method == "":
			return nil, fmt.Errorf("corrections.yaml: entry %d (%s) needs a method", i+1, c.Path)
		}
	}
	return cs, nil
}

// Target names what the correction changes, as findings and reports
// print it: "error.request_id", "PUT /companies/{}".
func (c Correction) Target() string {
	if c.Schema != "" {
		if c.Property != "" {
			return c.Schema + "." + c.Property
		}
		return c.Schema
	}
	return strings.ToUpper(c.Method) + " " + c.Path
}

// KnownWireFacts applies corrections.yaml: facts about what Intercom's API
// really sends and accepts that no rule can derive from a description,
// each kept once with its reason and evidence, and applied to every version
// whose description has the target.
var KnownWireFacts = Rule{
	Name:   "known-wire-facts",
	Defect: "the description contradicts what the API is known to send or accept",
	Apply: func(doc Doc, r *Report) error {
		cs, err := Corrections()
		if err != nil {
			return err
		}
		version := asString(asMap(doc["info"])["version"])
		for _, c := range cs {
			if c.MaxVersion != "" && !versionAtMost(version, c.MaxVersion) {
				continue
			}
			for _, t := range c.targets(doc) {
				before, _ := json.Marshal(t.node)
				t.change.apply(t.node)
				if after, _ := json.Marshal(t.node); string(after) != string(before) {
					r.Add(t.where, "%s: %s", c.Target(), c.Reason)
				}
			}
		}
		return nil
	},
}

type target struct {
	where  string
	node   map[string]any
	change Change
}

// targets finds the nodes a correction changes in doc.
func (c Correction) targets(doc Doc) []target {
	if c.Schema != "" {
		s := asMap(asMap(asMap(doc["components"])["schemas"])[c.Schema])
		ptr := "#/components/schemas/" + escapePointer(c.Schema)
		if s == nil {
			return nil
		}
		if c.Property != "" {
			for _, p := range strings.Split(c.Property, ".") {
				s = asMap(asMap(s["properties"])[p])
				ptr += "/properties/" + escapePointer(p)
				if s == nil {
					return nil
				}
			}
		}
		return []target{{ptr, s, c.Change}}
	}
	var out []target
	re := pathPattern(c.Path)
	paths := asMap(doc["paths"])
	for _, p := range sortedKeys(paths) {
		if !re.MatchString(p) {
			continue
		}
		op := asMap(asMap(paths[p])[strings.ToLower(c.Method)])
		if op == nil {
			continue
		}
		ptr := "#/paths/" + escapePointer(p) + "/" + strings.ToLower(c.Method)
		if c.PathParams != nil {
			for i, prm := range asSlice(op["parameters"]) {
				pm := asMap(prm)
				if asString(pm["in"]) == "path" && asMap(pm["schema"]) != nil {
					out = append(out, target{fmt.Sprintf("%s/parameters/%d/schema", ptr, i), asMap(pm["schema"]), *c.PathParams})
				}
			}
		}
		if c.Body != nil {
			body := asMap(op["requestBody"])
			if body == nil {
				body = map[string]any{}
				op["requestBody"] = body
			}
			out = append(out, target{ptr + "/requestBody", body, *c.Body})
		}
		if c.Response != nil {
			resp := asMap(asMap(op["responses"])[c.Response.Status])
			if resp != nil {
				out = append(out, target{ptr + "/responses/" + c.Response.Status, resp, c.Response.Change})
			}
		}
	}
	return out
}

// pathPattern matches a path template whose "{}" stands for any parameter.
func pathPattern(p string) *regexp.Regexp {
	parts := strings.Split(p, "{}")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, `\{[^{}/]+\}`) + "$")
}

func (ch Change) apply(node map[string]any) {
	for _, k := range ch.Remove {
		delete(node, k)
	}
	for from, to := range ch.Rename {
		if v, ok := node[from]; ok {
			delete(node, from)
			node[to] = v
		}
	}
	for k, v := range ch.Set {
		node[k] = plain(v)
	}
	mergeInto(node, ch.Merge)
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm := asMap(dst[k]); dm != nil {
				mergeInto(dm, sm)
				continue
			}
		}
		dst[k] = plain(v)
	}
}

// plain turns YAML-decoded values into the JSON shapes the tree uses.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	case int:
		return float64(x)
	}
	return v
}

// versionAtMost compares dotted numeric versions; a version that is not
// numeric ("Unstable") counts as newer than any numbered one.
func versionAtMost(v, limit string) bool {
	a, b := strings.Split(v, "."), strings.Split(limit, ".")
	for i := 0; i < len(a) || i < len(b); i++ {
		x, y := 0, 0
		var err error
		if i < len(a) {
			if x, err = strconv.Atoi(a[i]); err != nil {
				return false
			}
		}
		if i < len(b) {
			if y, err = strconv.Atoi(b[i]); err != nil {
				return false
			}
		}
		if x != y {
			return x < y
		}
	}
	return true
}
