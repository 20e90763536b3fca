package schemadiff

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/flatten/allof"
	"github.com/oasdiff/oasdiff/load"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

// pairs are the consecutive versions the module knows.
func pairs(t testing.TB) [][2]versions.Version {
	t.Helper()
	var out [][2]versions.Version
	for i := 1; i < len(versions.All); i++ {
		out = append(out, [2]versions.Version{versions.All[i-1], versions.All[i]})
	}
	require.NotEmpty(t, out, "the module knows fewer than two versions")
	return out
}

// reports caches compareVersions: the tests only read the reports.
var reports sync.Map

func compareVersions(t testing.TB, base, rev string) *Report {
	t.Helper()
	if r, ok := reports.Load(base + " " + rev); ok {
		return r.(*Report)
	}
	r := compareVersionsUncached(t, base, rev)
	reports.Store(base+" "+rev, r)
	return r
}

func compareVersionsUncached(t testing.TB, base, rev string) *Report {
	t.Helper()
	b, err := VersionSpec(base)
	require.NoError(t, err)
	r, err := VersionSpec(rev)
	require.NoError(t, err)
	report, err := Compare(context.Background(), b, r)
	require.NoError(t, err)
	return report
}

// oasdiffChangelog is oasdiff's own changelog of two specs with allOf
// flattened (its --flatten-allof), computed here without this package.
func oasdiffChangelog(t testing.TB, base, rev []byte) checker.Changes {
	t.Helper()
	loadInfo := func(data []byte) *load.SpecInfo {
		doc, err := openapi3.NewLoader().LoadFromData(data)
		require.NoError(t, err)
		_, err = allof.MergeSpec(doc)
		require.NoError(t, err)
		return &load.SpecInfo{Spec: doc}
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), loadInfo(base), loadInfo(rev))
	require.NoError(t, err)
	return checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
}

// rawSpec is the part of a spec the tests read without kin-openapi.
type rawSpec struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// operations lists "METHOD /path" for every operation of a spec, with the
// key oasdiff matches paths by (parameter names do not count).
func operations(t testing.TB, data []byte) map[string]string {
	t.Helper()
	var s rawSpec
	require.NoError(t, json.Unmarshal(data, &s))
	out := map[string]string{}
	for path, item := range s.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				out[strings.ToUpper(method)+" "+pathParam.ReplaceAllString(path, "{}")] = strings.ToUpper(method) + " " + path
			}
		}
	}
	return out
}

func schemaNames(t testing.TB, data []byte) map[string]bool {
	t.Helper()
	var s rawSpec
	require.NoError(t, json.Unmarshal(data, &s))
	out := map[string]bool{}
	for name := range s.Components.Schemas {
		out[name] = true
	}
	return out
}

func TestVersionReports(t *testing.T) {
	for _, p := range pairs(t) {
		base, rev := p[0], p[1]
		t.Run(base.Name+"-"+rev.Name, func(t *testing.T) {
			r := compareVersions(t, base.Name, rev.Name)
			requireAccounted(t, r)
			require.Equal(t, base.Name, r.Base)
			require.Equal(t, rev.Name, r.Revision)

			// Operations added and removed, against the raw specs.
			bo, ro := operations(t, base.Spec), operations(t, rev.Spec)
			var wantAdded, wantRemoved []string
			shared := 0
			for k, op := range ro {
				if _, ok := bo[k]; !ok {
					wantAdded = append(wantAdded, op)
				}
			}
			for k, op := range bo {
				if _, ok := ro[k]; ok {
					shared++
				} else {
					wantRemoved = append(wantRemoved, op)
				}
			}
			opNames := func(ops []Operation) []string {
				var out []string
				for _, o := range ops {
					out = append(out, o.Method+" "+o.Path)
				}
				return out
			}
			require.ElementsMatch(t, wantAdded, opNames(r.OperationsAdded))
			require.ElementsMatch(t, wantRemoved, opNames(r.OperationsRemoved))
			require.Equal(t, len(wantAdded), r.Summary.ByKind[OperationAdded].Entries)
			require.Equal(t, len(wantRemoved), r.Summary.ByKind[OperationRemoved].Entries)
			for _, o := range r.OperationsRemoved {
				require.Equal(t, Breaking, o.Severity, "removing %s %s breaks its callers", o.Method, o.Path)
			}

			// Schemas added and removed, against the raw specs.
			bs, rs := schemaNames(t, base.Spec), schemaNames(t, rev.Spec)
			var wantSchemasAdded, wantSchemasRemoved, gotSchemasRemoved []string
			for n := range rs {
				if !bs[n] {
					wantSchemasAdded = append(wantSchemasAdded, n)
				}
			}
			for n := range bs {
				if !rs[n] {
					wantSchemasRemoved = append(wantSchemasRemoved, "removed the schema `"+n+"`")
				}
			}
			for _, c := range r.SchemasRemoved {
				gotSchemasRemoved = append(gotSchemasRemoved, c.Text)
			}
			require.ElementsMatch(t, wantSchemasAdded, r.SchemasAdded)
			require.ElementsMatch(t, wantSchemasRemoved, gotSchemasRemoved)
			for _, s := range r.Schemas {
				require.Truef(t, bs[s.Name] || rs[s.Name], "schema group %q is not a components schema", s.Name)
			}

			// The version header changes on (nearly) every operation: a
			// description may leave the header off a few (2.16 does, on
			// 5 of 162). Whatever its name, the report lists such a
			// change once.
			var everywhere []Change
			for _, c := range r.Common {
				if len(c.Operations)*10 >= shared*9 {
					everywhere = append(everywhere, c)
				}
			}
			require.NotEmpty(t, everywhere, "a change on nearly all %d shared operations is listed once", shared)
			for _, c := range everywhere {
				require.Equal(t, InParameter, c.Location, c.Text)
				require.Equal(t, len(c.Operations), c.Findings, c.Text)
			}
			for _, o := range r.Operations {
				for _, c := range o.Changes {
					for _, common := range r.Common {
						require.NotEqual(t, common.Text, c.Text, "a common change is repeated under %s %s", o.Method, o.Path)
					}
				}
			}

			// The point of the grouping: far fewer entries than findings.
			require.Less(t, r.Summary.Entries*4, r.Findings, "%d entries for %d findings", r.Summary.Entries, r.Findings)

			for _, k := range Kinds() {
				if c, ok := r.Summary.ByKind[k]; ok {
					t.Logf("%-20s %4d entries %4d breaking %5d findings", k, c.Entries, c.Breaking, c.Findings)
				}
			}
			t.Logf("%d entries from %d findings", r.Summary.Entries, r.Findings)
		})
	}
}

// TestEveryOasdiffFindingIsAccountedFor runs oasdiff's changelog apart
// from Compare and checks, rule by rule, that the report's entries stand
// for exactly the findings oasdiff made.
func TestEveryOasdiffFindingIsAccountedFor(t *testing.T) {
	for _, p := range pairs(t) {
		base, rev := p[0], p[1]
		t.Run(base.Name+"-"+rev.Name, func(t *testing.T) {
			changes := oasdiffChangelog(t, base.Spec, rev.Spec)
			want := map[string]int{}
			for _, c := range changes {
				want[c.GetId()]++
			}

			r := compareVersions(t, base.Name, rev.Name)
			require.Equal(t, len(changes), r.Findings)
			got := map[string]int{}
			for _, list := range [][]Operation{r.OperationsAdded, r.OperationsRemoved} {
				for _, o := range list {
					require.Len(t, o.Rules, 1, "%s %s", o.Method, o.Path)
					got[o.Rules[0]] += o.Findings
				}
			}
			groups := map[string]int{}
			count := func(group string, cs []Change) {
				for _, c := range cs {
					require.Positive(t, c.Findings, c.Text)
					got[c.Rule] += c.Findings
					groups[group] += c.Findings
				}
			}
			count("schemas removed", r.SchemasRemoved)
			count("common", r.Common)
			count("other", r.Other)
			for _, s := range r.Schemas {
				count("schema "+s.Name, s.Changes)
			}
			for _, o := range r.Operations {
				count("operation "+opKey(o.Method, o.Path), o.Changes)
			}
			require.Equal(t, want, got, "findings per oasdiff rule")

			// And each finding went to the group the entries say.
			placed := map[string]int{}
			for _, g := range r.placement {
				if !strings.HasPrefix(g, "operations ") {
					placed[g]++
				}
			}
			require.Equal(t, groups, placed)
		})
	}
}

func TestReportsAreDeterministic(t *testing.T) {
	p := pairs(t)[len(pairs(t))-1]
	render := func() ([]byte, []byte) {
		r := compareVersionsUncached(t, p[0].Name, p[1].Name)
		var md, js bytes.Buffer
		require.NoError(t, r.WriteMarkdown(&md))
		require.NoError(t, r.WriteJSON(&js))
		return md.Bytes(), js.Bytes()
	}
	md1, js1 := render()
	md2, js2 := render()
	require.Equal(t, string(md1), string(md2))
	require.Equal(t, string(js1), string(js2))

	var decoded Report
	require.NoError(t, json.Unmarshal(js1, &decoded))
	require.Positive(t, decoded.Findings)
	require.NotEmpty(t, decoded.Schemas)
	kinds := slices.Collect(maps.Keys(decoded.Summary.ByKind))
	require.Contains(t, kinds, BecameOptional)
}

// TestAdminAvatarIsAProbableSpecError checks the typed-object and
// flip-revert rules on the real 2.11 to 2.12 pair: 2.10 and 2.12 type the
// admin's avatar as a URL string, 2.11 as an object, and 2.12's example of
// GET /me shows an admin whose avatar is an object.
func TestAdminAvatarIsAProbableSpecError(t *testing.T) {
	for _, v := range []string{"2.10", "2.11", "2.12"} {
		if _, ok := versions.Lookup(v); !ok {
			t.Skipf("the module does not know version %s", v)
		}
	}
	r := compareVersions(t, "2.11", "2.12")
	var typed []Contradiction
	for _, c := range r.Contradictions {
		if c.Schema == "admin" {
			typed = append(typed, c)
		}
	}
	require.Len(t, typed, 1, "%v", typed)
	require.Equal(t, "GET /me", typed[0].Operation)
	require.Equal(t, "avatar", typed[0].Path)
	require.Contains(t, typed[0].Problem, "must be a string")

	var avatar []Change
	for _, c := range schemaEntries(r, "admin") {
		if c.Kind == TypeChanged && slices.Contains(c.Properties, "avatar") {
			avatar = append(avatar, c)
		}
	}
	require.Len(t, avatar, 1)
	require.Equal(t, Breaking, avatar[0].Oasdiff)
	require.Equal(t, Warning, avatar[0].Severity)
	require.Contains(t, avatar[0].Why, "flips and reverts: 2.10 says string/uri too, only 2.11 says object")
	require.Contains(t, avatar[0].Why, `GET /me has an object of type "admin"`)
}
