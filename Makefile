# pgsql-state: build, test, demo, install. GNU conventions: PREFIX, DESTDIR.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin

.PHONY: all release test demo bench clean

all: release

# The shipped build.
release:
	swift build -c release

# The whole test suite (what CI runs).
test:
	scripts/test

demo:
	scripts/demo

bench: release
	bench/run

clean:
	rm -rf .build
