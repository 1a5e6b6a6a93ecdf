# pgsql-state: build, test, demo, install. GNU conventions: PREFIX, DESTDIR.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin

.PHONY: all release release-static test unit fuzz demo bench clean

all: release

# The shipped build: Embedded Swift, no Swift runtime (bench/LINKING.md). Fails if the toolchain cannot.
release:
	scripts/build-release

# The ordinary build (static Swift runtime), for a toolchain without Embedded Swift: .build/release/pgsql-state.
# Install it with: make install RELEASE_BIN=.build/release/pgsql-state
release-static:
	swift build -c release --product pgsql-state

# The whole test suite (what CI runs).
test:
	scripts/test

# The fast rung: the pure core and the POSIX seam, no PostgreSQL, no root (well under a minute once built).
UNIT_SUITES := PgsqlStateCoreTests|PgsqlStateIOTests
unit:
	swift build --build-tests -Xswiftc -warnings-as-errors
	swift test --skip-build --filter '$(UNIT_SUITES)'

# The request fuzzer at a million inputs instead of unit's 10 000 (about a minute more).
FUZZ_ROUNDS ?= 1000000
fuzz:
	swift build --build-tests -Xswiftc -warnings-as-errors
	PGSQL_STATE_FUZZ_ROUNDS=$(FUZZ_ROUNDS) swift test --skip-build --filter RequestFuzzTests

demo:
	scripts/demo

bench: release release-static
	bench/run

clean:
	rm -rf .build

# ---------------------------------------------------------------------------------------------------------
# install, uninstall, deb. The version has one home, Version.swift; the man page and the package read it.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]    binary, man page, systemd units, xinetd files
#   make uninstall (same variables)                removes exactly those files (directories stay)
#   make deb [SKIP_BUILD=1] [DEB_DIR=.build/deb]   .build/deb/pgsql-state_VERSION_ARCH.deb
#
# install never builds unless the release binary is missing (run "make" first, then "make install" as
# root). Installing enables nothing: the xinetd files get "disable = yes", no socket is enabled.
# The config file (SYSCONFDIR/pgsql-state/pgsql-state.conf, read by every shipped command line through
# --config) is installed only where none exists, and uninstall removes it only while it is unchanged:
# an operator's peers are never overwritten or lost.
VERSION := $(shell sed -n 's/^[[:space:]]*package static let string = "\([^"]*\)".*/\1/p' Sources/PgsqlStateCore/Options/Version.swift)
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
# systemd reads units from /usr/local/lib/systemd/system as well as /lib/systemd/system (systemd.unit(5)),
# so the default follows PREFIX; SYSTEMD_UNIT_DIR=/etc/systemd/system is the other common choice.
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
# systemd-tmpfiles reads /usr/local/lib/tmpfiles.d as well as /usr/lib/tmpfiles.d (tmpfiles.d(5)).
TMPFILES_DIR ?= $(PREFIX)/lib/tmpfiles.d
# xinetd reads only /etc/xinetd.d, whatever the PREFIX.
XINETD_DIR ?= $(SYSCONFDIR)/xinetd.d
RELEASE_BIN ?= .build/embedded/release/pgsql-state
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 0755
DEB_DIR ?= .build/deb

SYSTEMD_UNITS := pgsql-state.socket pgsql-state@.service pgsql-state-text.socket pgsql-state-text@.service \
	pgsql-state-agent.socket pgsql-state-agent@.service
XINETD_SERVICES := pgsql-state pgsql-state-text pgsql-state-agent
# The shipped files name the default install path; installed copies name the real one.
SHIPPED_BIN := /usr/local/bin/pgsql-state
REWRITE_BIN := s|$(SHIPPED_BIN)|$(BINDIR)/pgsql-state|g
XINETD_DISABLE := s/^\([[:space:]]*disable[[:space:]]*=[[:space:]]*\)no[[:space:]]*$$/\1yes/
CONFIG_FILE := $(SYSCONFDIR)/pgsql-state/pgsql-state.conf
# The config file may hold the peers' connection strings: 0640, readable by the group the shipped units
# and xinetd files run the checker as (the checker refuses a password in a file others may read).
CONFIG_GROUP ?= pgsql-state
REWRITE_CONFIG := s|/etc/pgsql-state/pgsql-state.conf|$(CONFIG_FILE)|g

INSTALLED_FILES := $(BINDIR)/pgsql-state $(MANDIR)/man8/pgsql-state.8 \
	$(addprefix $(SYSTEMD_UNIT_DIR)/,$(SYSTEMD_UNITS)) $(addprefix $(XINETD_DIR)/,$(XINETD_SERVICES)) \
	$(TMPFILES_DIR)/pgsql-state.conf

.PHONY: install install-strip uninstall deb man version

version:
	@echo $(VERSION)

# Only when missing: "make install" as root must not rebuild a tree built by someone else.
$(RELEASE_BIN):
	scripts/build-release

# The man page with its version filled in (also what install and deb ship).
man: .build/man/pgsql-state.8
.build/man/pgsql-state.8: man/pgsql-state.8 Sources/PgsqlStateCore/Options/Version.swift
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/g' man/pgsql-state.8 > $@

install: $(RELEASE_BIN)
	@test -n "$(VERSION)" || { echo "no version in Version.swift" >&2; exit 1; }
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMD_UNIT_DIR) $(DESTDIR)$(XINETD_DIR) \
		$(DESTDIR)$(TMPFILES_DIR)
	$(INSTALL) -m 0644 tmpfiles.d/pgsql-state.conf $(DESTDIR)$(TMPFILES_DIR)/pgsql-state.conf
	$(INSTALL_PROGRAM) $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/pgsql-state
	sed 's/@VERSION@/$(VERSION)/g' man/pgsql-state.8 > $(DESTDIR)$(MANDIR)/man8/pgsql-state.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/pgsql-state.8
	@set -e; for unit in $(SYSTEMD_UNITS); do \
		echo "systemd/$$unit -> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit"; \
		sed -e '$(REWRITE_BIN)' -e '$(REWRITE_CONFIG)' "systemd/$$unit" > "$(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit"; \
		chmod 0644 "$(DESTDIR)$(SYSTEMD_UNIT_DIR)/$$unit"; \
	done
	@set -e; for service in $(XINETD_SERVICES); do \
		echo "xinetd/$$service -> $(DESTDIR)$(XINETD_DIR)/$$service (disable = yes)"; \
		sed -e '$(REWRITE_BIN)' -e '$(REWRITE_CONFIG)' -e '$(XINETD_DISABLE)' "xinetd/$$service" > "$(DESTDIR)$(XINETD_DIR)/$$service"; \
		chmod 0644 "$(DESTDIR)$(XINETD_DIR)/$$service"; \
		grep -Eq '^[[:space:]]*disable[[:space:]]*=[[:space:]]*yes[[:space:]]*$$' "$(DESTDIR)$(XINETD_DIR)/$$service" \
			|| { echo "xinetd/$$service: no 'disable = no' line to turn into 'disable = yes'" >&2; exit 1; }; \
	done
	@if [ -e "$(DESTDIR)$(CONFIG_FILE)" ]; then \
		echo "$(DESTDIR)$(CONFIG_FILE) exists: kept (the shipped one is packaging/pgsql-state.conf)"; \
	else \
		$(INSTALL) -d "$(DESTDIR)$(SYSCONFDIR)/pgsql-state"; \
		echo "packaging/pgsql-state.conf -> $(DESTDIR)$(CONFIG_FILE)"; \
		$(INSTALL) -m 0640 packaging/pgsql-state.conf "$(DESTDIR)$(CONFIG_FILE)"; \
		if [ -z "$(DESTDIR)" ] && getent group $(CONFIG_GROUP) >/dev/null && chgrp $(CONFIG_GROUP) "$(CONFIG_FILE)"; then \
			echo "$(CONFIG_FILE): 0640 root:$(CONFIG_GROUP)"; \
		else \
			echo "$(DESTDIR)$(CONFIG_FILE): 0640; the checker reads it as group $(CONFIG_GROUP): chgrp $(CONFIG_GROUP) $(CONFIG_FILE)"; \
		fi; \
	fi
	@echo "pgsql-state $(VERSION) installed; nothing is enabled (see man 8 pgsql-state)."

# GNU convention: the same, with a stripped binary.
install-strip:
	$(MAKE) INSTALL_PROGRAM='$(INSTALL_PROGRAM) -s' install

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	@if cmp -s packaging/pgsql-state.conf "$(DESTDIR)$(CONFIG_FILE)"; then \
		rm -f "$(DESTDIR)$(CONFIG_FILE)"; rmdir "$(DESTDIR)$(SYSCONFDIR)/pgsql-state" 2>/dev/null || true; \
	elif [ -e "$(DESTDIR)$(CONFIG_FILE)" ]; then \
		echo "$(DESTDIR)$(CONFIG_FILE) was changed: kept"; \
	fi

# A binary Debian package with dpkg-deb alone (no debhelper, no network): packaging/build-deb stages
# "make install PREFIX=/usr" into DEB_DIR and adds control, maintainer scripts and docs.
deb: $(if $(filter 1,$(SKIP_BUILD)),,release)
	@test -x $(RELEASE_BIN) || { echo "$(RELEASE_BIN) missing: run make release" >&2; exit 1; }
	packaging/build-deb --version '$(VERSION)' --binary '$(RELEASE_BIN)' --out '$(DEB_DIR)'
