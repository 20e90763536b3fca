package workspace

import (
	"net/http"
	"slices"
)

// Page sizes of the company lists.
const (
	companyPerPage    = 15
	companyMaxPerPage = 60
	scrollBatch       = 50
)

func init() {
	route("POST /companies", func(w *Workspace, c *call) (reply, error) {
		co, err := w.upsertCompany(c.body)
		if err != nil {
			return reply{}, err
		}
		return ok(w.companyView(co))
	})
	route("GET /companies", func(w *Workspace, c *call) (reply, error) {
		items := w.db.companies.all()
		filtered := false
		if id := c.query.Get("company_id"); id != "" {
			items, filtered = slices.DeleteFunc(slices.Clone(items), func(r record) bool { return str(r, "company_id") != id }), true
		}
		if name := c.query.Get("name"); name != "" {
			items, filtered = slices.DeleteFunc(slices.Clone(items), func(r record) bool { return lower(str(r, "name")) != lower(name) }), true
		}
		if tag := c.query.Get("tag_id"); tag != "" {
			items, filtered = slices.DeleteFunc(slices.Clone(items), func(r record) bool { return !slices.Contains(companyTags(r), tag) }), true
		}
		if filtered && len(items) == 0 {
			return reply{}, notFound("Company Not Found")
		}
		return w.companyPage(c, items)
	})
	route("POST /companies/list", func(w *Workspace, c *call) (reply, error) {
		items := slices.Clone(w.db.companies.all())
		if c.query.Get("order") != "asc" {
			slices.Reverse(items) // newest first unless asked otherwise
		}
		return w.companyPage(c, items)
	})
	route("GET /companies/scroll", scrollCompanies)
	route("GET /companies/{}", func(w *Workspace, c *call) (reply, error) {
		co, err := w.company(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(w.companyView(co))
	})
	route("PUT /companies/{}", func(w *Workspace, c *call) (reply, error) {
		co, err := w.company(c.params[0])
		if err != nil {
			return reply{}, err
		}
		if cid := str(c.body, "company_id"); cid != "" && cid != str(co, "company_id") {
			return reply{}, invalid("company_id", "company_id cannot be changed")
		}
		if err := w.setCompany(co, c.body); err != nil {
			return reply{}, err
		}
		return ok(w.companyView(co))
	})
	route("DELETE /companies/{}", func(w *Workspace, c *call) (reply, error) {
		co, err := w.company(c.params[0])
		if err != nil {
			return reply{}, err
		}
		id := str(co, "id")
		w.db.companies.remove(id)
		for cid, list := range w.db.contactCompanies {
			w.db.contactCompanies[cid] = slices.DeleteFunc(list, func(s string) bool { return s == id })
		}
		return ok(record{"id": id, "object": "company", "deleted": true})
	})
	route("GET /companies/{}/contacts", func(w *Workspace, c *call) (reply, error) {
		co, err := w.company(c.params[0])
		if err != nil {
			return reply{}, err
		}
		var items []record
		for _, r := range w.db.contacts.all() {
			if slices.Contains(w.db.contactCompanies[str(r, "id")], str(co, "id")) {
				items = append(items, r)
			}
		}
		return w.contactList(c, items)
	})
}

func (w *Workspace) company(id string) (record, error) {
	co, found := w.db.companies.get(id)
	if !found {
		return nil, notFound("Company Not Found")
	}
	return co, nil
}

func companyTags(co record) []string {
	ids, _ := co["_tags"].([]string)
	return ids
}

// upsertCompany creates a company, or updates the one with the same
// company_id, as POST /companies does.
func (w *Workspace) upsertCompany(body map[string]any) (record, error) {
	cid := str(body, "company_id")
	if cid == "" {
		return nil, &apiError{Status: http.StatusBadRequest, Code: "parameter_not_found", Message: "company_id is required", Field: "company_id"}
	}
	if co, found := w.db.companies.find(func(r record) bool { return str(r, "company_id") == cid }); found {
		return co, w.setCompany(co, body)
	}
	now := w.unix()
	co := record{
		"type": "company", "id": w.hexID(), "company_id": cid, "app_id": str(w.db.app, "id_code"),
		"name": "", "created_at": now, "updated_at": now, "remote_created_at": nil, "last_request_at": nil,
		"monthly_spend": float64(0), "session_count": float64(0), "size": float64(0), "website": "", "industry": "",
		"plan": nil, "custom_attributes": record{},
	}
	if err := w.setCompany(co, body); err != nil {
		return nil, err
	}
	w.db.companies.put(str(co, "id"), co)
	return co, nil
}

func (w *Workspace) setCompany(co record, body map[string]any) error {
	if ca, has := body["custom_attributes"].(map[string]any); has {
		for name := range ca {
			if _, found := w.db.attributes.find(func(a record) bool {
				return a["model"] == "company" && a["name"] == name && a["custom"] == true && a["archived"] != true
			}); !found {
				return invalid("custom_attributes", "Custom attribute '"+name+"' does not exist")
			}
		}
		merged := record{}
		if old, isMap := co["custom_attributes"].(map[string]any); isMap {
			for k, v := range old {
				merged[k] = v
			}
		}
		for k, v := range ca {
			merged[k] = v
		}
		co["custom_attributes"] = merged
	}
	for _, k := range []string{"name", "monthly_spend", "size", "website", "industry", "remote_created_at"} {
		if v, has := body[k]; has {
			co[k] = v
		}
	}
	if plan := str(body, "plan"); plan != "" {
		co["plan"] = record{"type": "plan", "id": "plan_" + plan, "name": plan}
	}
	w.touch(co)
	return nil
}

// companyView is the company as answered, with its user count and tags.
func (w *Workspace) companyView(co record) record {
	v := make(record, len(co)+3)
	for k, e := range co {
		if k != "_tags" {
			v[k] = e
		}
	}
	n := 0
	for _, list := range w.db.contactCompanies {
		if slices.Contains(list, str(co, "id")) {
			n++
		}
	}
	v["user_count"] = float64(n)
	var tags []any
	for _, id := range companyTags(co) {
		if t, found := w.db.tags.get(id); found {
			tags = append(tags, t)
		}
	}
	v["tags"] = record{"type": "tag.list", "tags": nonNil(tags)}
	v["segments"] = record{"type": "segment.list", "segments": []any{}}
	return v
}

func (w *Workspace) companyPage(c *call, items []record) (reply, error) {
	page, err := queryInt(c.query, "page", 1)
	if err != nil {
		return reply{}, err
	}
	size, err := queryInt(c.query, "per_page", companyPerPage)
	if err != nil {
		return reply{}, err
	}
	size = min(size, companyMaxPerPage)
	part, pages := numberPage(items, page, size)
	data := make([]any, len(part))
	for i, r := range part {
		data[i] = w.companyView(r)
	}
	return ok(record{"type": "list", "data": data, "total_count": float64(len(items)), "pages": pages})
}

// scrollCompanies serves companies in batches, one scroll at a time per
// workspace; a scroll expires when unused for the scroll expiry.
func scrollCompanies(w *Workspace, c *call) (reply, error) {
	now := w.now()
	db := w.db
	if db.scroll != nil && !now.Before(db.scroll.expires) {
		db.scroll = nil
	}
	param := c.query.Get("scroll_param")
	switch {
	case param == "" && db.scroll != nil:
		return reply{}, badRequest("scroll_exists", "scroll already exists for this workspace. Please ensure to use the scroll parameter to fetch the next page of companies")
	case param == "":
		db.scroll = &scroll{param: w.randomString("0123456789abcdef", 8) + "-" + w.randomString("0123456789abcdef", 4) + "-" + w.randomString("0123456789abcdef", 4) + "-" + w.randomString("0123456789abcdef", 4) + "-" + w.randomString("0123456789abcdef", 12)}
	case db.scroll == nil || db.scroll.param != param:
		return reply{}, notFound("scroll_param not found: the scroll expired or ended; start a new scroll without scroll_param")
	}
	s := db.scroll
	items := db.companies.all()
	start := min(s.offset, len(items))
	end := min(start+scrollBatch, len(items))
	s.offset = end
	s.expires = now.Add(w.cfg.scrollExpiry)
	data := make([]any, 0, end-start)
	for _, r := range items[start:end] {
		data = append(data, w.companyView(r))
	}
	if len(data) == 0 {
		db.scroll = nil // an empty batch ends the scroll
	}
	return ok(record{"type": "list", "data": data, "pages": nil, "total_count": float64(len(items)), "scroll_param": s.param})
}
