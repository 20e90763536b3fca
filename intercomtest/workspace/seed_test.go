package workspace_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/intercomtest/workspace"
	"github.com/intercomgo/intercom/versions"
)

const seedJSON = `{
  "workspace": {"name": "Acme Support", "id_code": "acme0001"},
  "admins": [{"name": "Ada", "email": "ada@acme.com"}],
  "data_attributes": [{"name": "plan", "model": "contact", "data_type": "string"}],
  "tags": ["vip"],
  "companies": [{"company_id": "acme", "name": "Acme"}],
  "contacts": [{"email": "grace@acme.com", "name": "Grace", "custom_attributes": {"plan": "pro"}, "tags": ["vip", "beta"], "companies": ["acme"]}]
}`

func TestSeedFromJSON(t *testing.T) {
	seed, err := workspace.ReadSeed(strings.NewReader(seedJSON))
	require.NoError(t, err)
	ws := workspace.MustNew(t, workspace.WithSeed(seed))
	a := newAPI(t, ws, lastVersion())

	me := a.must(200, "GET", "/me", nil)
	assert.Equal(t, "Ada", me["name"])
	assert.Equal(t, "Acme Support", me["app"].(obj)["name"])

	list := a.must(200, "GET", "/contacts", nil)["data"].([]any)
	require.Len(t, list, 1)
	grace := list[0].(obj)
	assert.Equal(t, "pro", grace["custom_attributes"].(obj)["plan"])
	tags := a.must(200, "GET", "/contacts/"+grace["id"].(string)+"/tags", nil)["data"].([]any)
	var names []string
	for _, tg := range tags {
		names = append(names, tg.(obj)["name"].(string))
	}
	assert.Equal(t, []string{"vip", "beta"}, names, "tags named by a contact are created")
	companies := items(a.must(200, "GET", "/contacts/"+grace["id"].(string)+"/companies", nil), "companies", "data")
	require.Len(t, companies, 1)
	assert.Equal(t, "acme", companies[0].(obj)["company_id"])

	// Reset forgets what tests added and loads the seed again.
	a.must(200, "POST", "/contacts", obj{"email": "extra@acme.com"})
	require.NoError(t, ws.Reset())
	assert.Len(t, a.must(200, "GET", "/contacts", nil)["data"], 1)
	a.srv.AssertNoViolations(t)
}

func TestSeedErrorsSayWhere(t *testing.T) {
	for name, c := range map[string]struct{ json, want string }{
		"unknown key":     {`{"contact": []}`, `unknown field "contact"`},
		"duplicate email": {`{"contacts": [{"email": "a@x.com"}, {"email": "A@x.com"}]}`, "contacts[1]"},
		"undeclared attr": {`{"contacts": [{"email": "a@x.com", "custom_attributes": {"plan": "x"}}]}`, "Custom attribute 'plan' does not exist"},
		"unknown company": {`{"contacts": [{"email": "a@x.com", "companies": ["nope"]}]}`, `no seeded company has company_id "nope"`},
		"not json":        {`{`, "seed"},
	} {
		t.Run(name, func(t *testing.T) {
			seed, err := workspace.ReadSeed(strings.NewReader(c.json))
			if err == nil {
				_, err = workspace.New(workspace.WithSeed(seed))
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestOneWorkspaceServesEveryVersion(t *testing.T) {
	ws := workspace.MustNew(t)
	var apis []*api
	for _, v := range versions.All {
		apis = append(apis, newAPI(t, ws, v.Name))
	}
	id := apis[len(apis)-1].must(200, "POST", "/contacts", obj{"email": "shared@example.com"})["id"].(string)
	for _, a := range apis {
		assert.Equal(t, "shared@example.com", a.must(200, "GET", "/contacts/"+id, nil)["email"], a.version)
	}
	a := apis[0]
	a.must(200, "PUT", "/contacts/"+id, obj{"name": "Changed in " + a.version})
	assert.Equal(t, "Changed in "+a.version, apis[len(apis)-1].must(200, "GET", "/contacts/"+id, nil)["name"])
}

func TestOptionsAreChecked(t *testing.T) {
	for _, opt := range []workspace.Option{
		workspace.WithClock(nil), workspace.WithRateLimit(0, 0), workspace.WithRateLimit(5, -1),
		workspace.WithScrollExpiry(0), workspace.WithExportDelay(-1),
	} {
		_, err := workspace.New(opt)
		assert.Error(t, err)
	}
}

func TestScriptedAnswersComeFirst(t *testing.T) {
	a := newAPI(t, workspace.MustNew(t), lastVersion())
	id := a.must(200, "POST", "/contacts", obj{"email": "s@example.com"})["id"].(string)
	a.srv.On("ShowContact", intercomtest.RespondError(503, "service_unavailable", "Try later"))
	status, _, e := a.call("GET", "/contacts/"+id, nil)
	assert.Equal(t, 503, status)
	assert.Equal(t, "service_unavailable", errCode(t, e))
	a.srv.On("ShowContact", nil)
	assert.Equal(t, id, a.must(200, "GET", "/contacts/"+id, nil)["id"])
}

func TestSeedAttachesATagNamedTwiceOnce(t *testing.T) {
	seed, err := workspace.ReadSeed(strings.NewReader(`{"contacts": [{"email": "a@x.com", "tags": ["vip", "VIP", "vip"]}]}`))
	require.NoError(t, err)
	a := newAPI(t, workspace.MustNew(t, workspace.WithSeed(seed)), lastVersion())
	list := a.must(200, "GET", "/contacts", nil)["data"].([]any)
	require.Len(t, list, 1)
	tags := a.must(200, "GET", "/contacts/"+list[0].(obj)["id"].(string)+"/tags", nil)["data"].([]any)
	assert.Len(t, tags, 1, "a tag the seed names twice is attached once")
}
