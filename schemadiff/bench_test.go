package schemadiff

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// BenchmarkDiff_2_11_2_12 measures the whole spec-level report: loading
// both specs, oasdiff's diff and checker, and the grouping. The Go-level
// view, which needs type-checking, is not part of it.
func BenchmarkDiff_2_11_2_12(b *testing.B) {
	base, err := VersionSpec("2.11")
	if err != nil {
		b.Fatal(err)
	}
	rev, err := VersionSpec("2.12")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := Compare(ctx, base, rev)
		if err != nil {
			b.Fatal(err)
		}
		if r.Summary.Entries == 0 {
			b.Fatal("empty report")
		}
	}
}

// BenchmarkOasdiffChangelog_2_11_2_12 measures oasdiff alone on the same
// pair: loading, diff and the checker at the info level, which is what its
// changelog command computes. The difference from BenchmarkDiff_2_11_2_12
// is the cost of the grouping.
func BenchmarkOasdiffChangelog_2_11_2_12(b *testing.B) {
	base, err := VersionSpec("2.11")
	if err != nil {
		b.Fatal(err)
	}
	rev, err := VersionSpec("2.12")
	if err != nil {
		b.Fatal(err)
	}
	loadInfo := func(data []byte) *load.SpecInfo {
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			b.Fatal(err)
		}
		return &load.SpecInfo{Spec: doc}
	}
	b.ReportAllocs()
	for b.Loop() {
		d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), loadInfo(base.Data), loadInfo(rev.Data))
		if err != nil {
			b.Fatal(err)
		}
		if changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO); len(changes) == 0 {
			b.Fatal("no changes")
		}
	}
}
