package schemadiff

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// ExampleChange is a change that exists in a spec's examples: a flag or a
// keyword an example shows differently. Ids, timestamps, numbers and free
// text are ignored: they differ between any two captures of the API.
type ExampleChange struct {
	// Operation is "METHOD /path", OperationID its id.
	Operation   string `json:"operation"`
	OperationID string `json:"operationId,omitempty"`
	// Where is "request" or "response 200".
	Where string `json:"where"`
	// Example names the example, "" for the media type's single example.
	Example string `json:"example,omitempty"`
	// Path is the place in the example ("data/0/messenger_writable").
	Path string `json:"path"`
	// From and To are the values, as JSON.
	From string `json:"from"`
	To   string `json:"to"`
}

// Contradiction is an example of the revision that its own schema
// rejects: a probable error in the spec, not a change to the API.
type Contradiction struct {
	Operation   string `json:"operation"`
	OperationID string `json:"operationId,omitempty"`
	Where       string `json:"where"`
	Example     string `json:"example,omitempty"`
	// Schema names the components schema contradicted, when it is not the
	// operation's own but the one an object inside the example names by
	// its "type" field ("admin" for the admin inside GET /me's example).
	Schema string `json:"schema,omitempty"`
	// Path is where in the example the schema disagrees.
	Path string `json:"path"`
	// Problem is the schema's complaint.
	Problem string `json:"problem"`
}

// example is one example value in a spec, where it is.
type example struct {
	op, opID, where, name string
	schema                *openapi3.SchemaRef
	value                 any
	loc                   exampleLoc
}

// exampleLoc is where an example's media type is: the path as written,
// the lower-case method, the status ("" for the request body) and the
// media type.
type exampleLoc struct {
	path, method, status, media string
}

// compareExamples finds the changes that exist in the examples, and the
// examples of the revision that contradict their own schema and did not in
// the base. schemaChanged says whether an operation's payload schemas
// differ; where they do not, only the examples that changed are validated,
// since an unchanged example of an unchanged schema contradicts it in
// both versions or in neither. schemaModified says the same of a
// components schema, for the objects inside examples that name their
// schema by their "type" field (see typedContradictions).
func compareExamples(base, rev *prepared, schemaChanged, schemaModified func(string) bool) ([]ExampleChange, []Contradiction) {
	be, re := base.examples, rev.examples
	changes := []ExampleChange{}
	contradictions := []Contradiction{}
	for _, key := range slices.Sorted(maps.Keys(re)) {
		old := map[string]example{}
		for _, e := range be[key] {
			old[e.where+"\x00"+e.name] = e
		}
		// The base's examples are validated only where the revision's
		// contradict their schema: most do not.
		var oldProblems, reported map[string]bool
		changed := schemaChanged(key)
		for _, e := range re[key] {
			o, had := old[e.where+"\x00"+e.name]
			same := had && reflect.DeepEqual(o.value, e.value)
			if same && !changed {
				continue
			}
			for _, p := range contradicts(e) {
				if oldProblems == nil {
					oldProblems, reported = map[string]bool{}, map[string]bool{}
					for _, b := range be[key] {
						for _, bp := range contradicts(b) {
							oldProblems[b.where+"\x00"+bp.Path+"\x00"+bp.Problem] = true
						}
					}
				}
				k := e.where + "\x00" + p.Path + "\x00" + p.Problem
				if !oldProblems[k] && !reported[k] {
					reported[k] = true
					contradictions = append(contradictions, p)
				}
			}
			if !had || same {
				continue
			}
			from, to := leaves(o.value), leaves(e.value)
			for _, path := range slices.Sorted(maps.Keys(to)) {
				if f, ok := from[path]; ok && f != to[path] {
					changes = append(changes, ExampleChange{Operation: e.op, OperationID: e.opID, Where: e.where, Example: e.name, Path: path, From: f, To: to[path]})
				}
			}
		}
	}
	// A typed object the example's own schema already found wrong at the
	// same place is reported once.
	own := map[string]bool{}
	for _, c := range contradictions {
		own[c.Operation+"\x00"+c.Where+"\x00"+c.Example+"\x00"+c.Path] = true
	}
	for _, c := range typedContradictions(be, re, base.info.Spec, rev.info.Spec, schemaModified) {
		if !own[c.Operation+"\x00"+c.Where+"\x00"+c.Example+"\x00"+c.Path] {
			contradictions = append(contradictions, c)
		}
	}
	slices.SortStableFunc(contradictions, func(a, b Contradiction) int {
		return cmp.Or(compareOps(a.Operation, b.Operation), cmp.Compare(a.Where, b.Where), cmp.Compare(a.Example, b.Example), cmp.Compare(a.Path, b.Path))
	})
	slices.SortStableFunc(changes, func(a, b ExampleChange) int {
		return cmp.Or(compareOps(a.Operation, b.Operation), cmp.Compare(a.Where, b.Where), cmp.Compare(a.Example, b.Example), cmp.Compare(a.Path, b.Path))
	})
	return changes, contradictions
}

// contradicts validates an example against its schema and returns every
// place the schema rejects it.
func contradicts(e example) []Contradiction {
	if e.schema == nil || e.schema.Value == nil {
		return nil
	}
	mode := openapi3.VisitAsResponse()
	if e.where == "request" {
		mode = openapi3.VisitAsRequest()
	}
	err := e.schema.Value.VisitJSON(e.value, mode, openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails())
	var out []Contradiction
	undeclared(e.schema.Value, e.value, "", 0, &out, e)
	if err == nil {
		return out
	}
	var visit func(err error, depth int)
	visit = func(err error, depth int) {
		var me openapi3.MultiError
		if errors.As(err, &me) && depth < 8 {
			for _, e := range me {
				visit(e, depth+1)
			}
			return
		}
		c := Contradiction{Operation: e.op, OperationID: e.opID, Where: e.where, Example: e.name}
		// A SchemaError's Error() prints the value and the schema whole:
		// only its reason is wanted.
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			c.Path = indexes.ReplaceAllString(strings.Join(se.JSONPointer(), "/"), "/*")
			c.Problem = se.Reason
		} else {
			c.Problem = err.Error()
		}
		if i := strings.IndexByte(c.Problem, '\n'); i >= 0 {
			c.Problem = c.Problem[:i]
		}
		// A value several alternatives accept is ambiguous, not wrong.
		if strings.Contains(c.Problem, "matches more than one") || c.Problem == "" {
			return
		}
		if !slices.ContainsFunc(out, func(o Contradiction) bool { return o.Path == c.Path && o.Problem == c.Problem }) {
			out = append(out, c)
		}
	}
	visit(err, 0)
	return out
}

// undeclared finds the properties an example shows that its schema does
// not declare, where the schema lists its properties: a sign that schema
// and example describe different shapes.
func undeclared(s *openapi3.Schema, v any, path string, depth int, out *[]Contradiction, e example) {
	if s == nil || depth > 12 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 || len(s.OneOf)+len(s.AnyOf) > 0 {
			return
		}
		if ap := s.AdditionalProperties; ap.Has != nil && *ap.Has || ap.Schema != nil {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p, ok := s.Properties[k]
			if !ok {
				if slices.ContainsFunc(*out, func(o Contradiction) bool { return o.Path == indexes.ReplaceAllString(joinPath(path, k), "/*") }) {
					continue
				}
				*out = append(*out, Contradiction{Operation: e.op, OperationID: e.opID, Where: e.where, Example: e.name,
					Path: indexes.ReplaceAllString(joinPath(path, k), "/*"), Problem: fmt.Sprintf("the example has property %q, which the schema does not declare", k)})
				continue
			}
			if p != nil {
				undeclared(p.Value, x[k], joinPath(path, k), depth+1, out, e)
			}
		}
	case []any:
		if s.Items == nil {
			return
		}
		for i, item := range x[:min(len(x), 2)] {
			undeclared(s.Items.Value, item, joinPath(path, strconv.Itoa(i)), depth+1, out, e)
		}
	}
}

// leaves flattens an example to the values worth comparing: booleans,
// nulls and keywords, by path. Ids, timestamps, numbers and free text are
// left out.
func leaves(v any) map[string]string {
	out := map[string]string{}
	var walk func(path, key string, v any, depth int)
	walk = func(path, key string, v any, depth int) {
		if depth > 32 || ignoredKey(key) {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				walk(joinPath(path, k), k, child, depth+1)
			}
		case []any:
			for i, child := range x {
				walk(joinPath(path, strconv.Itoa(i)), key, child, depth+1)
			}
		case bool, nil:
			b, _ := json.Marshal(x)
			out[path] = string(b)
		case string:
			if keyword.MatchString(x) && !idLike.MatchString(x) {
				out[path] = strconv.Quote(x)
			}
		}
	}
	walk("", "", v, 0)
	return out
}

// indexes matches the array indexes in a path, which a contradiction
// leaves out so that one problem repeated down a list is reported once.
var indexes = regexp.MustCompile(`/[0-9]+`)

// keyword matches short strings without spaces: types, states, flags.
var keyword = regexp.MustCompile(`^[a-z][a-z_.-]{0,39}$`)

// idLike matches generated-looking strings.
var idLike = regexp.MustCompile(`[0-9]{3,}|^[a-f0-9-]{12,}$`)

// ignoredKey reports whether a key holds an id, a timestamp, a link or
// free text.
func ignoredKey(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "id", "ids", "url", "email", "name", "body", "title", "description", "summary", "text", "html", "token", "request_id", "next", "prev", "page", "starting_after":
		return true
	}
	for _, suffix := range []string{"_id", "_ids", "_at", "_url", "timestamp", "_date", "_time"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// markSpecErrors marks a breaking change as a probable spec error when
// the revision's own example, on an operation the change is found on,
// still shows the property the change says is gone or retyped.
func markSpecErrors(r *Report) {
	byOp := map[string][]Contradiction{}
	bySchema := map[string][]Contradiction{}
	for _, c := range r.Contradictions {
		if c.Schema != "" {
			bySchema[c.Schema] = append(bySchema[c.Schema], c)
		} else {
			byOp[matchKey(c.Operation)] = append(byOp[matchKey(c.Operation)], c)
		}
	}
	mark := func(c *Change, ops []string, schema string) {
		flipped := strings.HasPrefix(c.Why, whyFlipped)
		if c.Annotation || (c.Severity != Breaking && !flipped) || (c.Kind != TypeChanged && c.Kind != PropertyRemoved) {
			return
		}
		for _, prop := range c.Properties {
			steps := strings.Split(prop, "/")
			name := steps[0]
			// An example object typed as this schema shows the property
			// as the base did.
			for _, k := range bySchema[schema] {
				if path := strings.Split(k.Path, "/"); path[len(path)-1] == name {
					why := fmt.Sprintf("%s's example for %s has an object of type %q whose `%s` the schema rejects", r.Revision, k.Operation, schema, name)
					if flipped {
						c.Why += "; " + why
					} else {
						c.Severity, c.Why = Warning, "probable spec error: "+why
					}
					return
				}
			}
			if flipped {
				continue
			}
			for _, op := range ops {
				for _, k := range byOp[matchKey(op)] {
					if slices.Contains(strings.Split(k.Path, "/"), name) {
						c.Severity = Warning
						c.Why = fmt.Sprintf("probable spec error: %s's own example for %s still shows `%s` as before (%s)", r.Revision, op, k.Path, k.Problem)
						return
					}
				}
			}
		}
	}
	for i := range r.Schemas {
		for j := range r.Schemas[i].Changes {
			c := &r.Schemas[i].Changes[j]
			mark(c, c.Operations, r.Schemas[i].Name)
		}
	}
	for i := range r.Operations {
		o := &r.Operations[i]
		for j := range o.Changes {
			mark(&o.Changes[j], []string{opKey(o.Method, o.Path)}, "")
		}
	}
}
