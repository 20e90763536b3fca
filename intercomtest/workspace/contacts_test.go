package workspace_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest/workspace"
)

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)
var requestID = regexp.MustCompile(`^[0-9a-z]{20}$`)

func TestContactStory(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		clk := newClock()
		ws := workspace.MustNew(t, workspace.WithClock(clk.Now))
		a := newAPI(t, ws, version)
		a.must(200, "POST", "/data_attributes", obj{"name": "plan", "model": "contact", "data_type": "string"})

		c := a.must(200, "POST", "/contacts", obj{"email": "grace@example.com", "name": "Grace", "custom_attributes": obj{"plan": "pro"}})
		id := c["id"].(string)
		assert.Regexp(t, hex24, id)
		assert.Equal(t, "pro", c["custom_attributes"].(obj)["plan"])
		created := c["updated_at"].(float64)

		found := a.must(200, "POST", "/contacts/search", obj{"query": obj{"field": "email", "operator": "=", "value": "GRACE@example.com"}})
		assert.Equal(t, []string{id}, ids(found["data"].([]any)))
		assert.EqualValues(t, 1, found["total_count"])

		clk.Add(3 * time.Second)
		up := a.must(200, "PUT", "/contacts/"+id, obj{"name": "Grace Hopper", "custom_attributes": obj{"plan": "team"}})
		assert.Equal(t, "Grace Hopper", up["name"])
		assert.Equal(t, "team", up["custom_attributes"].(obj)["plan"])
		assert.Greater(t, up["updated_at"].(float64), created, "updated_at moves")
		assert.Equal(t, "Grace Hopper", a.must(200, "GET", "/contacts/"+id, nil)["name"])

		del := a.must(200, "DELETE", "/contacts/"+id, nil)
		assert.Equal(t, true, del["deleted"])
		_, _, gone := a.call("GET", "/contacts/"+id, nil)
		assert.Equal(t, "not_found", errCode(t, gone))
		assert.Equal(t, "User Not Found", errMessage(gone))
		assert.Regexp(t, requestID, gone["request_id"])
		a.srv.AssertNoViolations(t)
	})
}

func TestDuplicateEmailConflicts(t *testing.T) {
	eachVersion(t, func(t *testing.T, version string) {
		a := newAPI(t, workspace.MustNew(t), version)
		first := a.must(200, "POST", "/contacts", obj{"email": "ada@example.com", "external_id": "u1"})
		for _, body := range []obj{{"email": "ADA@example.com"}, {"external_id": "u1", "email": "other@example.com"}} {
			status, _, e := a.call("POST", "/contacts", body)
			require.Equal(t, 409, status)
			assert.Equal(t, "conflict", errCode(t, e))
			assert.Equal(t, "A contact matching those details already exists with id="+first["id"].(string), errMessage(e))
			assert.Regexp(t, requestID, e["request_id"])
		}
		// An update into another contact's email conflicts too; a lead may share it.
		second := a.must(200, "POST", "/contacts", obj{"email": "bob@example.com"})
		status, _, _ := a.call("PUT", "/contacts/"+second["id"].(string), obj{"email": "ada@example.com"})
		assert.Equal(t, 409, status)
		a.must(200, "POST", "/contacts", obj{"role": "lead", "email": "ada@example.com"})
	})
}

func TestContactValidationAndArchive(t *testing.T) {
	a := newAPI(t, workspace.MustNew(t), lastVersion())
	status, _, e := a.call("POST", "/contacts", obj{"name": "nobody"})
	assert.Equal(t, 400, status)
	assert.Equal(t, "parameter_invalid", errCode(t, e))
	status, _, e = a.call("POST", "/contacts", obj{"email": "x@example.com", "custom_attributes": obj{"nope": 1}})
	assert.Equal(t, 400, status)
	assert.Equal(t, "Custom attribute 'nope' does not exist", errMessage(e))

	var keep []string
	for i := range 3 {
		keep = append(keep, a.must(200, "POST", "/contacts", obj{"email": fmt.Sprintf("c%d@example.com", i)})["id"].(string))
	}
	arch := a.must(200, "POST", "/contacts/"+keep[1]+"/archive", nil)
	assert.Equal(t, true, arch["archived"])
	list := a.must(200, "GET", "/contacts", nil)
	assert.Equal(t, []string{keep[0], keep[2]}, ids(list["data"].([]any)), "archived contacts leave lists")
	a.must(200, "POST", "/contacts/"+keep[1]+"/unarchive", nil)
	assert.Len(t, a.must(200, "GET", "/contacts", nil)["data"], 3)
}
