# tunown — make builds build/tunown; see README.md for the other targets.
VERSION     := 0.1.0

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
PKG_CONFIG  ?= pkg-config

CC          ?= cc
BUILD       := build
PKGS        := libnl-3.0 libnl-route-3.0 libcap

# Hardening is the default; SANITIZE=1 swaps optimisation for sanitizers.
CFLAGS      ?= -O2 -g
CFLAGS      += -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter \
               -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2
LDFLAGS     += -pie -Wl,-z,relro,-z,now
ifdef WERROR
CFLAGS      += -Werror
endif
ifdef SANITIZE
CFLAGS      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(CFLAGS)) -U_FORTIFY_SOURCE
LDFLAGS     += -fsanitize=address,undefined
BUILD       := build/sanitize
endif
ifdef FAULT
CFLAGS      += -DTUNOWN_FAULT
endif

PKG_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CPPFLAGS    += -DTUNOWN_VERSION='"$(VERSION)"' $(PKG_CFLAGS)

SRCS        := $(wildcard src/*.c)
OBJS        := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
# Everything but main(): what unit tests and fuzzers link against.
LIB_OBJS    := $(filter-out $(BUILD)/obj/tunown.o,$(OBJS))

UNIT_SRCS   := $(wildcard tests/unit/*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all check unit deps clean install uninstall lint bench fuzz check-valgrind
all: $(BUILD)/tunown

$(BUILD)/tunown: $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) -Isrc $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(PKG_LIBS) -lcmocka

$(BUILD)/tests/%: tests/helpers/%.c | $(BUILD)/tests
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	$(Q)mkdir -p $@

# The whole suite through prove: unit tests (cmocka, TAP), command-line tests,
# and integration tests in throwaway namespaces (skipped without root).
check: $(BUILD)/tunown $(UNIT_BINS) $(HELPER_BINS)
	TUNOWN=$(abspath $(BUILD)/tunown) TUNOWN_TESTBIN=$(abspath $(BUILD)/tests) \
	  prove --exec tests/lib/runtest $(UNIT_BINS) $(sort $(wildcard tests/cli/*.bats)) \
	  $(sort $(wildcard tests/integration/*.bats))

DEB_PKGS := build-essential pkg-config libnl-3-dev libnl-route-3-dev libcap-dev \
            libcmocka-dev bats bats-assert bats-support mandoc iproute2 util-linux \
            libcap2-bin bash-completion zsh fish strace clang valgrind cppcheck
deps:
	@if command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS); \
	else \
	  echo "make deps: install these (Debian names): $(DEB_PKGS)"; exit 1; \
	fi

clean:
	rm -rf build
