// Package normalize repairs the known classes of defect in Intercom's
// published OpenAPI descriptions so that kin-openapi loads them and
// oapi-codegen generates correct Go from them.
//
// Every repair is a named Rule written against the shape of a defect, never
// against a schema or operation name, so a version Intercom has not
// published yet goes through the same code. Each rule reports where it
// fired; the generator prints that report on every run.
package normalize

import (
	"fmt"
	"sort"
	"strings"
)

// Rule is one named repair.
type Rule struct {
	// Name is a short, stable identifier printed in reports.
	Name string
	// Defect says, in a sentence, which spec defect the rule repairs.
	Defect string
	// Apply repairs every instance of the defect in doc and records each
	// repair with r.
	Apply func(doc Doc, r *Report) error
}

// Finding is one repair a rule made.
type Finding struct {
	Rule   string // the rule's Name
	Where  string // a JSON pointer or operation the repair touched
	Detail string // what was done
}

func (f Finding) String() string {
	if f.Detail == "" {
		return f.Rule + ": " + f.Where
	}
	return f.Rule + ": " + f.Where + " -> " + f.Detail
}

// Report collects the findings of a run.
type Report struct {
	rule     string
	Findings []Finding
}

// Add records a repair by the running rule.
func (r *Report) Add(where, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Rule: r.rule, Where: where, Detail: fmt.Sprintf(format, args...)})
}

// Count returns how many repairs the named rule made.
func (r *Report) Count(rule string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Rule == rule {
			n++
		}
	}
	return n
}

// Summary returns one line per rule that fired, with its count, sorted by
// rule order of execution.
func (r *Report) Summary() string {
	var order []string
	counts := map[string]int{}
	for _, f := range r.Findings {
		if counts[f.Rule] == 0 {
			order = append(order, f.Rule)
		}
		counts[f.Rule]++
	}
	var b strings.Builder
	for _, name := range order {
		fmt.Fprintf(&b, "%s: %d repairs\n", name, counts[name])
	}
	return b.String()
}

// String lists every finding, one a line.
func (r *Report) String() string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Apply runs rules over doc in order, stopping at the first rule that
// fails. A rule fails only when it meets a defect it cannot repair safely.
func Apply(doc Doc, rules []Rule) (*Report, error) {
	r := &Report{}
	for _, rule := range rules {
		r.rule = rule.Name
		if err := rule.Apply(doc, r); err != nil {
			return r, fmt.Errorf("normalize rule %s: %w", rule.Name, err)
		}
	}
	r.rule = ""
	return r, nil
}

// Names returns the names of rules, for documentation and tests.
func Names(rules []Rule) []string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = r.Name
	}
	sort.Strings(names)
	return names
}
