package pipeline

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/specload"
)

func TestLoadTreeRefusesAliasBomb(t *testing.T) {
	doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-big: &big \"" + strings.Repeat("a", 1<<20) +
		"\"\npaths:\n  /x:\n    get:\n      x-copies: [" + strings.TrimSuffix(strings.Repeat("*big, ", 300), ", ") + "]\n"
	_, err := LoadTree([]byte(doc))
	require.ErrorIs(t, err, specload.ErrTooLarge)
	_, err = Generate(Version{Name: "9.9", SHA256: "x"}, []byte(doc), nil)
	require.ErrorIs(t, err, specload.ErrTooLarge)
}
