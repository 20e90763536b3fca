package schemadiff

import (
	"strings"

	"github.com/oasdiff/oasdiff/checker"
)

// Kind is what a change does, in the terms a reader of a changelog looks
// for. It is derived from the oasdiff rule that found the change.
type Kind string

// The kinds of change, in the order reports list them.
const (
	OperationAdded     Kind = "operation-added"     // a new operation (path and method)
	OperationRemoved   Kind = "operation-removed"   // an operation gone
	ParameterAdded     Kind = "parameter-added"     // a new request parameter
	ParameterRemoved   Kind = "parameter-removed"   // a request parameter gone
	PropertyAdded      Kind = "property-added"      // a new property in a request or response body
	PropertyRemoved    Kind = "property-removed"    // a body property gone
	TypeChanged        Kind = "type-changed"        // a property's, parameter's or body's type or format retyped
	BecameRequired     Kind = "became-required"     // a property, parameter or body made required
	BecameOptional     Kind = "became-optional"     // a property, parameter or body made optional
	BecameNullable     Kind = "became-nullable"     // null now allowed
	BecameNotNullable  Kind = "became-not-nullable" // null no longer allowed
	EnumValueAdded     Kind = "enum-value-added"    // a value added to an enum
	EnumValueRemoved   Kind = "enum-value-removed"  // a value removed from an enum
	EnumChanged        Kind = "enum-changed"        // an enum constraint added or dropped
	CompositionChanged Kind = "composition-changed" // allOf, anyOf, oneOf, discriminator and the like
	ConstraintChanged  Kind = "constraint-changed"  // bounds, lengths, patterns, read-only and other validation
	DefaultChanged     Kind = "default-changed"     // a default value added, removed or changed
	BodyChanged        Kind = "body-changed"        // a request body or a media type added or removed
	StatusChanged      Kind = "status-changed"      // a response status added or removed
	HeaderChanged      Kind = "header-changed"      // a request or response header property changed
	SchemaRemoved      Kind = "schema-removed"      // a components schema gone
	Lifecycle          Kind = "lifecycle"           // deprecation, sunset and stability
	SecurityChanged    Kind = "security-changed"    // security schemes and requirements
	MetadataChanged    Kind = "metadata-changed"    // operation ids, tags, the API version
	OtherChange        Kind = "other"               // anything the rules above do not name
)

// Kinds lists every Kind in report order.
func Kinds() []Kind {
	return []Kind{
		OperationAdded, OperationRemoved, ParameterAdded, ParameterRemoved,
		PropertyAdded, PropertyRemoved, TypeChanged, BecameRequired, BecameOptional,
		BecameNullable, BecameNotNullable, EnumValueAdded, EnumValueRemoved, EnumChanged,
		CompositionChanged, ConstraintChanged, DefaultChanged, BodyChanged, StatusChanged,
		HeaderChanged, SchemaRemoved, Lifecycle, SecurityChanged, MetadataChanged, OtherChange,
	}
}

// kindRule maps oasdiff rule identifiers to a Kind by the words in them.
// The table is ordered: the first rule whose test passes wins, so the more
// specific words come first ("enum-value-added" before "-added").
var kindRules = []struct {
	kind Kind
	test func(id string) bool
}{
	{OperationAdded, func(id string) bool { return id == "endpoint-added" }},
	{OperationRemoved, func(id string) bool {
		return strings.HasPrefix(id, "api-path-removed") || strings.HasPrefix(id, "api-removed")
	}},
	{SchemaRemoved, func(id string) bool { return id == "api-schema-removed" }},
	{SecurityChanged, contains("security")},
	{EnumValueAdded, contains("enum-value-added")},
	{EnumValueRemoved, contains("enum-value-removed")},
	{EnumChanged, contains("became-enum", "became-not-enum")},
	{BecameNullable, contains("became-nullable")},
	{BecameNotNullable, contains("became-not-nullable")},
	{BecameOptional, contains("became-optional")},
	{BecameRequired, contains("became-required")},
	{ParameterAdded, func(id string) bool {
		return strings.HasPrefix(id, "new-") && strings.Contains(id, "parameter")
	}},
	{ParameterRemoved, func(id string) bool {
		return strings.HasPrefix(id, "request-parameter-removed")
	}},
	{PropertyAdded, func(id string) bool {
		return strings.Contains(id, "-property-added") || (strings.HasPrefix(id, "new-") && strings.Contains(id, "-property"))
	}},
	{PropertyRemoved, contains("-property-removed")},
	{HeaderChanged, contains("header")},
	{Lifecycle, contains("deprecat", "sunset", "reactivated", "stability")},
	{BodyChanged, contains("media-type", "mediatype", "request-body-added", "request-body-removed")},
	{TypeChanged, contains("type-changed", "type-generalized", "type-specialized", "type-compatible", "list-of-types")},
	{CompositionChanged, contains("all-of", "any-of", "one-of", "discriminator", "-if-", "-then-", "-else-", "prefix-items", "schema-became")},
	{DefaultChanged, contains("default-value")},
	{ConstraintChanged, contains("-min-", "-max-", "-exclusive-", "pattern", "unique-items", "multiple-of", "const-",
		"read-only", "write-only", "unevaluated", "property-names", "content-", "contains", "dependent-", "extensible-enum")},
	{StatusChanged, contains("status")},
	{MetadataChanged, contains("operation-id", "tag-", "api-version", "major-version")},
}

func contains(words ...string) func(string) bool {
	return func(id string) bool {
		for _, w := range words {
			if strings.Contains(id, w) {
				return true
			}
		}
		return false
	}
}

// KindOf returns the Kind of change an oasdiff rule reports.
func KindOf(rule string) Kind {
	for _, r := range kindRules {
		if r.test(rule) {
			return r.kind
		}
	}
	return OtherChange
}

// Severity says what a change means for a client written against the base
// version.
type Severity string

// The severities, from oasdiff's levels.
const (
	// Breaking changes break an existing client (oasdiff's error level).
	Breaking Severity = "breaking"
	// Warning changes may break an existing client, depending on how it
	// reads the API (oasdiff's warning level).
	Warning Severity = "warning"
	// Compatible changes do not break an existing client (oasdiff's info
	// level).
	Compatible Severity = "compatible"
)

// rank orders severities, most severe first.
func (s Severity) rank() int {
	switch s {
	case Breaking:
		return 0
	case Warning:
		return 1
	default:
		return 2
	}
}

// AtLeast reports whether s is as severe as min or more.
func (s Severity) AtLeast(min Severity) bool { return s.rank() <= min.rank() }

// ParseSeverity reads a severity name: "breaking", "warning" or
// "compatible".
func ParseSeverity(name string) (Severity, bool) {
	switch s := Severity(strings.ToLower(name)); s {
	case Breaking, Warning, Compatible:
		return s, true
	}
	return "", false
}

func severityOf(level checker.Level) Severity {
	switch {
	case level >= checker.ERR:
		return Breaking
	case level >= checker.WARN:
		return Warning
	default:
		return Compatible
	}
}

// Location is the part of an operation a change is in.
type Location string

// The locations.
const (
	InOperation Location = "operation"  // the operation as a whole
	InParameter Location = "parameter"  // a request parameter
	InRequest   Location = "request"    // the request body
	InResponse  Location = "response"   // a response body
	InHeader    Location = "header"     // a request or response header
	InSecurity  Location = "security"   // security requirements or schemes
	InComponent Location = "components" // the components section itself
)

// locationOf returns where in an operation the change a rule reports is.
func locationOf(rule string) Location {
	switch {
	case strings.Contains(rule, "security"):
		return InSecurity
	case rule == "api-schema-removed":
		return InComponent
	case strings.Contains(rule, "parameter"):
		return InParameter
	case strings.Contains(rule, "header"):
		return InHeader
	case strings.Contains(rule, "request"):
		return InRequest
	case strings.Contains(rule, "response"):
		return InResponse
	default:
		return InOperation
	}
}
