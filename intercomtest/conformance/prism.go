package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercomgo/intercom"
	"github.com/intercomgo/intercom/intercomtest/internal/oas"
	"github.com/intercomgo/intercom/versions"
)

// Prism is Stoplight's OpenAPI mock server, a second, independent judge of
// whether a request is valid. The suite runs it from the module's
// node_modules (installed by `npm ci` in the module root from the committed
// package-lock.json), or from the path in the PRISM environment variable.
// Without it the Prism half of the suite fails, saying how to install it,
// unless INTERCOM_SKIP_PRISM=1 is set, which skips it.
const (
	EnvPrism     = "PRISM"
	EnvSkipPrism = "INTERCOM_SKIP_PRISM"
)

// prismStartup bounds how long Prism may take to listen; it takes a few
// seconds on a large description.
const prismStartup = 90 * time.Second

// PrismPath finds the Prism executable: $PRISM, or node_modules/.bin/prism
// in the module root above the working directory.
func PrismPath() (string, error) {
	if p := os.Getenv(EnvPrism); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvPrism, p, err)
		}
		return p, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "node_modules", ".bin", "prism")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("no Prism at %s: run `npm ci` in %s (it installs the version pinned in package-lock.json), set %s to a prism executable, or set %s=1 to skip the checks against Prism", p, root, EnvPrism, EnvSkipPrism)
	}
	return p, nil
}

// moduleRoot is the nearest directory at or above the working directory
// that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run the tests inside the module")
		}
		dir = parent
	}
}

// tail keeps the last bytes written to it, for diagnostics.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	const keep = 16 << 10
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > keep {
		t.buf = t.buf[len(t.buf)-keep:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// startPrism serves version's description with Prism on a free loopback
// port until the test ends, and returns its base URL.
func startPrism(t *testing.T, bin, version string) string {
	t.Helper()
	v, ok := versions.Lookup(version)
	if !ok {
		t.Fatalf("unknown version %q", version)
	}
	// Prism reads the normalized description: it refuses some upstream files.
	spec := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(spec, v.Spec, 0o644); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	out := &tail{}
	started := time.Now()
	cmd := exec.Command(bin, "mock", "--host", "127.0.0.1", "--port", port, spec)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Prism (%s): %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	base := "http://127.0.0.1:" + port
	probe := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(prismStartup)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("Prism exited before listening (%v):\n%s", err, out)
		default:
		}
		if resp, err := probe.Get(base + "/"); err == nil {
			resp.Body.Close()
			t.Logf("Prism %s serves Intercom API %s at %s after %v", bin, version, base, time.Since(started).Round(time.Millisecond))
			return base
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prism did not listen on %s within %v:\n%s", base, prismStartup, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// prismViolation is one entry of Prism's sl-violations header, or of the
// validation list of its 422 problem body.
type prismViolation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code"`
	Message  string   `json:"message"`
}

func (v prismViolation) String() string {
	return fmt.Sprintf("%s: %s (%v)", strings.Join(v.Location, "."), v.Message, v.Code)
}

// prismViolations returns the errors Prism found in the side ("request" or
// "response") of an exchange: those of its sl-violations header, located
// from "request" or "response", and, for the request, those of the 422
// problem body it makes up when the description documents no error answer,
// located from within the request ("query", "body", ...).
func prismViolations(x *exchange, side string) []prismViolation {
	var header []prismViolation
	if h := x.header.Get("sl-violations"); h != "" {
		_ = json.Unmarshal([]byte(h), &header)
	}
	var out []prismViolation
	for _, v := range header {
		if len(v.Location) > 0 && v.Location[0] == side && strings.EqualFold(v.Severity, "error") {
			out = append(out, v)
		}
	}
	if side != "request" || x.status < 400 {
		return out
	}
	var problem struct {
		Validation []prismViolation `json:"validation"`
	}
	if json.Unmarshal(x.body, &problem) == nil {
		for _, v := range problem.Validation {
			if strings.EqualFold(v.Severity, "error") {
				v.Location = append([]string{"request"}, v.Location...)
				out = append(out, v)
			}
		}
	}
	return out
}

func runPrism[C any](t *testing.T, doc *oas.Doc, plans []*planned, newClient func(...intercom.Option) (C, error), calls map[string]Call[C]) {
	if os.Getenv(EnvSkipPrism) == "1" {
		t.Skipf("%s=1: not checking the requests against Prism", EnvSkipPrism)
	}
	bin, err := PrismPath()
	if err != nil {
		t.Fatal(err)
	}
	base := startPrism(t, bin, doc.Version)
	c, rec := client(t, base, newClient)
	drive(t, doc.Version, "Prism", plans, calls, func(t *testing.T, p *planned, call Call[C]) []string {
		return prismProblems(t, c, rec, p, call)
	})
}

// prismProblems makes one call against Prism and lists what went wrong: a
// request Prism rejects, a body other than the one set, or an answer that
// Prism holds valid but that does not decode. An answer that breaks the
// description (Prism answers with the description's examples as they are)
// is only noted.
func prismProblems[C any](t *testing.T, c C, rec *recorder, p *planned, call Call[C]) []string {
	res, err := invoke(t, call, c, p.in)
	x := rec.take()
	if x == nil {
		return []string{fmt.Sprintf("%s got no answer from Prism: %v", call.Method, err)}
	}
	var problems []string
	for _, v := range prismViolations(x, "request") {
		problems = append(problems, "Prism rejected the request: "+v.String())
	}
	answerBroken := prismViolations(x, "response")
	for _, v := range answerBroken {
		t.Logf("notice: Prism's answer (an example of the description) breaks the description: %s", v)
	}
	if p.in.body != nil && !jsonEqual(x.sent, p.in.body) {
		problems = append(problems, fmt.Sprintf("%s sent a body other than the one set:\n set:  %s\n sent: %s", call.Method, p.in.body, x.sent))
	}
	if p.in.form != nil {
		problems = append(problems, formProblems(call.Method, p.in.form, x.sentType, x.sent)...)
	}
	switch e, isAPI := apiError(err); {
	case err == nil:
		if call.Result && res == nil {
			problems = append(problems, call.Method+" returned no body")
		}
	case isAPI:
		problems = append(problems, fmt.Sprintf("Prism answered %d: %s", e.StatusCode, clip(x.body)))
	case len(answerBroken) > 0:
		// Prism accepted the request and answered with one of the
		// description's broken examples; the fake server's answer is
		// the valid one, and that decoded.
		t.Logf("notice: %s: Prism's %d answer breaks the description and does not decode: %v", call.Method, x.status, err)
	case responseDefect(p, x.status) != nil:
		// Prism answers with the description's examples as they are, and
		// does not always see that one breaks its schema; the suite found
		// that it does, and the fake server's valid answer decoded.
		d := responseDefect(p, x.status)
		t.Logf("notice: %s: Prism's %d answer is the description's example, which breaks its schema (%s: %s), and does not decode: %v", call.Method, x.status, d.Class, d.Why, err)
	default:
		problems = append(problems, fmt.Sprintf("%s: Prism's %d answer, valid by Prism, does not decode into the typed result: %v\n answer: %s", call.Method, x.status, err, clip(x.body)))
	}
	return problems
}

// responseDefect returns the defect of p's examples of the answer with the
// given status, if there is one.
func responseDefect(p *planned, status int) *Defect {
	where := fmt.Sprintf("response %d", status)
	for i := range p.defects {
		if p.defects[i].Where == where {
			return &p.defects[i]
		}
	}
	return nil
}
