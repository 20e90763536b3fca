package workspace

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"
)

func init() {
	route("GET /data_attributes", func(w *Workspace, c *call) (reply, error) {
		model := c.query.Get("model")
		archived := c.query.Get("include_archived") == "true"
		var list []any
		for _, a := range w.db.attributes.all() {
			if (model == "" || a["model"] == model) && (archived || a["archived"] != true) {
				list = append(list, a)
			}
		}
		return ok(record{"type": "list", "data": nonNil(list)})
	})
	route("POST /data_attributes", func(w *Workspace, c *call) (reply, error) {
		a, err := w.newAttribute(c.body)
		if err != nil {
			return reply{}, err
		}
		return ok(a)
	})
	route("PUT /data_attributes/{}", func(w *Workspace, c *call) (reply, error) {
		a, found := w.db.attributes.get(c.params[0])
		if !found || a["custom"] != true {
			return reply{}, notFound("Attribute Not Found")
		}
		for _, k := range []string{"archived", "description", "messenger_writable"} {
			if v, has := c.body[k]; has {
				a[k] = v
			}
		}
		if opts, has := c.body["options"]; has {
			if a["data_type"] != "string" {
				return reply{}, invalid("options", "options are only allowed on string attributes")
			}
			a["options"] = opts
		}
		w.touch(a)
		return ok(a)
	})

	route("POST /events", func(w *Workspace, c *call) (reply, error) {
		name := str(c.body, "event_name")
		if name == "" {
			return reply{}, &apiError{Status: http.StatusBadRequest, Code: "parameter_not_found", Message: "event_name is required", Field: "event_name"}
		}
		var r record
		var err error
		switch {
		case str(c.body, "id") != "":
			r, err = w.contact(str(c.body, "id"))
		case str(c.body, "user_id") != "":
			r, err = w.contactBy(map[string]any{"user_id": str(c.body, "user_id")})
		default:
			r, err = w.contactBy(map[string]any{"email": str(c.body, "email")})
		}
		if err != nil {
			return reply{}, err
		}
		at, isNum := c.body["created_at"].(float64)
		if !isNum {
			at = w.unix()
		}
		ev := record{"type": "event", "event_name": name, "created_at": at, "user_id": r["external_id"],
			"intercom_user_id": r["id"], "email": r["email"], "metadata": c.body["metadata"]}
		if ev["metadata"] == nil {
			ev["metadata"] = record{}
		}
		w.db.events = append(w.db.events, ev)
		r["last_seen_at"] = at
		return reply{status: http.StatusAccepted}, nil
	})
	route("GET /events", func(w *Workspace, c *call) (reply, error) {
		q := map[string]any{}
		for _, k := range []string{"intercom_user_id", "user_id", "email"} {
			if v := c.query.Get(k); v != "" {
				q[k] = v
			}
		}
		r, err := w.contactBy(q)
		if err != nil {
			return reply{}, err
		}
		var events []record
		for _, ev := range w.db.events {
			if ev["intercom_user_id"] == r["id"] {
				events = append(events, ev)
			}
		}
		if c.query.Get("summary") == "true" {
			type sum struct {
				first, last float64
				count       int
			}
			sums := map[string]*sum{}
			var names []string
			for _, ev := range events {
				n, at := str(ev, "event_name"), ev["created_at"].(float64)
				s, seen := sums[n]
				if !seen {
					s = &sum{first: at, last: at}
					sums[n] = s
					names = append(names, n)
				}
				s.first, s.last, s.count = min(s.first, at), max(s.last, at), s.count+1
			}
			var list []any
			for _, n := range names {
				s := sums[n]
				list = append(list, record{"name": n, "first": time.Unix(int64(s.first), 0).UTC().Format(time.RFC3339),
					"last": time.Unix(int64(s.last), 0).UTC().Format(time.RFC3339), "count": float64(s.count), "description": ""})
			}
			return ok(record{"type": "event.summary", "email": r["email"], "intercom_user_id": r["id"], "user_id": r["external_id"], "events": nonNil(list)})
		}
		return ok(record{"type": "event.list", "events": listOf(events), "pages": record{"next": nil}, "total_count": float64(len(events))})
	})
	route("POST /events/summaries", func(w *Workspace, c *call) (reply, error) {
		if _, err := w.contactBy(map[string]any{"user_id": str(c.body, "user_id")}); err != nil {
			return reply{}, err
		}
		return reply{status: http.StatusOK}, nil
	})

	route("POST /export/content/data", func(w *Workspace, c *call) (reply, error) {
		after, ok1 := c.body["created_at_after"].(float64)
		before, ok2 := c.body["created_at_before"].(float64)
		if !ok1 || !ok2 || after >= before {
			return reply{}, invalid("created_at_after", "created_at_after and created_at_before must be Unix times, after before before")
		}
		for _, j := range w.db.exports.all() {
			if s := w.exportStatus(j); s == "pending" || s == "in_progress" {
				return reply{}, &apiError{Status: http.StatusTooManyRequests, Code: "rate_limit_exceeded", Message: "Exceeded rate limit of 1 pending message data export jobs"}
			}
		}
		id := w.randomString("abcdefghijklmnopqrstuvwxyz0123456789", 15)
		j := record{"job_identifier": id, "job_identfier": id, "_after": after, "_before": before,
			"_created": w.now(), "_canceled": false}
		w.db.exports.put(id, j)
		return ok(w.exportView(j))
	})
	route("GET /export/content/data/{}", func(w *Workspace, c *call) (reply, error) {
		j, err := w.export(c.params[0])
		if err != nil {
			return reply{}, err
		}
		return ok(w.exportView(j))
	})
	route("POST /export/cancel/{}", func(w *Workspace, c *call) (reply, error) {
		j, err := w.export(c.params[0])
		if err != nil {
			return reply{}, err
		}
		if w.exportStatus(j) != "completed" {
			j["_canceled"] = true
		}
		return ok(w.exportView(j))
	})
	route("GET /download/content/data/{}", func(w *Workspace, c *call) (reply, error) {
		j, err := w.export(c.params[0])
		if err != nil {
			return reply{}, err
		}
		if s := w.exportStatus(j); s != "completed" {
			return reply{}, notFound(fmt.Sprintf("the export is %s, not completed: poll it until its status is completed", s))
		}
		data, err := w.exportFile(j)
		if err != nil {
			return reply{}, err
		}
		return reply{status: http.StatusOK, raw: data, contentType: "application/octet-stream"}, nil
	})
}

func (w *Workspace) export(id string) (record, error) {
	j, found := w.db.exports.get(id)
	if !found {
		return nil, notFound("Export job not found")
	}
	return j, nil
}

var attributeName = regexp.MustCompile(`^[A-Za-z0-9_ -]{1,190}$`)

var dataTypes = []string{"string", "integer", "float", "boolean", "datetime", "date"}

// newAttribute creates a custom data attribute. Callers hold w.mu.
func (w *Workspace) newAttribute(body map[string]any) (record, error) {
	name, model, typ := str(body, "name"), str(body, "model"), str(body, "data_type")
	switch {
	case !attributeName.MatchString(name):
		return nil, invalid("name", fmt.Sprintf("Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens (got %q)", name))
	case model != "contact" && model != "company":
		return nil, invalid("model", "model must be contact or company")
	case !slices.Contains(dataTypes, typ):
		return nil, invalid("data_type", "data_type must be one of string, integer, float, boolean, datetime, date")
	}
	if _, dup := w.db.attributes.find(func(a record) bool { return a["model"] == model && a["name"] == name }); dup {
		who := "people"
		if model == "company" {
			who = "company"
		}
		return nil, invalid("name", fmt.Sprintf("You already have '%s' in your %s data. To save this as new %s data, use a different name.", name, who, who))
	}
	w.db.counter++
	now := w.unix()
	a := record{
		"type": "data_attribute", "id": float64(w.db.counter), "model": model, "name": name,
		"full_name": "custom_attributes." + name, "label": name, "description": str(body, "description"),
		"data_type": typ, "api_writable": true, "ui_writable": true, "custom": true, "archived": false,
		"messenger_writable": body["messenger_writable"] == true, "admin_id": str(w.db.admins.all()[0], "id"),
		"created_at": now, "updated_at": now,
	}
	if opts, has := body["options"]; has {
		a["options"] = opts
	}
	w.db.attributes.put(strconv.Itoa(int(w.db.counter)), a)
	return a, nil
}

// exportStatus moves a job from pending (the first half of the export
// delay) through in_progress to completed as the workspace clock runs.
func (w *Workspace) exportStatus(j record) string {
	if j["_canceled"] == true {
		return "canceled"
	}
	elapsed := w.now().Sub(j["_created"].(time.Time))
	switch {
	case elapsed >= w.cfg.exportDelay:
		return "completed"
	case elapsed >= w.cfg.exportDelay/2:
		return "in_progress"
	}
	return "pending"
}

func (w *Workspace) exportView(j record) record {
	v := record{"job_identifier": j["job_identifier"], "job_identfier": j["job_identfier"], "status": w.exportStatus(j),
		"download_url": "", "download_expires_at": ""}
	if v["status"] == "completed" {
		v["download_url"] = "https://api.intercom.io/download/content/data/" + str(j, "job_identifier")
		v["download_expires_at"] = strconv.FormatInt(j["_created"].(time.Time).Add(w.cfg.exportDelay+48*time.Hour).Unix(), 10)
	}
	return v
}

// exportHeader is the header row of an export file.
var exportHeader = []string{"content_id", "content_type", "content_title", "receipt_id", "received_at", "user_id", "user_external_id", "company_id", "first_reply"}

// exportFile builds the gzipped CSV of a completed job: one row per
// conversation a contact started in the job's time range.
func (w *Workspace) exportFile(j record) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	cw := csv.NewWriter(gz)
	_ = cw.Write(exportHeader)
	after, before := j["_after"].(float64), j["_before"].(float64)
	for _, cv := range w.db.convs.all() {
		at := cv["created_at"].(float64)
		if at < after || at > before {
			continue
		}
		contact := cv["contacts"].(record)["contacts"].([]any)[0].(record)
		ext, _ := contact["external_id"].(string)
		first := ""
		for _, p := range cv["conversation_parts"].(record)["conversation_parts"].([]any) {
			if p.(record)["author"].(record)["type"] == "admin" {
				first = strconv.FormatFloat(p.(record)["created_at"].(float64), 'f', 0, 64)
				break
			}
		}
		_ = cw.Write([]string{str(cv, "id"), "conversation", str(cv["source"].(record), "subject"), str(cv["source"].(record), "id"),
			strconv.FormatFloat(at, 'f', 0, 64), str(contact, "id"), ext, "", first})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
