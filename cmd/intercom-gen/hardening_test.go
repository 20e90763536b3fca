package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/gen/manifest"
)

func TestSpecOverPlainHTTPIsRefused(t *testing.T) {
	data, _, err := readSource("http://example.invalid/api.intercom.io.yaml", "2.13", "", manifest.Source{})
	require.Error(t, err)
	assert.Nil(t, data)
	assert.Contains(t, err.Error(), "plain http is refused")
	assert.Contains(t, err.Error(), "https URL or a local file")
}
