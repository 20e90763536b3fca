package normalize

import (
	"strings"
	"unicode"
)

// MissingOperationID gives every operation without an operationId one made
// from its method and path, so that everything downstream (the typed
// method, the tests, the docs, the fake server's routes) names the
// operation by one stable, readable key: GET /export/reporting_data/{job_identifier}
// becomes getExportReportingDataByJobIdentifier. A name another operation
// already has gets a numeric suffix.
var MissingOperationID = Rule{
	Name:   "missing-operation-id",
	Defect: "an operation has no operationId, so tools name it each their own way",
	Apply: func(doc Doc, r *Report) error {
		ops := operations(doc)
		taken := map[string]bool{}
		for _, o := range ops {
			if id := asString(o.op["operationId"]); id != "" {
				taken[strings.ToLower(id)] = true
			}
		}
		for _, o := range ops {
			if asString(o.op["operationId"]) != "" {
				continue
			}
			base := OperationIDFor(o.method, o.path)
			id := base
			for n := 2; taken[strings.ToLower(id)]; n++ {
				id = base + itoa(n)
			}
			taken[strings.ToLower(id)] = true
			o.op["operationId"] = id
			r.Add(o.pointer(), "operationId %s", id)
		}
		return nil
	},
}

// OperationIDFor is the operationId MissingOperationID gives an operation:
// the lower-case method, then each path segment in camel case, a
// parameter segment as "By" and the parameter's name.
func OperationIDFor(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			b.WriteString("By")
			seg = strings.Trim(seg, "{}")
		}
		for _, word := range strings.FieldsFunc(seg, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) {
			rs := []rune(word)
			rs[0] = unicode.ToUpper(rs[0])
			b.WriteString(string(rs))
		}
	}
	return b.String()
}

func itoa(n int) string {
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}
