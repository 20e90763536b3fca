# The specs are copied from a local mirror when there is one (CI keeps it
# beside the checkout), otherwise downloaded from the pinned upstream URLs.
MIRROR ?= $(wildcard ../shared/intercom-openapi)
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
BIN := $(CURDIR)/.bin

.PHONY: all fetch generate check test vet bench tools prism add-version update-specs coverage

all: generate test

## fetch: place the pinned, checksum-verified specs under openapi/ (from a version's
## recorded source file, the mirror, or its URL)
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
test: check vet prism coverage
	$(GO) test -count=1 -timeout 30m ./...

## coverage: print how many operations of each version passed conformance
coverage: prism
	@$(GO) test -count=1 -run '^TestConformance$$' -v ./versions/... | grep -E 'conformance [0-9.]+: [0-9]+/[0-9]+ operations'

## add-version: add a new API version end to end (VERSION=2.13, optional SPEC=file-or-url;
## a file the mirror and upstream lack is recorded as the version's source)
add-version:
	@test -n "$(VERSION)" || { echo "usage: make add-version VERSION=2.13 [SPEC=path-or-url]"; exit 2; }
	$(GO) run ./cmd/intercom-gen add-version -mirror "$(MIRROR)" $(if $(SPEC),-spec "$(SPEC)") $(VERSION)

## update-specs: take newer revisions of the known versions (COMMIT=rev to pin another upstream commit)
update-specs:
	$(GO) run ./cmd/intercom-gen update-specs -mirror "$(if $(COMMIT),,$(MIRROR))" $(if $(COMMIT),-commit $(COMMIT))

## prism: install Stoplight Prism, which the conformance tests run, into node_modules/
prism: node_modules/.bin/prism

node_modules/.bin/prism: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## bench: the benchmarks recorded in BENCHMARKS.md
bench: fetch
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./...

tools: $(BIN)/staticcheck

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
