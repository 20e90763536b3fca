// Command defectreport writes the generated report of known spec defects
// (intercomtest/conformance/defects.gen.go) for every version of the
// versions registry. intercom-gen runs it, after writing the version
// packages, as a separate process so that it sees the new registry:
//
//	go run ./intercomtest/internal/defectreport -o FILE
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/intercomgo/intercom/intercomtest/conformance"
	"github.com/intercomgo/intercom/versions"
)

func main() {
	out := flag.String("o", "", "file to write the report to")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: defectreport -o FILE")
		os.Exit(2)
	}
	src, err := conformance.Report(versions.Names())
	if err != nil {
		fmt.Fprintln(os.Stderr, "spec defects:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
