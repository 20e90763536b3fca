// Command intercom-diff reports what changes between two Intercom API
// versions, or two OpenAPI files, grouped so that a person can read it.
//
//	intercom-diff [flags] BASE REVISION
//	intercom-diff -check ./mypkg/... BASE REVISION
//	intercom-diff -changelog DIR
//
// BASE and REVISION are versions the module knows ("2.11", or the package
// name "v2_11"), read from the embedded specs, or paths of OpenAPI files
// (YAML or JSON), which are normalized the way the generator normalizes an
// upstream spec before they are compared. -before and -after name the
// versions (or files) around the pair, which tell annotation churn from a
// real change; for known versions they default to the module's.
//
// The report has two views, each with its own severity: the wire view
// (what Intercom sends and accepts differently, calibrated against the
// neighbouring versions so that annotation churn is listed apart) and, for
// two versions, the Go view (what stops compiling when an import moves
// from one version package to the other). Changes only in the examples,
// and examples their own schema contradicts, close the report.
//
// -op narrows both views to some operations (operation ids or Go method
// names, any case) and the schemas they reach. -check type-checks your
// packages against the revision's package without touching them and lists
// each compile error beside the Go view entry that explains it.
//
// The exit status is 0 on success, 1 when -fail-on is given and a change
// at least that severe is found, and 2 on an error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/intercomgo/intercom/gen/normalize"
	"github.com/intercomgo/intercom/gen/pipeline"
	"github.com/intercomgo/intercom/schemadiff"
	"github.com/intercomgo/intercom/versions"
)

const usage = `usage: intercom-diff [flags] BASE REVISION
       intercom-diff -op createContact,ListConversations BASE REVISION
       intercom-diff -check ./mypkg/... BASE REVISION
       intercom-diff -changelog DIR

BASE and REVISION are versions the module knows (%s)
or paths of OpenAPI files, YAML or JSON, which are normalized the way the
generator normalizes upstream specs. For files, -before and -after give the
neighbouring versions that tell annotation churn from a real change; without
them the effective-schema rules alone decide.

The report has a wire view (what Intercom sends and accepts differently;
annotation churn that the neighbouring versions contradict is listed apart)
and, for two versions, a Go view (what stops compiling when an import moves
from one version package to the other), then changes only in examples and
probable spec errors. -check prints only the compile errors your packages
would have, each beside the Go view entry that explains it, or "nothing to
change".

Exit status: 0 when done, 1 when -fail-on finds a change that severe
(or -check finds code to change), 2 on an error.

flags:
`

// Exit statuses.
const (
	exitOK     = 0
	exitFailOn = 1
	exitError  = 2
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// goMode says whether to add the Go-level view.
type goMode string

const (
	goAuto goMode = "auto" // when both sides are versions and the source is at hand
	goOn   goMode = "on"   // always; an error when it cannot be done
	goOff  goMode = "off"
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intercom-diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text, markdown or json")
	output := fs.String("o", "", "write the report to `FILE` instead of standard output")
	failOn := fs.String("fail-on", "", "exit with status 1 when a change at least this severe is found: breaking or warning")
	goFlag := fs.String("go", string(goAuto), "the Go-level view of two versions' packages: auto (when run inside the module), on, or off")
	share := fs.Float64("common-share", schemadiff.DefaultCommonShare, "report a change once when found identically on at least this share (0-1] of the operations")
	changelog := fs.String("changelog", "", "write the Markdown changelog of each pair of consecutive versions into `DIR`")
	ops := fs.String("op", "", "narrow both views to these `OPERATIONS`: comma-separated operation ids or Go method names, any case")
	before := fs.String("before", "", "the version or spec file just before BASE, for telling annotation churn from a change (default: the module's, when BASE is a version it knows)")
	after := fs.String("after", "", "the version or spec file just after REVISION, likewise")
	check := fs.String("check", "", "type-check these `PACKAGES` (comma-separated patterns, e.g. ./mypkg/...) against REVISION's package, files untouched")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, strings.Join(versions.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "intercom-diff:", err)
		return exitError
	}
	if *share <= 0 || *share > 1 {
		return fail(fmt.Errorf("-common-share %v: give a share greater than 0 and at most 1", *share))
	}
	opts := []schemadiff.Option{schemadiff.WithCommonShare(*share)}

	if *changelog != "" {
		if fs.NArg() != 0 {
			return fail(errors.New("-changelog takes no versions: it writes every pair of consecutive versions"))
		}
		names, err := schemadiff.WriteChangelogs(ctx, *changelog, "", opts...)
		if err != nil {
			return fail(err)
		}
		for _, n := range names {
			fmt.Fprintln(stderr, "wrote", filepath.Join(*changelog, n))
		}
		return exitOK
	}

	f, ok := schemadiff.ParseFormat(*format)
	if !ok {
		return fail(fmt.Errorf("-format %q: use text, markdown or json", *format))
	}
	var min schemadiff.Severity
	if *failOn != "" {
		if min, ok = schemadiff.ParseSeverity(*failOn); !ok || min == schemadiff.Compatible {
			return fail(fmt.Errorf("-fail-on %q: use breaking or warning", *failOn))
		}
	}
	mode := goMode(*goFlag)
	if mode != goAuto && mode != goOn && mode != goOff {
		return fail(fmt.Errorf("-go %q: use auto, on or off", *goFlag))
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return fail(fmt.Errorf("want two versions or spec files to compare, got %d arguments", fs.NArg()))
	}

	base, err := side(fs.Arg(0))
	if err != nil {
		return fail(err)
	}
	rev, err := side(fs.Arg(1))
	if err != nil {
		return fail(err)
	}
	if *before != "" || *after != "" {
		var prev, next *schemadiff.Spec
		for _, n := range []struct {
			arg  string
			into **schemadiff.Spec
		}{{*before, &prev}, {*after, &next}} {
			if n.arg == "" {
				continue
			}
			s, err := side(n.arg)
			if err != nil {
				return fail(err)
			}
			*n.into = &s
		}
		opts = append(opts, schemadiff.WithNeighbours(prev, next))
	}
	var sel *schemadiff.Selection
	if *ops != "" {
		if sel, err = schemadiff.SelectOperations(base, rev, strings.Split(*ops, ",")); err != nil {
			return fail(err)
		}
	}
	if *check != "" {
		return runCheck(ctx, strings.Split(*check, ","), base, rev, sel, f, stdout, stderr)
	}
	report, err := schemadiff.Compare(ctx, base, rev, opts...)
	if err != nil {
		return fail(err)
	}
	if mode != goOff {
		g, pkgs, note := goView(ctx, base, rev)
		switch {
		case g != nil:
			report.Go = g
			if sel != nil {
				pkgs.FilterGo(g, sel)
			}
		case mode == goOn:
			return fail(errors.New(note))
		default:
			report.GoNote = note
			fmt.Fprintln(stderr, "intercom-diff: note:", note)
		}
	}
	if sel != nil {
		report.Narrow(sel)
	}

	w := stdout
	if *output != "" {
		file, err := os.Create(*output)
		if err != nil {
			return fail(err)
		}
		defer file.Close()
		w = file
	}
	if err := report.Write(w, f); err != nil {
		return fail(err)
	}
	if *output != "" {
		if err := w.(*os.File).Close(); err != nil {
			return fail(err)
		}
	}
	if min != "" && report.Has(min) {
		fmt.Fprintf(stderr, "intercom-diff: %d changes at least %s\n", report.Count(min), min)
		return exitFailOn
	}
	return exitOK
}

// goView computes the Go view, or says why it cannot.
func goView(ctx context.Context, base, rev schemadiff.Spec) (*schemadiff.GoReport, schemadiff.GoPackages, string) {
	if base.GoPackage == "" || rev.GoPackage == "" {
		return nil, nil, "Go view left out: it compares the generated packages of two known versions, and spec files have none"
	}
	pkgs, err := schemadiff.LoadGoPackages(ctx, "", base.GoPackage, rev.GoPackage)
	if err != nil {
		return nil, nil, "Go view left out: " + err.Error()
	}
	g, err := pkgs.CompareGo(base.GoPackage, rev.GoPackage)
	if err != nil {
		return nil, nil, "Go view left out: " + err.Error()
	}
	return g, pkgs, ""
}

// runCheck type-checks the user's packages against the revision's package
// and prints the compile errors beside the Go view entries that explain
// them. The exit status is 1 when there is something to change.
func runCheck(ctx context.Context, patterns []string, base, rev schemadiff.Spec, sel *schemadiff.Selection, f schemadiff.Format, stdout, stderr io.Writer) int {
	if base.GoPackage == "" || rev.GoPackage == "" {
		fmt.Fprintln(stderr, "intercom-diff: -check needs two versions the module knows: spec files have no Go package to check against")
		return exitError
	}
	g, pkgs, note := goView(ctx, base, rev)
	if g == nil {
		fmt.Fprintln(stderr, "intercom-diff:", note)
		return exitError
	}
	if sel != nil {
		pkgs.FilterGo(g, sel)
	}
	res, err := schemadiff.CheckUpgrade(ctx, "", patterns, base.GoPackage, rev.GoPackage, g)
	if err != nil {
		fmt.Fprintln(stderr, "intercom-diff:", err)
		return exitError
	}
	if err := res.Write(stdout, f); err != nil {
		fmt.Fprintln(stderr, "intercom-diff:", err)
		return exitError
	}
	if len(res.Problems) > 0 {
		return exitFailOn
	}
	return exitOK
}

// versionLike matches arguments meant as version names rather than paths.
var versionLike = regexp.MustCompile(`^v?[0-9]+[._][0-9]+$|^(?i:unstable)$`)

// side reads one argument: a known version or a spec file.
func side(arg string) (schemadiff.Spec, error) {
	if _, ok := versions.Lookup(arg); ok {
		return schemadiff.VersionSpec(arg)
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if versionLike.MatchString(arg) {
				return schemadiff.VersionSpec(arg) // reports the known versions
			}
			return schemadiff.Spec{}, fmt.Errorf("%s: no such file, and not a known version (%s)", arg, strings.Join(versions.Names(), ", "))
		}
		return schemadiff.Spec{}, fmt.Errorf("read spec: %w", err)
	}
	normalized, err := normalizeFile(data)
	if err != nil {
		return schemadiff.Spec{}, &schemadiff.SpecError{Name: arg, Err: err}
	}
	return schemadiff.Spec{Name: arg, Data: normalized}, nil
}

// normalizeFile applies the generator's repairs, so that an upstream file
// with dangling references loads as the version packages' specs do.
func normalizeFile(data []byte) ([]byte, error) {
	doc, err := pipeline.LoadTree(data)
	if err != nil {
		return nil, err
	}
	if _, err := normalize.Apply(doc, normalize.Default); err != nil {
		return nil, fmt.Errorf("normalize: %w", err)
	}
	return pipeline.MarshalTree(doc)
}
