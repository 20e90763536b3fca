package conformance

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

// Defect is a place where a description's own examples break its own
// schemas, so that the suite had to build a value from the schema instead.
type Defect struct {
	Version   string
	Operation string
	// Where names the value: "request body", "response 200", or
	// "path parameter id".
	Where string
	// Class names the defect classes (DefectClasses) that explain the
	// problems, comma-separated.
	Class string
	// Why summarizes the problems; it documents, and is not compared.
	Why string

	// unexplained are the shapes of the problems no class explains.
	unexplained []string
}

func (d Defect) key() string {
	return d.Version + "\x00" + d.Operation + "\x00" + d.Where + "\x00" + d.Class
}

// String renders the defect as an entry of the generated report.
func (d Defect) String() string {
	return fmt.Sprintf("{Version: %q, Operation: %q, Where: %q, Class: %q, Why: %q},", d.Version, d.Operation, d.Where, d.Class, d.Why)
}

// newDefect classifies the problems found at one place of an operation.
func newDefect(version, op, where string, problems []string) Defect {
	classes, unexplained := explain(problemsOf(problems))
	return Defect{Version: version, Operation: op, Where: where, Class: strings.Join(classes, ","), Why: summarize(problems), unexplained: unexplained}
}

// planned is the valid request built for one operation.
type planned struct {
	op      *oas.Operation
	in      *Input
	defects []Defect
	// answer is what the fake answers by default; answerErr why it cannot.
	answer    *oas.Answer
	answerErr error
	// result is the schema of the success body; nil without one.
	result *openapi3.Schema
	err    error // why no valid request could be built
}

// plan builds a valid request for every operation of doc.
func plan(doc *oas.Doc) []*planned {
	out := make([]*planned, 0, len(doc.Operations))
	for _, op := range doc.Operations {
		p := &planned{op: op}
		p.in, p.err = p.build(doc.Version)
		p.answer, p.answerErr = op.SuccessAnswer()
		if _, resp := op.SuccessStatus(); resp != nil {
			if _, mt := oas.JSONMedia(resp.Content); mt != nil && mt.Schema != nil {
				p.result = mt.Schema.Value
			}
		}
		if p.answerErr == nil {
			// Every example of a success answer should be one.
			p.note(doc.Version, fmt.Sprintf("response %d", p.answer.Status), p.answer.Sample, true)
		}
		out = append(out, p)
	}
	return out
}

// note records a defect when an example was rejected: when any was, if
// each must be valid, else only when all were. (A request body's examples
// may show a request that is meant to fail.)
func (p *planned) note(version, where string, s oas.Sample, each bool) {
	if len(s.Rejected) == 0 || (!each && !s.FromSchema()) {
		return
	}
	p.defects = append(p.defects, newDefect(version, p.op.ID, where, s.Rejected))
}

// summarize shortens the problems of the rejected examples to one line.
func summarize(rejected []string) string {
	first := rejected[0]
	const limit = 160
	if len(first) > limit {
		first = first[:limit] + "…"
	}
	if n := len(rejected); n > 1 {
		first += fmt.Sprintf(" (and %d more examples)", n-1)
	}
	return first
}

func (p *planned) build(version string) (*Input, error) {
	in := &Input{op: p.op.ID, path: map[string]json.RawMessage{}}
	params := map[string]any{}
	for _, prm := range p.op.Parameters() {
		// Optional headers are the transport's business (it sets
		// Intercom-Version itself); required ones must be sent.
		if prm.In == openapi3.ParameterInHeader && !prm.Required {
			continue
		}
		if prm.In == openapi3.ParameterInCookie {
			continue
		}
		s, err := oas.FromParameter(prm)
		if err != nil {
			p.defects = append(p.defects, newDefect(version, p.op.ID, fmt.Sprintf("%s parameter %s", prm.In, prm.Name), []string{err.Error()}))
			return nil, fmt.Errorf("%s parameter %q: %w", prm.In, prm.Name, err)
		}
		p.note(version, fmt.Sprintf("%s parameter %s", prm.In, prm.Name), s, true)
		if prm.In == openapi3.ParameterInPath {
			raw, err := json.Marshal(s.Value)
			if err != nil {
				return nil, err
			}
			in.path[prm.Name] = raw
			continue
		}
		params[prm.Name] = s.Value
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	in.params = raw
	if rb := p.op.Op.RequestBody; rb != nil && rb.Value != nil {
		_, mt := oas.JSONMedia(rb.Value.Content)
		if mt != nil {
			s, err := oas.FromMedia(mt, oas.Request)
			if err != nil {
				// Neither an example nor the schema yields a valid body:
				// the schema contradicts itself.
				p.defects = append(p.defects, newDefect(version, p.op.ID, "request body", []string{err.Error()}))
				return nil, fmt.Errorf("request body: %w", err)
			}
			p.note(version, "request body", s, false)
			// Keys the schema does not declare have no place in the typed
			// body; the suite sets only what the client can send.
			var schema *openapi3.Schema
			if mt.Schema != nil {
				schema = mt.Schema.Value
			}
			if in.body, err = json.Marshal(oas.Declared(schema, s.Value)); err != nil {
				return nil, err
			}
		} else if fm := oas.FormMedia(rb.Value.Content); fm != nil {
			// An upload: the same sample, sent as a form.
			s, err := oas.FromMedia(fm, oas.Request)
			if err != nil {
				p.defects = append(p.defects, newDefect(version, p.op.ID, "request body", []string{err.Error()}))
				return nil, fmt.Errorf("request body: %w", err)
			}
			p.note(version, "request body", s, false)
			if in.form, err = planForm(fm, s.Value); err != nil {
				return nil, fmt.Errorf("multipart request body: %w", err)
			}
		}
	}
	return in, nil
}
