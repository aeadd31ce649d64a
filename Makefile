# Steward — the two commands a user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

WASM_BINDGEN_VERSION := 0.2.130
WASM := $(or $(CARGO_TARGET_DIR),target)/wasm32-unknown-unknown/release/steward.wasm
PORT ?= 8080
STAMP := .make

CHROMIUM ?= $(shell command -v chromium 2>/dev/null || echo /usr/bin/chromium)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help deps build core ui forge-bundle demo test test-rust test-wasm test-bench test-js test-manifest test-browser lint fmt clean bench fuzz

help:
	@echo "make demo   install what is needed, build, and serve both pages on http://127.0.0.1:$(PORT)"
	@echo "make test   install what is needed and run every test"
	@echo "make bench  measure the engine and write BENCHMARKS.md; make fuzz  fuzz decoding + analysis"

# ---- installing -----------------------------------------------------------------------------
deps: $(STAMP)/rust $(STAMP)/wasm-bindgen $(STAMP)/npm

$(STAMP)/rust:
	@mkdir -p $(STAMP)
	rustup target add wasm32-unknown-unknown
	@touch $@

# The CLI must match the crate's pinned wasm-bindgen exactly; skip the 3-minute build when it does.
$(STAMP)/wasm-bindgen:
	@mkdir -p $(STAMP)
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 3 minutes)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi
	@touch $@

$(STAMP)/npm: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(STAMP)/chromium:
	@mkdir -p $(STAMP)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  $(SUDO) apt-get install -y chromium || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }; \
	fi
	@touch $@

# ---- building -------------------------------------------------------------------------------
build: core ui forge-bundle

core: deps
	cargo build --target wasm32-unknown-unknown --release --lib
	wasm-bindgen --target web --omit-default-module-path --out-dir pkg --out-name steward $(WASM)
	node tools/inline-wasm.mjs pkg/steward_bg.wasm pkg/steward_wasm.js

ui: deps
	npx vite build --config static/vite.config.mjs static/admin
	npx vite build --config static/vite.config.mjs static/project

forge-bundle: core
	node tools/forge-bundle.cjs host/.build

# ---- running --------------------------------------------------------------------------------
# SIZE=S|M|L|XL serves one of the simulator's generated sites instead of the demo company.
demo: build
	node host/server.mjs --port $(PORT) $(if $(SIZE),--size $(SIZE))

# ---- testing --------------------------------------------------------------------------------
test: build $(STAMP)/chromium lint test-rust test-wasm test-bench test-manifest test-js test-browser
	@echo "all tests passed"

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

test-rust:
	cargo test

# The engine on a generated site (bench/src/synth.rs): sharing answers between alike projects is exact.
test-bench:
	cd bench && cargo test

test-wasm: deps
	cargo test --target wasm32-unknown-unknown

test-manifest: deps
	node tools/validate-manifest.mjs manifest.yml

test-js: build
	node --test --test-reporter=spec --disable-warning=MODULE_TYPELESS_PACKAGE_JSON tests/js/

test-browser: build $(STAMP)/chromium
	CHROMIUM=$(CHROMIUM) node --test --test-reporter=spec --test-concurrency=1 tests/browser/

# ---- measuring ------------------------------------------------------------------------------
# Figures go to BENCHMARKS.md; BENCH_SIZES=S,M limits the sizes (see bench/README.md).
bench: core
	cd bench && cargo build --release
	node bench/run.mjs

# At least a million executions of the decoding + analysis target (see fuzz/README.md).
FUZZ_RUNS ?= 1000000
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
	mkdir -p fuzz/target/corpus/analyze
	RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none analyze fuzz/target/corpus/analyze fuzz/corpus/analyze -- \
	  -dict=fuzz/analyze.dict -max_len=16384 -timeout=2 -report_slow_units=1 -runs=$(FUZZ_RUNS) -print_final_stats=1

fmt:
	cargo fmt

clean:
	rm -rf target pkg static/*/build host/.build $(STAMP)
