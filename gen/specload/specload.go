// Package specload parses OpenAPI descriptions in YAML or JSON with bounds,
// so that a hostile or broken file fails with a clear error instead of
// exhausting memory. The generator, add-version and the schema diff all
// read specs through it.
package specload

import (
	"encoding/json"
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// MaxBytes is the largest spec file accepted: Intercom's descriptions are
// under 1 MiB.
const MaxBytes = 64 << 20

// MaxExpandedBytes bounds the size of a document once its YAML aliases are
// expanded, as every decoder does: a small file whose aliases repeat a
// large node hundreds of times (an "alias bomb") is refused.
const MaxExpandedBytes = 64 << 20

// maxDepth bounds nesting, which the decoders follow recursively.
const maxDepth = 1000

// ErrTooLarge is wrapped by the error for a document over MaxBytes or
// MaxExpandedBytes.
var ErrTooLarge = errors.New("spec too large")

// Parse parses data as YAML (JSON is YAML) after checking its size, and
// checks that expanding its aliases stays within MaxExpandedBytes and that
// it nests at most 1000 deep. It returns the document node.
func Parse(data []byte) (*yaml.Node, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: the file is %d bytes, over the %d-byte (%d MiB) limit", ErrTooLarge, len(data), MaxBytes, MaxBytes>>20)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("not YAML or JSON: %w", err)
	}
	w := walker{memo: map[*yaml.Node]int64{}, active: map[*yaml.Node]bool{}}
	if _, err := w.size(&root, 0); err != nil {
		return nil, err
	}
	return &root, nil
}

// Check reports whether data parses within the bounds Parse applies.
// Strict JSON has no aliases, so a document that is valid JSON is checked
// with one scan for its size and depth, without building a YAML tree;
// anything else goes through Parse.
func Check(data []byte) error {
	if len(data) > MaxBytes {
		_, err := Parse(data)
		return err
	}
	if ok, err := checkJSON(data); ok {
		return err
	}
	_, err := Parse(data)
	return err
}

// checkJSON reports whether data is a JSON object or array (ok), and if it
// is, whether it nests deeper than maxDepth. A document that is not valid
// JSON is not ok: YAML flow style looks like JSON but may hold aliases.
func checkJSON(data []byte) (ok bool, err error) {
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if i == len(data) || (data[i] != '{' && data[i] != '[') {
		return false, nil
	}
	depth, inString, line := 0, false, 1
	for ; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			line++
		case inString:
			if c == '\\' {
				i++ // skip the escaped byte; JSON strings hold no raw newlines
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				if !json.Valid(data) {
					return false, nil
				}
				return true, fmt.Errorf("the document nests more than %d levels deep (line %d)", maxDepth, line)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return json.Valid(data), nil
}

type walker struct {
	memo   map[*yaml.Node]int64 // expanded size of nodes already measured
	active map[*yaml.Node]bool  // nodes being measured, to catch cycles
}

// size returns the expanded size of n in bytes, counting each node's text
// and a little for its structure, following aliases.
func (w *walker) size(n *yaml.Node, depth int) (int64, error) {
	if n == nil {
		return 0, nil
	}
	if depth > maxDepth {
		return 0, fmt.Errorf("the document nests more than %d levels deep (line %d)", maxDepth, n.Line)
	}
	if s, ok := w.memo[n]; ok {
		return s, nil
	}
	if w.active[n] {
		return 0, fmt.Errorf("the alias at line %d refers to a node that contains it", n.Line)
	}
	w.active[n] = true
	defer delete(w.active, n)
	total := int64(len(n.Value) + len(n.Tag) + 1)
	if n.Kind == yaml.AliasNode {
		s, err := w.size(n.Alias, depth+1)
		if err != nil {
			return 0, err
		}
		total = s
	}
	for _, c := range n.Content {
		s, err := w.size(c, depth+1)
		if err != nil {
			return 0, err
		}
		total += s
		if total > MaxExpandedBytes {
			return 0, fmt.Errorf("%w: with its YAML aliases expanded the document exceeds %d bytes (%d MiB) (near line %d); a description that large is almost certainly an alias bomb, not an API",
				ErrTooLarge, MaxExpandedBytes, MaxExpandedBytes>>20, c.Line)
		}
	}
	if total > MaxExpandedBytes {
		return 0, fmt.Errorf("%w: with its YAML aliases expanded the document exceeds %d bytes (%d MiB) (near line %d)", ErrTooLarge, MaxExpandedBytes, MaxExpandedBytes>>20, n.Line)
	}
	w.memo[n] = total
	return total, nil
}
