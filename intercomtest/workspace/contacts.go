package workspace

import (
	"fmt"
	"net/http"
	"slices"
)

func init() {
	route("POST /contacts", createContact)
	route("GET /contacts", listContacts)
	route("GET /contacts/{}", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(w.contactView(r))
	})
	route("PUT /contacts/{}", updateContact)
	route("DELETE /contacts/{}", deleteContact)
	route("POST /contacts/search", func(w *Workspace, c *call) (reply, error) {
		var items []record
		for _, r := range w.db.contacts.all() {
			if r["archived"] != true {
				items = append(items, w.contactSearchView(r))
			}
		}
		page, pages, total, err := search(items, c.body)
		if err != nil {
			return reply{}, err
		}
		return ok(record{"type": "list", "data": listOf(page), "total_count": float64(total), "pages": pages})
	})
	route("POST /contacts/{}/archive", func(w *Workspace, c *call) (reply, error) { return w.setArchived(c.params[0], true) })
	route("POST /contacts/{}/unarchive", func(w *Workspace, c *call) (reply, error) { return w.setArchived(c.params[0], false) })
	route("POST /contacts/merge", mergeContacts)

	route("GET /contacts/{}/tags", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		var tags []any
		for _, id := range w.db.contactTags[str(r, "id")] {
			if t, found := w.db.tags.get(id); found {
				tags = append(tags, t)
			}
		}
		return ok(record{"type": "list", "data": nonNil(tags)})
	})
	route("POST /contacts/{}/tags", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		t, err := w.tag(idOf(c.body, "id"))
		if err != nil {
			return reply{}, err
		}
		if link(w.db.contactTags, str(r, "id"), str(t, "id")) {
			w.touch(r)
		}
		return ok(t)
	})
	route("DELETE /contacts/{}/tags/{}", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		t, err := w.tag(c.params[1])
		if err != nil {
			return reply{}, err
		}
		id := str(r, "id")
		w.db.contactTags[id] = slices.DeleteFunc(w.db.contactTags[id], func(s string) bool { return s == str(t, "id") })
		w.touch(r)
		return ok(t)
	})

	route("GET /contacts/{}/notes", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		notes := w.notesOf(str(r, "id"))
		page, pages, perr := queryPage(c, notes, defaultPerPage)
		if perr != nil {
			return reply{}, perr
		}
		return ok(record{"type": "list", "data": listOf(page), "total_count": float64(len(notes)), "pages": pages})
	})
	route("POST /contacts/{}/notes", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		body := str(c.body, "body")
		if body == "" {
			return reply{}, &apiError{Status: 400, Code: "parameter_not_found", Message: "body is required", Field: "body"}
		}
		var author record
		if aid := idOf(c.body, "admin_id"); aid != "" {
			a, err := w.admin(aid)
			if err != nil {
				return reply{}, err
			}
			author = a
		} else {
			author = w.db.admins.all()[0]
		}
		n := record{
			"type": "note", "id": w.numID(), "created_at": w.unix(),
			"contact": record{"type": "contact", "id": str(r, "id")},
			"author":  author, "body": body,
		}
		w.db.notes.put(str(n, "id"), n)
		return ok(n)
	})
	route("GET /notes/{}", func(w *Workspace, c *call) (reply, error) {
		n, found := w.db.notes.get(c.params[0])
		if !found {
			return reply{}, notFound("Resource Not Found")
		}
		return ok(n)
	})

	route("GET /contacts/{}/companies", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		var list []any
		for _, id := range w.db.contactCompanies[str(r, "id")] {
			if co, found := w.db.companies.get(id); found {
				list = append(list, w.companyView(co))
			}
		}
		return ok(record{
			"type": "list", "data": nonNil(list), "companies": nonNil(list), "total_count": float64(len(list)),
			"pages": record{"type": "pages", "next": nil, "page": float64(1), "per_page": float64(50), "total_pages": float64(1)},
		})
	})
	route("POST /contacts/{}/companies", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		co, err := w.company(idOf(c.body, "id"))
		if err != nil {
			return reply{}, err
		}
		if link(w.db.contactCompanies, str(r, "id"), str(co, "id")) {
			w.touch(r)
		}
		return ok(w.companyView(co))
	})
	route("DELETE /contacts/{}/companies/{}", func(w *Workspace, c *call) (reply, error) {
		r, err := w.contact(c.params[0])
		if err != nil {
			return reply{}, err
		}
		co, err := w.company(c.params[1])
		if err != nil {
			return reply{}, err
		}
		id := str(r, "id")
		if !slices.Contains(w.db.contactCompanies[id], str(co, "id")) {
			return reply{}, notFound("Company Not Found")
		}
		w.db.contactCompanies[id] = slices.DeleteFunc(w.db.contactCompanies[id], func(s string) bool { return s == str(co, "id") })
		w.touch(r)
		return ok(w.companyView(co))
	})
}

func queryValue(c *call, key string) any {
	if s := c.query.Get(key); s != "" {
		return s
	}
	return nil
}

func nonNil(list []any) []any {
	if list == nil {
		return []any{}
	}
	return list
}

func (w *Workspace) contact(id string) (record, error) {
	r, found := w.db.contacts.get(id)
	if !found {
		return nil, notFound("User Not Found")
	}
	return r, nil
}

// touch moves updated_at to now.
func (w *Workspace) touch(r record) { r["updated_at"] = w.unix() }

// contactFields are the contact properties a request may set.
var contactFields = []string{"role", "external_id", "email", "phone", "name", "avatar", "signed_up_at", "last_seen_at", "owner_id", "unsubscribed_from_emails", "custom_attributes", "language_override"}

func createContact(w *Workspace, c *call) (reply, error) {
	r, err := w.newContact(c.body)
	if err != nil {
		return reply{}, err
	}
	return ok(w.contactView(r))
}

func (w *Workspace) newContact(body map[string]any) (record, error) {
	if str(body, "email") == "" && str(body, "external_id") == "" && str(body, "role") == "" {
		return nil, invalid("", "A contact needs an email, an external_id or a role")
	}
	now := w.unix()
	r := record{
		"type": "contact", "id": w.hexID(), "workspace_id": str(w.db.app, "id_code"),
		"role": "user", "external_id": nil, "email": "", "email_domain": "", "phone": nil, "formatted_phone": nil,
		"name": nil, "owner_id": nil, "has_hard_bounced": false, "marked_email_as_spam": false,
		"unsubscribed_from_emails": false, "created_at": now, "updated_at": now, "signed_up_at": nil,
		"last_seen_at": nil, "last_replied_at": nil, "last_contacted_at": nil, "last_email_opened_at": nil,
		"last_email_clicked_at": nil, "language_override": nil, "browser": nil, "browser_version": nil,
		"browser_language": nil, "os": nil, "android_app_name": nil, "android_app_version": nil, "android_device": nil,
		"android_os_version": nil, "android_sdk_version": nil, "android_last_seen_at": nil, "ios_app_name": nil,
		"ios_app_version": nil, "ios_device": nil, "ios_os_version": nil, "ios_sdk_version": nil, "ios_last_seen_at": nil,
		"custom_attributes": record{}, "avatar": nil,
		"location":        record{"type": "location", "country": nil, "region": nil, "city": nil, "country_code": nil, "continent_code": nil},
		"social_profiles": record{"type": "list", "data": []any{}},
		"utm_campaign":    nil, "utm_content": nil, "utm_medium": nil, "utm_source": nil, "utm_term": nil, "referrer": nil,
	}
	if err := w.setContact(r, body); err != nil {
		return nil, err
	}
	w.db.contacts.put(str(r, "id"), r)
	return r, nil
}

// setContact applies the fields of a create or update body to r.
func (w *Workspace) setContact(r record, body map[string]any) error {
	if role, has := body["role"]; has && role != "user" && role != "lead" {
		return invalid("role", fmt.Sprintf("role must be user or lead, not %v", role))
	}
	if ca, has := body["custom_attributes"].(map[string]any); has {
		for name := range ca {
			if _, found := w.db.attributes.find(func(a record) bool {
				return a["model"] == "contact" && a["name"] == name && a["custom"] == true && a["archived"] != true
			}); !found {
				return invalid("custom_attributes", fmt.Sprintf("Custom attribute '%s' does not exist", name))
			}
		}
	}
	next := map[string]any{}
	for k, v := range r {
		next[k] = v
	}
	for _, k := range contactFields {
		v, has := body[k]
		if !has {
			continue
		}
		switch k {
		case "custom_attributes":
			ca := record{}
			if old, isMap := r["custom_attributes"].(map[string]any); isMap {
				for k2, v2 := range old {
					ca[k2] = v2
				}
			}
			for k2, v2 := range v.(map[string]any) {
				ca[k2] = v2
			}
			next[k] = ca
		case "avatar":
			if s, isStr := v.(string); isStr && s != "" {
				next[k] = record{"type": "avatar", "image_url": s}
			} else {
				next[k] = nil
			}
		default:
			next[k] = v
		}
	}
	if email := str(next, "email"); email != "" {
		if at := lastIndex(email, '@'); at >= 0 {
			next["email_domain"] = email[at+1:]
		}
	}
	for _, key := range userKeys(next) {
		if other, taken := w.db.users[key]; taken && other != r["id"] {
			return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "A contact matching those details already exists with id=" + other}
		}
	}
	w.db.unindex(r)
	defer w.db.index(r)
	for k, v := range next {
		r[k] = v
	}
	w.touch(r)
	return nil
}

func lastIndex(s string, b byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == b {
			return i
		}
	}
	return -1
}

func updateContact(w *Workspace, c *call) (reply, error) {
	r, err := w.contact(c.params[0])
	if err != nil {
		return reply{}, err
	}
	if err := w.setContact(r, c.body); err != nil {
		return reply{}, err
	}
	return ok(w.contactView(r))
}

func deleteContact(w *Workspace, c *call) (reply, error) {
	r, err := w.contact(c.params[0])
	if err != nil {
		return reply{}, err
	}
	id := str(r, "id")
	w.db.unindex(r)
	w.db.contacts.remove(id)
	delete(w.db.contactTags, id)
	delete(w.db.contactCompanies, id)
	for _, n := range w.notesOf(id) {
		w.db.notes.remove(str(n, "id"))
	}
	return ok(record{"id": id, "external_id": r["external_id"], "type": "contact", "deleted": true})
}

func (w *Workspace) setArchived(id string, archived bool) (reply, error) {
	r, err := w.contact(id)
	if err != nil {
		return reply{}, err
	}
	r["archived"] = archived
	w.touch(r)
	return ok(record{"id": id, "external_id": r["external_id"], "type": "contact", "archived": archived})
}

func mergeContacts(w *Workspace, c *call) (reply, error) {
	from, err := w.contact(str(c.body, "from"))
	if err != nil {
		return reply{}, err
	}
	into, err := w.contact(str(c.body, "into"))
	if err != nil {
		return reply{}, err
	}
	if from["role"] != "lead" || into["role"] != "user" {
		return reply{}, invalid("from", "only a lead can be merged, and only into a user")
	}
	fid, iid := str(from, "id"), str(into, "id")
	for _, t := range w.db.contactTags[fid] {
		link(w.db.contactTags, iid, t)
	}
	for _, co := range w.db.contactCompanies[fid] {
		link(w.db.contactCompanies, iid, co)
	}
	for _, n := range w.notesOf(fid) {
		n["contact"] = record{"type": "contact", "id": iid}
	}
	w.db.unindex(from)
	w.db.contacts.remove(fid)
	delete(w.db.contactTags, fid)
	delete(w.db.contactCompanies, fid)
	w.touch(into)
	return ok(w.contactView(into))
}

func listContacts(w *Workspace, c *call) (reply, error) {
	var items []record
	for _, r := range w.db.contacts.all() {
		if r["archived"] != true {
			items = append(items, r)
		}
	}
	return w.contactList(c, items)
}

// contactList answers a cursor-paged list of contacts.
func (w *Workspace) contactList(c *call, items []record) (reply, error) {
	page, pages, perr := queryPage(c, items, defaultPerPage)
	if perr != nil {
		return reply{}, perr
	}
	data := make([]any, len(page))
	for i, r := range page {
		data[i] = w.contactView(r)
	}
	return ok(record{"type": "list", "data": data, "total_count": float64(len(items)), "pages": pages})
}

func (w *Workspace) notesOf(contactID string) []record {
	var out []record
	for _, n := range w.db.notes.all() {
		if ct, _ := n["contact"].(map[string]any); str(ct, "id") == contactID {
			out = append(out, n)
		}
	}
	return out
}

// contactView is the contact as answered: the record with its tags,
// notes and companies.
func (w *Workspace) contactView(r record) record {
	v := make(record, len(r)+3)
	for k, e := range r {
		v[k] = e
	}
	id := str(r, "id")
	ref := func(kind string, ids []string, url string) record {
		data := make([]any, 0, len(ids))
		for _, x := range ids {
			data = append(data, record{"type": kind, "id": x, "url": "/" + kind + "s/" + x})
		}
		return record{"type": "list", "data": data, "url": url, "total_count": float64(len(ids)), "has_more": false}
	}
	v["tags"] = ref("tag", w.db.contactTags[id], "/contacts/"+id+"/tags")
	v["companies"] = ref("company", w.db.contactCompanies[id], "/contacts/"+id+"/companies")
	var noteIDs []string
	for _, n := range w.notesOf(id) {
		noteIDs = append(noteIDs, str(n, "id"))
	}
	v["notes"] = ref("note", noteIDs, "/contacts/"+id+"/notes")
	return v
}

// contactSearchView adds the fields a search may name beside the stored
// ones: tag_id and company_id (any of the attached).
func (w *Workspace) contactSearchView(r record) record {
	v := w.contactView(r)
	id := str(r, "id")
	v["tag_id"] = slices.Clone(w.db.contactTags[id])
	v["company_id"] = slices.Clone(w.db.contactCompanies[id])
	return v
}

// userKeys are the keys a user's email and external_id hold in the
// uniqueness index; leads share emails freely.
func userKeys(r record) []string {
	if r["role"] != "user" {
		return nil
	}
	var keys []string
	if e := str(r, "email"); e != "" {
		keys = append(keys, "email\x00"+lower(e))
	}
	if x := str(r, "external_id"); x != "" {
		keys = append(keys, "external_id\x00"+x)
	}
	return keys
}

func (db *store) index(r record) {
	for _, k := range userKeys(r) {
		db.users[k] = str(r, "id")
	}
}

func (db *store) unindex(r record) {
	for _, k := range userKeys(r) {
		if db.users[k] == str(r, "id") {
			delete(db.users, k)
		}
	}
}
