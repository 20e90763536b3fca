package intercom

// Regenerate every version package from the specs under openapi/ (fetch
// them first with `make fetch`, or run `make generate`, which does both).
//go:generate go run ./cmd/intercom-gen generate -q
