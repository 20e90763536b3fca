package conformance

import (
	"regexp"
	"slices"
	"strings"
)

// DefectClass is a kind of defect of the upstream descriptions: a way in
// which their examples break their own schemas. Every defect the suite
// finds must belong to a class; the classes, not a list of entries, are
// what a maintainer reviews, and the list of defects (defects.gen.go) is a
// report generated from them.
type DefectClass struct {
	// Name is short and stable: it appears in the report and in failures.
	Name string
	// Why says how the description is at fault, and why the suite may
	// build a value from the schema instead of using the example.
	Why string
	// match recognises one problem of a rejected example, as the
	// validator words it (without the "/pointer: " prefix).
	match *regexp.Regexp
}

// DefectClasses are the known classes, checked in order: the first that
// matches a problem explains it.
var DefectClasses = []DefectClass{
	{"union-no-branch", "an example matches no branch of a oneOf or anyOf (typically ids written as numbers, or a branch's required field left out)",
		regexp.MustCompile(`doesn't match any schema from "(oneOf|anyOf)"`)},
	{"allof-branch", "an example breaks one branch of an allOf",
		regexp.MustCompile(`doesn't match all schemas from "allOf"`)},
	{"wrong-type", "an example gives a value of another JSON type than the schema's (an id as a number where the schema says string, and the like)",
		regexp.MustCompile(`^value must be an? (string|integer|number|boolean|array|object)\b`)},
	{"missing-required", "an example leaves out a property the schema marks required",
		regexp.MustCompile(`^property ".*" is missing$`)},
	{"not-nullable", "an example sets null where the schema does not allow it",
		regexp.MustCompile(`^Value is not nullable$`)},
	{"format", "an example string breaks the schema's format (an empty email address, say)",
		regexp.MustCompile(`^string doesn't match the format "[^"]+"`)},
	{"not-in-enum", "an example gives a value outside the schema's enum",
		regexp.MustCompile(`^value is not one of the allowed values`)},
	{"no-valid-value", "no value satisfies the schema at all: the schema contradicts itself, and the operation cannot be called validly",
		regexp.MustCompile(`^no value built satisfies`)},
}

// classify returns the name of the class that explains one problem
// ("/a/b: reason", or the reason alone), or "" when none does.
func classify(problem string) string {
	reason := problem
	if strings.HasPrefix(reason, "/") {
		if i := strings.Index(reason, ": "); i >= 0 {
			reason = reason[i+2:]
		}
	}
	for _, c := range DefectClasses {
		if c.match.MatchString(reason) {
			return c.Name
		}
	}
	return ""
}

// shape names the class of a problem no rule explains, for the failure
// message: its reason with the specifics (quoted names, numbers) blanked.
func shape(problem string) string {
	reason := problem
	if strings.HasPrefix(reason, "/") {
		if i := strings.Index(reason, ": "); i >= 0 {
			reason = reason[i+2:]
		}
	}
	reason = regexp.MustCompile(`"[^"]*"`).ReplaceAllString(reason, `"…"`)
	reason = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`).ReplaceAllString(reason, "N")
	if len(reason) > 120 {
		reason = reason[:120] + "…"
	}
	return reason
}

// problemsOf splits the rejected examples ("example \"x\": /a: reason; /b:
// reason") or an error message into single problems.
func problemsOf(rejected []string) []string {
	var out []string
	for _, r := range rejected {
		// Drop an example's label: everything before the first pointer.
		if i := strings.Index(r, ": /"); i >= 0 && strings.HasPrefix(r, "example") {
			r = r[i+2:]
		}
		parts := strings.Split(r, "; /")
		for i, p := range parts {
			if i > 0 {
				p = "/" + p
			}
			out = append(out, p)
		}
	}
	return out
}

// explain classifies every problem of a defect: the sorted class names,
// and the shapes of the problems no class explains.
func explain(problems []string) (classes, unexplained []string) {
	for _, p := range problems {
		c := classify(p)
		if c == "" {
			if s := shape(p); !slices.Contains(unexplained, s) {
				unexplained = append(unexplained, s)
			}
			continue
		}
		if !slices.Contains(classes, c) {
			classes = append(classes, c)
		}
	}
	slices.Sort(classes)
	return classes, unexplained
}
