package schemadiff

import (
	"context"
	"syscall"
	"testing"
	"time"

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
	defer reportCPU(b)()
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
	defer reportCPU(b)()
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

// reportCPU starts counting the process's CPU time (user and system, all
// threads, the garbage collector's included) and returns a function that
// reports it per operation as cpu-ns/op. On a shared machine wall time
// (ns/op) depends on the other load; CPU time much less.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
