package intercom

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Mismatch is one place where a success body disagreed with the Go type it
// was decoded into: a number where the type has a string, a URL where it
// has an object, a value a string format rejects. The call still succeeds;
// the value was coerced when nothing was lost, and otherwise left empty.
type Mismatch struct {
	// Operation is the Go name of the operation, "ListContacts".
	Operation string
	// Path locates the value in the body, as a JSON Pointer
	// ("/data/3/avatar"); "" is the whole body.
	Path string
	// Expected describes what the type expects ("string", "integer",
	// "object", "array", "a value of type openapi_types.Email").
	Expected string
	// Received describes what the body holds: its JSON kind and a short
	// excerpt.
	Received string
	// Action is what the decoder did: ActionCoerced or ActionDropped.
	Action string
}

// The actions a Mismatch reports.
const (
	// ActionCoerced: the value was converted without loss (a number into a
	// string field, a numeric string into a number field, a URL's query
	// parameters into an object).
	ActionCoerced = "coerced"
	// ActionDropped: the value could not be converted and the field was
	// left empty; the value is still in the raw body.
	ActionDropped = "dropped"
)

// String formats the mismatch on one line.
func (m Mismatch) String() string {
	path := m.Path
	if path == "" {
		path = "/"
	}
	return fmt.Sprintf("%s: %s: expected %s, received %s: %s", m.Operation, path, m.Expected, m.Received, m.Action)
}

// ErrNotJSON is wrapped by the error of a call whose success body is not
// JSON at all.
var ErrNotJSON = errors.New("the success body is not JSON")

// Decode decodes a JSON body into out, a non-nil pointer, tolerating
// disagreements between the body and out's type. It first tries
// encoding/json alone; only when that fails does it walk the body guided by
// out's type, coercing what converts without loss and leaving the rest
// empty, and it returns every such place as a Mismatch. String formats
// never reject a value: a value a format type refuses is left empty and
// reported. The only error is a body that is not JSON. When out's type
// embeds Raw, the value keeps a reference to body for raw access. op names
// the operation in the mismatches.
func Decode(op string, body []byte, out any) ([]Mismatch, error) {
	err := json.Unmarshal(body, out)
	if err == nil {
		attachRaw(out, &rawSource{body: body})
		return nil, nil
	}
	if !json.Valid(body) {
		return nil, fmt.Errorf("%w (%d bytes: %s)", ErrNotJSON, len(body), excerpt(body, 80))
	}
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("intercom: Decode needs a non-nil pointer, got %T", out)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	w := &walker{op: op}
	fixed, keep := w.fix(tree, rv.Type().Elem(), "")
	if !keep {
		fixed = nil
	}
	repaired, err := json.Marshal(fixed)
	if err != nil {
		return w.found, fmt.Errorf("intercom: re-encoding the repaired body: %w", err)
	}
	rv.Elem().SetZero()
	if err := json.Unmarshal(repaired, out); err != nil {
		// A shape the walk does not know; encoding/json still fills every
		// field it can, so report and keep the partial value.
		w.add("", "the documented type", "a body encoding/json rejects: "+err.Error(), ActionDropped)
	}
	src := &rawSource{body: body, mismatches: w.found}
	attachRaw(out, src)
	return w.found, nil
}

// reportMismatches logs the mismatches of one call at warning level.
func (t *Transport) reportMismatches(ctx context.Context, op Operation, ms []Mismatch) {
	if t.logger == nil || len(ms) == 0 || !t.logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	for _, m := range ms {
		t.logger.LogAttrs(ctx, slog.LevelWarn, "intercom: response does not match its documented type",
			slog.String("operation", op.Name),
			slog.String("method", op.Method),
			slog.String("path", op.Path),
			slog.String("json_path", m.Path),
			slog.String("expected", m.Expected),
			slog.String("received", m.Received),
			slog.String("action", m.Action),
		)
	}
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	unmarshalerT   = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalT = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walker repairs a decoded JSON tree against a Go type.
type walker struct {
	op    string
	found []Mismatch
	// quiet is above 0 inside an object made from a URL's query, whose
	// values are all strings by nature: their coercions are not news.
	quiet int
}

func (w *walker) add(path, expected, received, action string) {
	if w.quiet > 0 {
		return
	}
	w.found = append(w.found, Mismatch{Operation: w.op, Path: path, Expected: expected, Received: received, Action: action})
}

// fix returns v repaired for type t, or false when the value must be left
// out (the field stays empty).
func (w *walker) fix(v any, t reflect.Type, path string) (any, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil || t == rawMessageType || t.Kind() == reflect.Interface {
		return v, true
	}
	if t.Kind() == reflect.Struct {
		if fields := jsonFields(t); len(fields) > 0 {
			return w.object(v, t, fields, path)
		}
	}
	if reflect.PointerTo(t).Implements(unmarshalerT) || reflect.PointerTo(t).Implements(textUnmarshalT) {
		return w.trial(v, t, path)
	}
	switch t.Kind() {
	case reflect.String:
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			w.add(path, "string", "number "+x.String(), ActionCoerced)
			return x.String(), true
		case bool:
			w.add(path, "string", "boolean "+strconv.FormatBool(x), ActionCoerced)
			return strconv.FormatBool(x), true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := w.integer(v, t); ok {
			if s, isStr := v.(string); isStr {
				w.add(path, "integer", "string "+strconv.Quote(excerpt([]byte(s), 40)), ActionCoerced)
			}
			return n, true
		}
		if n, isNum := v.(json.Number); isNum {
			if f, err := n.Float64(); err == nil && f == math.Trunc(f) && !overflows(t, f) {
				w.add(path, "integer", "number "+n.String(), ActionCoerced)
				return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), true
			}
		}
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case json.Number:
			return x, true
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				w.add(path, "number", "string "+strconv.Quote(excerpt([]byte(x), 40)), ActionCoerced)
				return json.Number(strings.TrimSpace(x)), true
			}
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil && (x == "true" || x == "false") {
				w.add(path, "boolean", "string "+strconv.Quote(x), ActionCoerced)
				return b, true
			}
		}
	case reflect.Slice, reflect.Array:
		if arr, ok := v.([]any); ok {
			for i, e := range arr {
				fixed, keep := w.fix(e, t.Elem(), path+"/"+strconv.Itoa(i))
				if !keep {
					fixed = nil
				}
				arr[i] = fixed
			}
			return arr, true
		}
	case reflect.Map:
		if obj, ok := v.(map[string]any); ok && t.Key().Kind() == reflect.String {
			for _, k := range slices.Sorted(maps.Keys(obj)) {
				e := obj[k]
				fixed, keep := w.fix(e, t.Elem(), path+"/"+escapeToken(k))
				if !keep {
					delete(obj, k)
					continue
				}
				obj[k] = fixed
			}
			return obj, true
		}
	}
	w.add(path, describeType(t), describeValue(v), ActionDropped)
	return nil, false
}

// integer returns v as an integer JSON number when it is one, or a string
// holding one, that fits t.
func (w *walker) integer(v any, t reflect.Type) (json.Number, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return "", false
	}
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || reflect.New(t).Elem().OverflowUint(n) {
			return "", false
		}
		return json.Number(strconv.FormatUint(n, 10)), true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || reflect.New(t).Elem().OverflowInt(n) {
		return "", false
	}
	return json.Number(strconv.FormatInt(n, 10)), true
}

func overflows(t reflect.Type, f float64) bool {
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return f < 0 || f >= math.MaxUint64 || reflect.New(t).Elem().OverflowUint(uint64(f))
	}
	return f < math.MinInt64 || f >= math.MaxInt64 || reflect.New(t).Elem().OverflowInt(int64(f))
}

// object repairs an object against a struct's JSON fields. A string that
// is a URL, where an object is expected, becomes the object of its query
// parameters: Intercom sends pages.next as a link where specs describe an
// object.
func (w *walker) object(v any, t reflect.Type, fields map[string]reflect.Type, path string) (any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		s, isStr := v.(string)
		u, err := url.Parse(s)
		if !isStr || err != nil || u.Scheme == "" || u.Host == "" {
			w.add(path, describeType(t), describeValue(v), ActionDropped)
			return nil, false
		}
		obj = map[string]any{}
		for k, vs := range u.Query() {
			if len(vs) > 0 {
				obj[k] = vs[0]
			}
		}
		w.add(path, describeType(t), describeValue(v), ActionCoerced+" (object of the URL's query parameters)")
		w.quiet++
		defer func() { w.quiet-- }()
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		e := obj[k]
		ft, ok := fields[k]
		if !ok {
			ft, ok = foldField(fields, k)
		}
		if !ok {
			continue // not modelled; encoding/json skips it, Raw keeps it
		}
		fixed, keep := w.fix(e, ft, path+"/"+escapeToken(k))
		if !keep {
			delete(obj, k)
			continue
		}
		obj[k] = fixed
	}
	return obj, true
}

// trial decodes v alone into a type with its own decoding (a string format
// such as an email or a UUID, a time, a union) and leaves it out when that
// fails.
func (w *walker) trial(v any, t reflect.Type, path string) (any, bool) {
	raw, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(raw, reflect.New(t).Interface())
	}
	if err == nil {
		return v, true
	}
	w.add(path, "a value of type "+t.String(), describeValue(v), ActionDropped)
	return nil, false
}

func foldField(fields map[string]reflect.Type, k string) (reflect.Type, bool) {
	for name, t := range fields {
		if strings.EqualFold(name, k) {
			return t, true
		}
	}
	return nil, false
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields maps the JSON names of a struct's fields, as encoding/json
// sees them, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	collectFields(t, out, 0)
	fieldCache.Store(t, out)
	return out
}

func collectFields(t reflect.Type, out map[string]reflect.Type, depth int) {
	if depth > 8 {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, out, depth+1)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := out[name]; !dup {
			out[name] = f.Type
		}
	}
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Struct:
		return "object (" + t.String() + ")"
	case reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	if t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64 {
		return "integer"
	}
	return t.String()
}

func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		return "string " + strconv.Quote(excerpt([]byte(x), 60))
	case json.Number:
		return "number " + x.String()
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case []any:
		return "array of " + strconv.Itoa(len(x))
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// escapeToken escapes a key for a JSON Pointer.
func escapeToken(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}
