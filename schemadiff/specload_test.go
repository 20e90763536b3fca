package schemadiff

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/specload"
	"github.com/intercomgo/intercom/versions"
)

// TestAliasBombIsRefused: a spec whose YAML aliases expand to hundreds of
// MiB fails with a clear error instead of exhausting memory.
func TestAliasBombIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-big: &big \"" + strings.Repeat("a", 1<<20) + "\"\npaths:\n  /x:\n    get:\n      x-copies: [")
	b.WriteString(strings.TrimSuffix(strings.Repeat("*big, ", 300), ", ") + "]\n")
	last := versions.All[len(versions.All)-1]
	_, err := Compare(context.Background(), Spec{Name: last.Name, Data: last.Spec}, Spec{Name: "bomb.yaml", Data: []byte(b.String())})
	require.ErrorIs(t, err, specload.ErrTooLarge)
	assert.Contains(t, err.Error(), "bomb.yaml")
}
