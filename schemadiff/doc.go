// Package schemadiff reports what changes between two OpenAPI descriptions
// of the Intercom API, in a form a person can read and a tool can check.
//
// The comparison itself is oasdiff's: its diff and its backward
// compatibility checker at the info level (its changelog). What this
// package adds is the grouping. Raw checker output between two Intercom
// versions runs to thousands of findings, most of them one change seen from
// every operation that reaches it. Compare sorts each finding into exactly
// one place:
//
//   - operations added and removed;
//   - common changes: one identical change found on a large share of the
//     operations (a header every operation takes, say) is reported once;
//   - schema changes: a change inside a components schema is reported once
//     under that schema, with the operations it reaches;
//   - operation changes: whatever is left, under the operation it is in.
//
// Every entry carries oasdiff's rule, a Kind, a Severity and the number of
// findings it stands for, so nothing oasdiff finds is lost.
//
// The severity is calibrated (the wire view): both sides are compared with
// allOf flattened; a oneOf or anyOf that accepts a superset of what it did
// is compatible; the new values of one response enum are one warning; a
// change the revision's own examples contradict is a probable spec error
// (an object anywhere in an example whose "type" field names a components
// schema is checked against that schema too), and so is a retyping that
// only the base has (the version before it has the revision's type).
// Annotation flips (required, nullable, enum-constraint and format flags,
// path parameters typed text or integer) are marked as churn, apart from
// the wire view, unless the versions around the pair confirm them: the
// module's own versions, or those given WithNeighbours. Changes only in the
// examples, and examples their schema contradicts, are listed apart too.
//
// Each side is read once as plain JSON values, which the calibration
// consults and the examples are taken from; oasdiff is given the same
// document without the media types' examples and the description and
// summary texts, which its checks never read, so that a report costs about
// what oasdiff's own changelog of the pair does.
//
// CompareGo adds the Go view: how the exported API of one generated
// version package differs from another's, grouped by kind. SelectOperations
// with Report.Narrow and GoPackages.FilterGo narrow both views to some
// operations, and CheckUpgrade type-checks a user's packages against the
// revision's package.
package schemadiff
