package schemadiff

// Report is the grouped comparison of two OpenAPI descriptions. Each oasdiff
// finding is in exactly one of OperationsAdded, OperationsRemoved,
// SchemasRemoved, Common, Schemas, Operations or Other; Findings counts them
// all.
type Report struct {
	// Base and Revision name the two descriptions compared.
	Base     string `json:"base"`
	Revision string `json:"revision"`
	// Findings is the number of findings oasdiff's checker reported.
	Findings int `json:"findings"`
	// Filter lists the operations the report was narrowed to, if any.
	Filter []string `json:"filter,omitempty"`
	// Neighbours names the versions around the pair that the calibration
	// rules consulted ("2.10" before, "2.13" after), if any.
	Neighbours []string `json:"neighbours,omitempty"`
	// Summary counts the entries by kind and severity.
	Summary Summary `json:"summary"`

	// OperationsAdded and OperationsRemoved list whole operations.
	OperationsAdded   []Operation `json:"operationsAdded"`
	OperationsRemoved []Operation `json:"operationsRemoved"`
	// SchemasAdded names the components schemas only Revision has. oasdiff
	// reports no finding for them: a new schema breaks nobody.
	SchemasAdded []string `json:"schemasAdded"`
	// SchemasRemoved lists the components schemas only Base has.
	SchemasRemoved []Change `json:"schemasRemoved"`
	// Common lists changes found identically on a large share of the
	// operations both versions have, each reported once.
	Common []Change `json:"common"`
	// Schemas lists the changes inside each components schema, each once
	// however many operations reach it.
	Schemas []SchemaChanges `json:"schemas"`
	// Operations lists the remaining changes by operation.
	Operations []OperationChanges `json:"operations"`
	// Other lists findings tied to no operation or schema, such as security
	// scheme changes.
	Other []Change `json:"other"`

	// Examples lists what changed in the spec's examples alone; it is not
	// part of the wire view's severity.
	Examples []ExampleChange `json:"examples"`
	// Contradictions lists the revision's examples that its own schema
	// rejects (and the base's did not): probable errors in the spec.
	Contradictions []Contradiction `json:"contradictions"`

	// Go is the Go-level view, when it was computed (see CompareGo).
	Go *GoReport `json:"go,omitempty"`
	// GoNote says why Go is nil, when someone asked for it.
	GoNote string `json:"goNote,omitempty"`

	// placement records, for each checker finding, the group it went to;
	// tests use it to prove that every finding is accounted for once.
	placement []string
}

// Operation is an operation added or removed.
type Operation struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	OperationID string   `json:"operationId,omitempty"`
	Severity    Severity `json:"severity"`
	// Rules are the oasdiff rules that reported the operation.
	Rules    []string `json:"rules"`
	Findings int      `json:"findings"`
}

// Change is one entry of a report: one change, however many findings it
// stands for.
type Change struct {
	Kind Kind `json:"kind"`
	// Severity is the calibrated severity: what the change means on the
	// wire for a client written against the base.
	Severity Severity `json:"severity"`
	// Oasdiff is the severity oasdiff's checker gave.
	Oasdiff Severity `json:"oasdiffSeverity"`
	// Annotation marks annotation churn: a flag that flips between
	// versions without the API changing. Such entries are listed apart and
	// count in Summary.Annotations, not in Summary.BySeverity.
	Annotation bool `json:"annotation,omitempty"`
	// Why says why Severity differs from Oasdiff, or why the entry is
	// annotation churn.
	Why string `json:"why,omitempty"`
	// Values lists the enum values the entry covers, when several.
	Values   []string `json:"values,omitempty"`
	Location Location `json:"location"`
	// Rule is the oasdiff rule that found the change.
	Rule string `json:"rule"`
	// Text says what changed, in oasdiff's words; for a schema change the
	// property path is relative to the schema.
	Text string `json:"text"`
	// Properties lists the property paths the entry covers, when its
	// findings differ only in the property they name.
	Properties []string `json:"properties,omitempty"`
	// Comment is oasdiff's explanation of the severity, when it has one.
	Comment string `json:"comment,omitempty"`
	// Operations lists the operations the change was found on ("GET
	// /contacts"), for common and schema changes.
	Operations []string `json:"operations,omitempty"`
	// Findings is the number of oasdiff findings the entry stands for.
	Findings int `json:"findings"`
}

// SchemaChanges lists the changes inside one components schema.
type SchemaChanges struct {
	Name    string   `json:"name"`
	Changes []Change `json:"changes"`
}

// OperationChanges lists the changes specific to one operation.
type OperationChanges struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	OperationID string   `json:"operationId,omitempty"`
	Changes     []Change `json:"changes"`
}

// Summary counts a report's entries.
type Summary struct {
	// Entries is the number of entries (operations added and removed
	// count one each).
	Entries int `json:"entries"`
	// BySeverity counts the wire view's entries by severity; annotation
	// churn is left out.
	BySeverity map[Severity]int `json:"bySeverity"`
	// Annotations counts the annotation churn entries.
	Annotations int `json:"annotations"`
	// Examples counts the example-only changes and Contradictions the
	// examples their own schema rejects.
	Examples       int `json:"examples"`
	Contradictions int `json:"contradictions"`
	// ByKind counts entries and findings by kind.
	ByKind map[Kind]KindCount `json:"byKind"`
}

// KindCount is how often one kind of change occurs.
type KindCount struct {
	Entries  int `json:"entries"`
	Breaking int `json:"breaking"`
	Findings int `json:"findings"`
}

// Count returns how many entries have at least severity min.
func (r *Report) Count(min Severity) int {
	n := 0
	for s, c := range r.Summary.BySeverity {
		if s.AtLeast(min) {
			n += c
		}
	}
	return n
}

// Has reports whether any entry has at least severity min.
func (r *Report) Has(min Severity) bool { return r.Count(min) > 0 }

// each calls f for every entry of the report, with the operations added
// and removed turned into entries.
func (r *Report) each(f func(Change)) {
	for _, o := range r.OperationsAdded {
		f(Change{Kind: OperationAdded, Severity: o.Severity, Findings: o.Findings})
	}
	for _, o := range r.OperationsRemoved {
		f(Change{Kind: OperationRemoved, Severity: o.Severity, Findings: o.Findings})
	}
	for _, c := range r.SchemasRemoved {
		f(c)
	}
	for _, c := range r.Common {
		f(c)
	}
	for _, s := range r.Schemas {
		for _, c := range s.Changes {
			f(c)
		}
	}
	for _, o := range r.Operations {
		for _, c := range o.Changes {
			f(c)
		}
	}
	for _, c := range r.Other {
		f(c)
	}
}

func (r *Report) summarize() {
	r.Summary = Summary{BySeverity: map[Severity]int{}, ByKind: map[Kind]KindCount{}}
	r.Summary.Examples, r.Summary.Contradictions = len(r.Examples), len(r.Contradictions)
	r.each(func(c Change) {
		r.Summary.Entries++
		if c.Annotation {
			r.Summary.Annotations++
		} else {
			r.Summary.BySeverity[c.Severity]++
		}
		k := r.Summary.ByKind[c.Kind]
		k.Entries++
		k.Findings += c.Findings
		if c.Severity == Breaking && !c.Annotation {
			k.Breaking++
		}
		r.Summary.ByKind[c.Kind] = k
	})
}
