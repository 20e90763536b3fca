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
// CompareGo adds the Go-level view: how the exported API of one generated
// version package differs from another's, grouped by kind.
package schemadiff
