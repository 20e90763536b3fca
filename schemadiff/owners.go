package schemadiff

import (
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker/schemawalk"
	"github.com/oasdiff/oasdiff/diff"
)

// place is a location inside a components schema: the schema's name and
// the property path from it ("" for the schema itself).
type place struct {
	schema string
	path   string
}

// site is what a property path in an operation's payload resolves to. self
// is where the schema at the path is defined: the components schema when
// the path reaches one through a $ref. parent is where the property is
// declared, the place a property's addition, removal or required flag is
// written.
type site struct {
	status string // response status; "" for a request body
	self   place
	parent place
}

// side is the request or the response half of an operation.
type side int

const (
	requestSide side = iota
	responseSide
)

// owners indexes, for each operation, the property paths the checker names
// in its findings to the components schema each one is written in.
type owners map[string]*opOwners

type opOwners struct {
	paths    [2]map[string][]site
	statuses map[string]bool
}

func opKey(method, path string) string { return method + " " + path }

// indexOwners walks every modified operation's payload schemas the way the
// checker walks them, so that the paths it records are the ones the
// checker's findings carry.
func indexOwners(d *diff.Diff) owners {
	idx := owners{}
	if d == nil || d.PathsDiff == nil {
		return idx
	}
	for _, path := range slices.Sorted(maps.Keys(d.PathsDiff.Modified)) {
		pd := d.PathsDiff.Modified[path]
		if pd == nil || pd.OperationsDiff == nil {
			continue
		}
		for _, method := range slices.Sorted(maps.Keys(pd.OperationsDiff.Modified)) {
			md := pd.OperationsDiff.Modified[method]
			o := &opOwners{statuses: map[string]bool{}}
			o.paths[requestSide] = map[string][]site{}
			o.paths[responseSide] = map[string][]site{}
			for _, op := range []*openapi3.Operation{md.Base, md.Revision} {
				if op != nil && op.Responses != nil {
					for s := range op.Responses.Map() {
						o.statuses[s] = true
					}
				}
			}
			if md.RequestBodyDiff != nil {
				o.addContent(requestSide, "", md.RequestBodyDiff.ContentDiff)
			}
			if md.ResponsesDiff != nil {
				for _, status := range slices.Sorted(maps.Keys(md.ResponsesDiff.Modified)) {
					if rd := md.ResponsesDiff.Modified[status]; rd != nil {
						o.addContent(responseSide, status, rd.ContentDiff)
					}
				}
			}
			idx[opKey(strings.ToUpper(method), path)] = o
		}
	}
	return idx
}

func (o *opOwners) addContent(s side, status string, cd *diff.ContentDiff) {
	if cd == nil {
		return
	}
	for _, mt := range slices.Sorted(maps.Keys(cd.MediaTypeModified)) {
		if m := cd.MediaTypeModified[mt]; m != nil && m.SchemaDiff != nil {
			o.walk(s, status, m.SchemaDiff)
		}
	}
}

// component names the components schema a compared schema is, when it is
// the same one on both sides. A $ref that now points elsewhere, or a schema
// written inline on either side, belongs to the schema around it.
func component(sd *diff.SchemaDiff) string {
	if sd.BaseComponent != "" && sd.BaseComponent == sd.RevisionComponent {
		return sd.BaseComponent
	}
	return ""
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "/" + b
}

// walk records the sites of one payload schema. The walker visits a node's
// parent before the node, so the parent's place is always known.
func (o *opOwners) walk(s side, status string, root *diff.SchemaDiff) {
	type node struct {
		prefix string // the path the walker names the node's children under
		at     place  // where the node's own schema is written
	}
	nodes := map[*diff.SchemaDiff]node{}
	// members records the properties a node declares that the walk does
	// not enter: those added, removed, or only made required or optional.
	members := func(sd *diff.SchemaDiff, n node) {
		var names []string
		if pd := sd.PropertiesDiff; pd != nil {
			names = append(names, pd.Added...)
			names = append(names, pd.Deleted...)
		}
		if rd := sd.RequiredDiff; rd != nil {
			names = append(names, rd.Added...)
			names = append(names, rd.Deleted...)
		}
		for _, name := range names {
			declared := place{schema: n.at.schema, path: joinPath(n.at.path, name)}
			o.add(s, schemawalk.PropertyFullName(n.prefix, name), site{status: status, self: declared, parent: declared})
		}
	}
	rootAt := place{schema: component(root)}
	nodes[root] = node{at: rootAt}
	o.add(s, "", site{status: status, self: rootAt, parent: rootAt})
	members(root, nodes[root])

	w := schemawalk.Walker{
		Enter: func(propertyPath, propertyName string, sd, parent *diff.SchemaDiff, _ bool) {
			p, ok := nodes[parent]
			if !ok {
				return
			}
			prefix, name := propertyPath, schemawalk.PropertyFullName(propertyPath, propertyName)
			if propertyName != "" {
				prefix = name
			}
			step := strings.TrimPrefix(strings.TrimPrefix(prefix, p.prefix), "/")
			declared := place{schema: p.at.schema, path: joinPath(p.at.path, step)}
			at := declared
			if c := component(sd); c != "" {
				at = place{schema: c}
			}
			n := node{prefix: prefix, at: at}
			nodes[sd] = n
			o.add(s, name, site{status: status, self: at, parent: declared})
			members(sd, n)
		},
	}
	w.Walk(root)
}

func (o *opOwners) add(s side, path string, st site) {
	for _, have := range o.paths[s][path] {
		if have == st {
			return
		}
	}
	o.paths[s][path] = append(o.paths[s][path], st)
}
