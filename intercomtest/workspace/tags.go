package workspace

import (
	"net/http"
	"slices"
)

func init() {
	route("GET /tags", func(w *Workspace, c *call) (reply, error) {
		return ok(record{"type": "list", "data": listOf(w.db.tags.all())})
	})
	route("POST /tags", createOrUpdateTag)
	route("GET /tags/{}", func(w *Workspace, c *call) (reply, error) {
		t, err := w.tag(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(t)
	})
	route("DELETE /tags/{}", func(w *Workspace, c *call) (reply, error) {
		t, err := w.tag(c.params[0])
		if err != nil {
			return reply{}, err
		}
		id := str(t, "id")
		w.db.tags.remove(id)
		for cid, list := range w.db.contactTags {
			w.db.contactTags[cid] = slices.DeleteFunc(list, func(s string) bool { return s == id })
		}
		for _, co := range w.db.companies.all() {
			co["_tags"] = slices.DeleteFunc(companyTags(co), func(s string) bool { return s == id })
		}
		return reply{status: http.StatusOK}, nil
	})
}

func (w *Workspace) tag(id string) (record, error) {
	t, found := w.db.tags.get(id)
	if !found {
		return nil, notFound("Resource Not Found")
	}
	return t, nil
}

// tagNamed returns the tag with the name, creating it if need be.
func (w *Workspace) tagNamed(name string) record {
	if t, found := w.db.tags.find(func(r record) bool { return lower(str(r, "name")) == lower(name) }); found {
		return t
	}
	t := record{"type": "tag", "id": w.numID(), "name": name, "applied_at": w.unix(),
		"applied_by": record{"type": "admin", "id": str(w.db.admins.all()[0], "id")}}
	w.db.tags.put(str(t, "id"), t)
	return t
}

// createOrUpdateTag creates a tag, renames one (with id), or tags or
// untags companies or users, as POST /tags does.
func createOrUpdateTag(w *Workspace, c *call) (reply, error) {
	name := str(c.body, "name")
	if name == "" {
		return reply{}, &apiError{Status: http.StatusBadRequest, Code: "parameter_not_found", Message: "name is required", Field: "name"}
	}
	if id := idOf(c.body, "id"); id != "" {
		t, err := w.tag(id)
		if err != nil {
			return reply{}, err
		}
		t["name"] = name
		return ok(t)
	}
	t := w.tagNamed(name)
	tid := str(t, "id")
	if list, has := c.body["companies"].([]any); has {
		for _, e := range list {
			m, _ := e.(map[string]any)
			co, found := w.db.companies.get(idOf(m, "id"))
			if !found && str(m, "company_id") != "" {
				co, found = w.db.companies.find(func(r record) bool { return str(r, "company_id") == str(m, "company_id") })
			}
			if !found {
				return reply{}, notFound("Company Not Found")
			}
			ids := slices.DeleteFunc(slices.Clone(companyTags(co)), func(s string) bool { return s == tid })
			if m["untag"] != true {
				ids = append(ids, tid)
			}
			co["_tags"] = ids
			w.touch(co)
		}
	}
	if list, has := c.body["users"].([]any); has {
		for _, e := range list {
			m, _ := e.(map[string]any)
			r, err := w.contact(idOf(m, "id"))
			if err != nil {
				return reply{}, err
			}
			if link(w.db.contactTags, str(r, "id"), tid) {
				w.touch(r)
			}
		}
	}
	return ok(t)
}
