# The specs are copied from a local mirror when there is one (CI keeps it
# beside the checkout), otherwise downloaded from the pinned upstream URLs.
MIRROR ?= $(wildcard ../shared/intercom-openapi)
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
BIN := $(CURDIR)/.bin

.PHONY: all fetch generate check test vet lint bench tools

all: generate test

## fetch: place the pinned, checksum-verified specs under openapi/
fetch:
	$(GO) run ./cmd/intercom-gen fetch -mirror "$(MIRROR)"

## generate: fetch the specs and regenerate every version package
generate: fetch
	$(GO) generate ./...

## check: fail when the committed generated code differs from a fresh generation
check: fetch
	$(GO) run ./cmd/intercom-gen check

## vet: go vet and staticcheck over the module
vet: tools
	@unformatted=$$(git ls-files '*.go' | xargs grep -L '^// Code generated .* DO NOT EDIT\.$$' | xargs gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-clean: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(BIN)/staticcheck ./...

## test: everything CI runs
test: check vet
	$(GO) test -count=1 ./...

## bench: the benchmarks recorded in BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./...

tools: $(BIN)/staticcheck

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
