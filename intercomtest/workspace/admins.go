package workspace

import (
	"fmt"

	"github.com/intercomgo/intercom/intercomtest/internal/oas"
)

func init() {
	route("GET /me", func(w *Workspace, c *call) (reply, error) {
		a := oas.Clone(w.db.admins.all()[0]).(record)
		a["app"] = w.db.app
		a["email_verified"] = true
		return ok(a)
	})
	route("GET /admins", func(w *Workspace, c *call) (reply, error) {
		return ok(record{"type": "admin.list", "admins": listOf(w.db.admins.all())})
	})
	route("GET /admins/{}", func(w *Workspace, c *call) (reply, error) {
		a, err := w.admin(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(a)
	})
	route("GET /teams", func(w *Workspace, c *call) (reply, error) {
		return ok(record{"type": "team.list", "teams": listOf(w.db.teams.all())})
	})
	route("GET /teams/{}", func(w *Workspace, c *call) (reply, error) {
		t, found := w.db.teams.get(c.params[0])
		if !found {
			return reply{}, notFound("Team Not Found")
		}
		return ok(t)
	})
}

func (w *Workspace) admin(id string) (record, error) {
	a, found := w.db.admins.get(id)
	if !found {
		return nil, notFound("Admin Not Found")
	}
	return a, nil
}

// Seed is data loaded into a workspace on creation and on every Reset,
// usually read from JSON with ReadSeed:
//
//	{
//	  "workspace": {"name": "Acme"},
//	  "admins": [{"name": "Ada", "email": "ada@example.com"}],
//	  "data_attributes": [{"name": "plan", "model": "contact", "data_type": "string"}],
//	  "tags": ["vip"],
//	  "companies": [{"company_id": "acme", "name": "Acme"}],
//	  "contacts": [{"email": "grace@example.com", "name": "Grace",
//	                "custom_attributes": {"plan": "pro"}, "tags": ["vip"], "companies": ["acme"]}]
//	}
//
// Each entry is what the API's create request takes, so a seed is
// checked the way requests are: a contact with a duplicate email, or a
// custom attribute not declared in data_attributes, is an error. Without
// admins, two are seeded.
type Seed struct {
	// Workspace names the workspace (the app /me answers with).
	Workspace *SeedWorkspace `json:"workspace,omitempty"`
	// Admins are the workspace's teammates; the first is the one /me
	// answers with.
	Admins []SeedAdmin `json:"admins,omitempty"`
	// DataAttributes are custom data attributes, as POST /data_attributes
	// takes them.
	DataAttributes []map[string]any `json:"data_attributes,omitempty"`
	// Tags are tag names.
	Tags []string `json:"tags,omitempty"`
	// Companies are companies, as POST /companies takes them.
	Companies []map[string]any `json:"companies,omitempty"`
	// Contacts are contacts, as POST /contacts takes them, with two more
	// keys: "tags" (tag names) and "companies" (company_id values).
	Contacts []map[string]any `json:"contacts,omitempty"`
}

// SeedWorkspace names the seeded workspace.
type SeedWorkspace struct {
	Name   string `json:"name"`
	IDCode string `json:"id_code,omitempty"`
}

// SeedAdmin is one seeded teammate.
type SeedAdmin struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	JobTitle string `json:"job_title,omitempty"`
}

var defaultAdmins = []SeedAdmin{
	{Name: "Ada Admin", Email: "ada@example.com", JobTitle: "Support lead"},
	{Name: "Bob Admin", Email: "bob@example.com", JobTitle: "Support engineer"},
}

// seedBase sets up what every workspace has: the app, admins, a team,
// a ticket type and the standard data attributes. Callers hold w.mu.
func (w *Workspace) seedBase(s *Seed) {
	name, code := "Fake Workspace", "fakews01"
	if s != nil && s.Workspace != nil {
		if s.Workspace.Name != "" {
			name = s.Workspace.Name
		}
		if s.Workspace.IDCode != "" {
			code = s.Workspace.IDCode
		}
	}
	w.db.app = record{"type": "app", "id_code": code, "name": name, "region": "US", "timezone": "Etc/UTC",
		"created_at": w.unix(), "identity_verification": false}
	admins := defaultAdmins
	if s != nil && len(s.Admins) > 0 {
		admins = s.Admins
	}
	var ids []any
	for i, a := range admins {
		id := fmt.Sprint(991267 + i)
		ids = append(ids, id)
		w.db.admins.put(id, record{
			"type": "admin", "id": id, "name": a.Name, "email": a.Email, "job_title": a.JobTitle,
			"away_mode_enabled": false, "away_mode_reassign": false, "has_inbox_seat": true,
			"team_ids": []any{float64(814865)}, "avatar": nil,
		})
	}
	w.db.teams.put("814865", record{"type": "team", "id": "814865", "name": "Support", "admin_ids": ids})
	w.db.ticketType.put("1", record{
		"type": "ticket_type", "id": "1", "name": "Bug", "description": "A bug report", "icon": "🐞",
		"workspace_id": code, "archived": false, "category": "Customer",
		"created_at": w.unix(), "updated_at": w.unix(),
		"ticket_type_attributes": record{"type": "list", "data": []any{}},
	})
	for _, model := range []string{"contact", "company"} {
		for _, f := range []struct{ name, typ string }{{"name", "string"}, {"email", "string"}, {"created_at", "date"}} {
			if model == "company" && f.name == "email" {
				continue
			}
			w.db.counter++
			w.db.attributes.put(fmt.Sprint(w.db.counter), record{
				"type": "data_attribute", "id": float64(w.db.counter), "name": f.name, "full_name": f.name,
				"label": f.name, "description": "", "data_type": f.typ, "model": model, "custom": false,
				"archived": false, "api_writable": true, "ui_writable": true, "messenger_writable": false,
			})
		}
	}
}

// load builds the workspace from a seed into a new, empty store. Callers
// hold w.mu.
func (w *Workspace) load(s *Seed) error {
	w.seedBase(s)
	if s == nil {
		return nil
	}
	for i, a := range s.DataAttributes {
		if _, err := w.newAttribute(a); err != nil {
			return fmt.Errorf("workspace: seed data_attributes[%d]: %w", i, err)
		}
	}
	for _, t := range s.Tags {
		w.tagNamed(t)
	}
	for i, co := range s.Companies {
		if _, err := w.upsertCompany(co); err != nil {
			return fmt.Errorf("workspace: seed companies[%d]: %w", i, err)
		}
	}
	for i, ct := range s.Contacts {
		body := make(map[string]any, len(ct))
		for k, v := range ct {
			if k != "tags" && k != "companies" {
				body[k] = v
			}
		}
		r, err := w.newContact(body)
		if err != nil {
			return fmt.Errorf("workspace: seed contacts[%d]: %w", i, err)
		}
		id := str(r, "id")
		tags, _ := ct["tags"].([]any)
		for _, t := range tags {
			name, _ := t.(string)
			link(w.db.contactTags, id, str(w.tagNamed(name), "id"))
		}
		companies, _ := ct["companies"].([]any)
		for _, c := range companies {
			cid, _ := c.(string)
			co, found := w.db.companies.find(func(r record) bool { return str(r, "company_id") == cid })
			if !found {
				return fmt.Errorf("workspace: seed contacts[%d]: no seeded company has company_id %q", i, cid)
			}
			link(w.db.contactCompanies, id, str(co, "id"))
		}
	}
	return nil
}
