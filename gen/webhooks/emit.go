// Package webhooks generates, for each version package, the decoding of
// webhook items into that version's types: DecodeWebhookItem (in
// webhooks.gen.go) and its test (webhooks_gen_test.go), which decodes
// every example the version's description gives of every schema a
// documented webhook topic carries.
//
// Which topics exist, and which schema each topic's item follows, comes
// from the webhook package (Intercom documents webhooks outside its
// OpenAPI descriptions). Which Go type a schema becomes is derived from the
// version itself: a schema is included when the version's description has
// it and oapi-codegen made a struct of it, so a new version needs no code.
package webhooks

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
	"text/template"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/intercomgo/intercom/gen/pipeline"
	"github.com/intercomgo/intercom/webhook"
)

func init() { pipeline.Emitters = append(pipeline.Emitters, Emit) }

// Files written into each version package.
const (
	CodeFile = "webhooks.gen.go"
	TestFile = "webhooks_gen_test.go"
)

// names the generated code declares in the version package.
var declared = []string{"DecodeWebhookItem", "WebhookItemSchemas", "webhookItems"}

// Item is one schema a webhook item may follow, with its Go type.
type Item struct {
	Schema string // "conversation_part"
	Type   string // "ConversationPart"
}

// Items returns the schemas of the documented webhook topics that the
// version has a Go struct for, sorted by schema.
func Items(r *pipeline.Result) ([]Item, error) {
	names, structs, err := goNames(r)
	if err != nil {
		return nil, err
	}
	for _, n := range declared {
		if names[n] {
			return nil, fmt.Errorf("the name %s is already taken in the version package; rename the generated webhook helpers", n)
		}
	}
	schemas := map[string]bool{}
	for _, t := range webhook.Topics() {
		if t.Schema != "" {
			schemas[t.Schema] = true
		}
	}
	var items []Item
	for s := range schemas {
		if r.Spec == nil || r.Spec.Components == nil || r.Spec.Components.Schemas[s] == nil {
			continue // the version does not have this object
		}
		typ := codegen.SchemaNameToTypeName(s)
		if !structs[typ] {
			continue // oapi-codegen did not generate it (unreferenced)
		}
		items = append(items, Item{Schema: s, Type: typ})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Schema < items[j].Schema })
	return items, nil
}

// goNames returns every package-level name of the version's generated Go
// files, and which of them are struct types.
func goNames(r *pipeline.Result) (names, structs map[string]bool, err error) {
	names, structs = map[string]bool{}, map[string]bool{}
	var files []string
	for name := range r.Files {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && !strings.Contains(name, "/") && name != CodeFile {
			files = append(files, name)
		}
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, r.Files[name], parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, fmt.Errorf("parse %s: %w", name, err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
						if _, ok := s.Type.(*ast.StructType); ok && s.Assign == 0 {
							structs[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			}
		}
	}
	return names, structs, nil
}

// Emit writes webhooks.gen.go and webhooks_gen_test.go for one version.
func Emit(v pipeline.Version, r *pipeline.Result) error {
	items, err := Items(r)
	if err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	data := map[string]any{"Package": v.Package(), "Version": v.Name, "Items": items, "Header": pipeline.Header}
	for name, tmpl := range map[string]*template.Template{CodeFile: codeTemplate, TestFile: testTemplate} {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, data); err != nil {
			return fmt.Errorf("webhooks: %s: %w", name, err)
		}
		if err := r.AddGo(name, b.Bytes()); err != nil {
			return fmt.Errorf("webhooks: %w", err)
		}
	}
	return nil
}

var codeTemplate = template.Must(template.New(CodeFile).Parse(`{{.Header}}

package {{.Package}}

import (
	"encoding/json"
	"fmt"
)

// webhookItems makes, for each schema a webhook topic's item may follow,
// an empty value of this package's type for it.
var webhookItems = map[string]func() any{
{{- range .Items}}
	{{printf "%q" .Schema}}: func() any { return new({{.Type}}) },
{{- end}}
}

// DecodeWebhookItem decodes the item of a webhook notification (the raw
// JSON of its data.item) into this package's type for schema, the schema
// the topic's item follows as the webhook package names it
// (webhook.TopicInfo.Schema, or Topic.Schema()): "contact" gives a
// *Contact, "conversation" a *Conversation, and so on for every schema
// WebhookItemSchemas lists. An item of another schema, or of none (a ping,
// a contact_tag), is decoded into a map[string]any. Set your app's
// webhooks to API version {{.Version}} for the items to have this package's shapes.
//
//	item, err := {{.Package}}.DecodeWebhookItem(n.Topic.Schema(), n.Data.Item)
//	if err != nil {
//		return err
//	}
//	switch item := item.(type) {
//	case *{{.Package}}.Contact:
//		// ...
//	}
func DecodeWebhookItem(schema string, item []byte) (any, error) {
	newItem, ok := webhookItems[schema]
	if !ok {
		var m map[string]any
		if err := json.Unmarshal(item, &m); err != nil {
			return nil, fmt.Errorf("decode webhook item: %w", err)
		}
		return m, nil
	}
	v := newItem()
	if err := json.Unmarshal(item, v); err != nil {
		return nil, fmt.Errorf("decode webhook item into %T: %w", v, err)
	}
	return v, nil
}

// WebhookItemSchemas returns the schemas DecodeWebhookItem decodes into a
// type of this package, sorted.
func WebhookItemSchemas() []string {
	return []string{ {{- range $i, $it := .Items}}{{if $i}}, {{end}}{{printf "%q" $it.Schema}}{{end -}} }
}
`))

var testTemplate = template.Must(template.New(TestFile).Parse(`{{.Header}}

package {{.Package}}_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/intercomtest"
	"github.com/intercomgo/intercom/versions/{{.Package}}"
	"github.com/intercomgo/intercom/webhook"
)

// webhookItemTypes is the type each schema must decode into, with the
// generic decoder of the webhook package for the same type.
var webhookItemTypes = map[string]struct {
	typ    reflect.Type
	decode func(*webhook.Notification) (any, error)
}{
{{- range .Items}}
	{{printf "%q" .Schema}}: {reflect.TypeFor[*{{$.Package}}.{{.Type}}](), func(n *webhook.Notification) (any, error) {
		v, err := webhook.DecodeItem[{{$.Package}}.{{.Type}}](n)
		return &v, err
	}},
{{- end}}
}

// TestWebhookItemsDecode delivers, for every documented webhook topic,
// every example this version's description gives of the topic's item
// schema, and checks that the item decodes into this package's type
// without losing its id or type. An example may fail to decode only if it
// breaks its own schema (it is then logged); at least one must decode.
func TestWebhookItemsDecode(t *testing.T) {
	var schemas []string
	for s := range webhookItemTypes {
		schemas = append(schemas, s)
	}
	assert.ElementsMatch(t, schemas, {{.Package}}.WebhookItemSchemas())
	for _, info := range webhook.Topics() {
		t.Run(string(info.Topic), func(t *testing.T) {
			want, typed := webhookItemTypes[info.Schema]
			if !typed {
				w, err := intercomtest.NewWebhook({{printf "%q" .Version}}, info.Topic)
				if err != nil {
					// No schema of this version describes the item.
					assert.ErrorContains(t, err, "WebhookItem")
					return
				}
				n, err := webhook.Parse(w.Body)
				require.NoError(t, err)
				item, err := {{.Package}}.DecodeWebhookItem(info.Schema, n.Data.Item)
				require.NoError(t, err)
				assert.IsType(t, map[string]any{}, item)
				return
			}
			examples, err := intercomtest.WebhookItemExamples({{printf "%q" .Version}}, info.Schema)
			require.NoError(t, err)
			require.NotEmpty(t, examples, "the description gives no example of %s", info.Schema)
			decoded := 0
			for i, ex := range examples {
				w, err := intercomtest.NewWebhook({{printf "%q" .Version}}, info.Topic, intercomtest.WebhookItem(ex))
				require.NoError(t, err)
				n, err := webhook.Parse(w.Body)
				require.NoError(t, err)
				item, err := {{.Package}}.DecodeWebhookItem(info.Schema, n.Data.Item)
				if err != nil {
					// Only an example that breaks its own schema may fail.
					invalid := intercomtest.ValidateWebhookItem({{printf "%q" .Version}}, info.Schema, ex)
					require.Error(t, invalid, "example %d of %s satisfies the schema but does not decode: %v\n%s", i, info.Schema, err, ex)
					t.Logf("example %d does not decode (%v): %v", i, err, invalid)
					continue
				}
				require.Equal(t, want.typ, reflect.TypeOf(item))
				generic, err := want.decode(n)
				require.NoError(t, err)
				assert.Equal(t, item, generic, "DecodeWebhookItem and webhook.DecodeItem disagree")
				assertKept(t, ex, item)
				decoded++
			}
			if decoded == 0 {
				// Every documented example breaks the schema in a way the
				// Go type refuses; the item NewWebhook sends by default
				// (built from the schema then) must decode.
				t.Logf("none of the %d examples of %s decodes; trying the default item", len(examples), info.Schema)
				w, err := intercomtest.NewWebhook({{printf "%q" .Version}}, info.Topic)
				require.NoError(t, err)
				n, err := webhook.Parse(w.Body)
				require.NoError(t, err)
				item, err := {{.Package}}.DecodeWebhookItem(info.Schema, n.Data.Item)
				require.NoError(t, err, "%s", n.Data.Item)
				require.Equal(t, want.typ, reflect.TypeOf(item))
			}
		})
	}
}

// assertKept checks that the id and type of the example survive decoding.
func assertKept(t *testing.T, example json.RawMessage, item any) {
	t.Helper()
	var in map[string]any
	require.NoError(t, json.Unmarshal(example, &in))
	v := reflect.ValueOf(item).Elem()
	for i := 0; i < v.NumField(); i++ {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		want, ok := in[name]
		if (name != "id" && name != "type") || !ok || want == nil {
			continue
		}
		got := v.Field(i)
		for got.Kind() == reflect.Pointer && !got.IsNil() {
			got = got.Elem()
		}
		require.True(t, got.IsValid() && got.Kind() != reflect.Pointer, "field %q of %s was dropped", name, example)
		assert.Equal(t, fmt.Sprint(want), fmt.Sprint(got.Interface()), "field %q of %s", name, example)
	}
}
`))
