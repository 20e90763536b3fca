package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormatGoComputesImports: a template need not foresee the packages a
// version's types use. "time" is missing and "fmt" unused.
func TestFormatGoComputesImports(t *testing.T) {
	src := []byte(`package p

import "fmt"

// When is a date-time field.
type When struct{ At time.Time }
`)
	out, err := FormatGo("x.go", src)
	require.NoError(t, err)
	assert.Contains(t, string(out), `import "time"`)
	assert.NotContains(t, string(out), `"fmt"`)

	_, err = FormatGo("x.go", []byte("package p\nfunc {"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "format x.go", "names the file")
	assert.Contains(t, err.Error(), "    2 func {", "shows the numbered source")
}
