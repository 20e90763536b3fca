package schemadiff

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o644) }

func TestVersionSpec(t *testing.T) {
	last := versions.All[len(versions.All)-1]
	for _, name := range []string{last.Name, last.Package} {
		s, err := VersionSpec(name)
		require.NoError(t, err)
		require.Equal(t, last.Name, s.Name)
		require.Equal(t, last.Spec, s.Data)
		require.Equal(t, "github.com/intercomgo/intercom/versions/"+last.Package, s.GoPackage)
	}
}

func TestUnknownVersionListsTheKnownOnes(t *testing.T) {
	_, err := VersionSpec("1.0")
	var unknown *UnknownVersionError
	require.True(t, errors.As(err, &unknown))
	require.Equal(t, "1.0", unknown.Name)
	require.Equal(t, versions.Names(), unknown.Known)
	require.ErrorContains(t, err, strings.Join(versions.Names(), ", "))
}

func TestNotOpenAPI(t *testing.T) {
	good := parseTree(t, baseSpec).spec(t, "good")
	cases := map[string]struct {
		data    string
		message string
		notOAS  bool
	}{
		"empty":          {data: " \n", message: "empty", notOAS: true},
		"not YAML":       {data: "{{{ :", message: "load"},
		"other YAML":     {data: "name: value\nitems: [1, 2]\n", message: `no top-level "openapi"`, notOAS: true},
		"swagger 2":      {data: `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}`, message: `no top-level "openapi"`, notOAS: true},
		"openapi 4":      {data: "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {/a: {}}\n", message: "want 3.x", notOAS: true},
		"no paths":       {data: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n", message: "no paths", notOAS: true},
		"dangling $ref":  {data: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/missing'}\n", message: "load"},
		"a JSON array":   {data: "[1, 2, 3]", message: "load"},
		"binary garbage": {data: "\x00\x01\x02\xff", message: "load"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, bad := range []struct{ base, rev Spec }{
				{Spec{Name: "bad", Data: []byte(tc.data)}, good},
				{good, Spec{Name: "bad", Data: []byte(tc.data)}},
			} {
				r, err := Compare(context.Background(), bad.base, bad.rev)
				require.Nil(t, r)
				var se *SpecError
				require.Truef(t, errors.As(err, &se), "got %v", err)
				require.Equal(t, "bad", se.Name)
				require.ErrorContains(t, err, tc.message)
				require.Equal(t, tc.notOAS, errors.Is(err, ErrNotOpenAPI), "%v", err)
			}
		})
	}
}

func TestCompareStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := parseTree(t, baseSpec).spec(t, "s")
	_, err := Compare(ctx, s, s)
	require.ErrorIs(t, err, context.Canceled)
}

func TestParseFlags(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "MD": Markdown, "markdown": Markdown, "json": JSON} {
		got, ok := ParseFormat(in)
		require.True(t, ok, in)
		require.Equal(t, want, got)
	}
	_, ok := ParseFormat("xml")
	require.False(t, ok)
	require.ErrorContains(t, (&Report{}).Write(&bytes.Buffer{}, Format("xml")), "unknown format")

	s, ok := ParseSeverity("Breaking")
	require.True(t, ok)
	require.Equal(t, Breaking, s)
	_, ok = ParseSeverity("fatal")
	require.False(t, ok)
	require.True(t, Breaking.AtLeast(Warning))
	require.True(t, Warning.AtLeast(Warning))
	require.False(t, Compatible.AtLeast(Warning))
}
