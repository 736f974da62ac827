# Scalewise: two commands do everything on a fresh machine (see README.md).
#   make serve   install what is missing, build, serve on http://127.0.0.1:8080
#   make test    install what is missing (plus Chromium), then every test
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
PUBLIC_URL ?= /

.PHONY: help setup setup-test serve dist test test-native test-wasm test-e2e bench bench-browser fmt lint clean

help:
	@echo "make serve          build and serve the workbench on http://127.0.0.1:8080"
	@echo "make test           run every test (native, wasm in Chromium, e2e)"
	@echo "make dist           static site in dist/ (PUBLIC_URL=/scalewise/ for a sub-path)"
	@echo "make bench          criterion benchmarks of the core"
	@echo "make bench-browser  engine throughput in Chromium, both thread modes"

setup:
	@scripts/setup.sh serve

setup-test:
	@scripts/setup.sh test

serve: setup
	trunk serve --release

dist: setup
	trunk build --release --public-url "$(PUBLIC_URL)"

test: setup-test
	@scripts/test.sh

bench: setup
	cargo bench -p scalewise-core

bench-browser: setup-test
	@scripts/bench-browser.sh

fmt:
	cargo fmt --all

clean:
	cargo clean
	rm -rf dist dist-subpath
