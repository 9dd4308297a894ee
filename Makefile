# tunown — make builds build/tunown; see README.md for the other targets.
VERSION     := 0.1.0

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= /etc
# Where container runtimes look for CNI plugins (Debian's containernetworking-plugins;
# containerd and most guides use /opt/cni/bin): install puts a link named tunown there.
CNI_BINDIR  ?= /usr/lib/cni
PKG_CONFIG  ?= pkg-config

CC          ?= cc
BUILD       := build
PKGS        := libnl-3.0 libnl-route-3.0 libcap jansson

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
# OLD_UAPI=1: every constant src/uapi.h has a fallback for comes from that
# fallback, as with the headers of an older distribution (RHEL 8: 4.18).
ifdef OLD_UAPI
CPPFLAGS    += -DTUNOWN_OLD_UAPI
BUILD       := $(BUILD)/old-uapi
endif

PKG_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# The three libraries are linked from their static archives (in the same -dev
# packages): as shared libraries they cost every run about 0.2 ms of loading
# (74 constructors in libnl-route-3 alone, 30 more page faults), a tenth of
# one `tunown add`. SHARED=1 links them as shared libraries.
ifdef SHARED
PKG_LIBS    := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
else
PKG_LIBS_l  := $(shell $(PKG_CONFIG) --libs-only-l $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell $(PKG_CONFIG) --libs-only-L $(PKGS) 2>/dev/null) -Wl,-Bstatic $(PKG_LIBS_l) -Wl,-Bdynamic \
               $(filter-out $(PKG_LIBS_l),$(shell $(PKG_CONFIG) --static --libs-only-l $(PKGS) 2>/dev/null))
endif
CPPFLAGS    += -DTUNOWN_VERSION='"$(VERSION)"' $(PKG_CFLAGS)

SRCS        := $(wildcard src/*.c)
OBJS        := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
# Everything but main(): what unit tests and fuzzers link against.
LIB_OBJS    := $(filter-out $(BUILD)/obj/tunown.o,$(OBJS))

UNIT_SRCS   := $(wildcard tests/unit/*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(filter-out tests/helpers/faultshim.c tests/helpers/oldkernel.c,$(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/%)
# LD_PRELOADed by tests/integration/80-faults.bats: fails the Nth tun ioctl or netlink request.
SHIM        := $(BUILD)/tests/faultshim.so
# LD_PRELOADed into every tunown run by make check-oldkernel: a kernel before 4.12 (tests/helpers/oldkernel.c).
OLDSHIM     := $(BUILD)/tests/oldkernel.so
# Fuzz harnesses (tests/fuzz/fuzz-NAME.c, corpus in tests/fuzz/corpus/NAME):
# make check replays each corpus with $(CC); make fuzz runs them under libFuzzer.
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
REPLAY_BINS := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz-replay-%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all check unit deps clean install uninstall lint bench fuzz check-valgrind check-oldkernel soak check-kernels
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

$(BUILD)/tests/fuzz-replay-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB_OBJS) | $(BUILD)/tests
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) -Isrc -DFUZZ_CORPUS='"$(abspath tests/fuzz/corpus/$*)"' $(CFLAGS) $(LDFLAGS) \
	  -o $@ tests/fuzz/replay.c $< $(LIB_OBJS) $(PKG_LIBS)

$(BUILD)/tests/%: tests/helpers/%.c | $(BUILD)/tests
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# Plain flags, no sanitizer: a preloaded library must not need their runtime.
$(BUILD)/tests/%.so: tests/helpers/%.c | $(BUILD)/tests
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra $(if $(WERROR),-Werror) -fPIC -shared -o $@ $< -ldl

$(BUILD)/bench/%: tests/bench/%.c | $(BUILD)/bench
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BUILD)/obj $(BUILD)/tests $(BUILD)/bench:
	$(Q)mkdir -p $@

# make bench [BENCH_N="100 1000"] [BENCH_R=3]: as root, tunown against ip and
# against the floor (tests/bench/floor.c) in throwaway namespaces; prints a
# table of times, ratios and peak RSS. Not part of check: no timed assertions.
BENCH_N     ?= 100 1000 4000
bench: $(BUILD)/tunown $(BUILD)/bench/floor $(BUILD)/bench/measure
	TUNOWN=$(abspath $(BUILD)/tunown) BENCH_BIN=$(abspath $(BUILD)/bench) BENCH_N="$(BENCH_N)" \
	  tests/bench/run

# The whole suite through prove: unit tests (cmocka, TAP), command-line tests,
# and integration tests in throwaway namespaces (skipped without root).
# cnitool (the reference CNI caller) is built first, from Debian's source
# package, by tests/lib/build-cnitool: the tests run in namespaces without network.
CNITOOL_DIR := build/cnitool
check: $(BUILD)/tunown $(UNIT_BINS) $(HELPER_BINS) $(REPLAY_BINS) $(SHIM) $(OLDSHIM)
	$(Q)tests/lib/build-cnitool $(CNITOOL_DIR)
	TUNOWN=$(abspath $(BUILD)/tunown) TUNOWN_TESTBIN=$(abspath $(BUILD)/tests) TUNOWN_CNITOOL=$(abspath $(CNITOOL_DIR)) \
	  prove --exec tests/lib/runtest $(UNIT_BINS) $(REPLAY_BINS) $(sort $(wildcard tests/cli/*.bats)) \
	  $(sort $(wildcard tests/integration/*.bats))

# The unit tests and the corpus replays alone (make OLD_UAPI=1 unit: against the fallbacks).
unit: $(BUILD)/tunown $(UNIT_BINS) $(REPLAY_BINS)
	prove --exec tests/lib/runtest $(UNIT_BINS) $(REPLAY_BINS)

# make check-kernels [TUNOWN_KERNELS="6.1 6.12"]: the integration tests that
# exercise the kernel (VM_TESTS: creating, attaching, deleting and check's
# rules and probe; the rest are tunown's own logic) under other kernels,
# each in a QEMU guest (tests/vm/boot) that shares this machine's root
# read-only: Debian's newest 6.1, 6.12, ... from bookworm, trixie and their
# backports and security suites, fetched by tests/vm/fetch into build/kernels
# with apt-get download through a private apt configuration there, never
# installed. TUNOWN_KERNELS picks versions by prefix. Skips, with the
# reason, where Debian's archive cannot be reached. Prints one line per kernel.
VM_TESTS    := 00-harness 10-add 20-attach 30-del 70-check
check-kernels: $(BUILD)/tunown $(HELPER_BINS)
	TUNOWN=$(abspath $(BUILD)/tunown) TUNOWN_TESTBIN=$(abspath $(BUILD)/tests) \
	  tests/vm/check-kernels build/kernels $(VM_TESTS:%=tests/integration/%.bats)

# make soak [SOAK_STEPS=20000] [TUNOWN_SEED=N]: the model-based test of
# tests/model/model.py (make check runs 250 steps of it) for many steps, as
# root in a throwaway sandbox; a divergence is counted, printed with its seed
# and the commands that reproduce it (all of them in build/soak.txt), and the
# run goes on from a fresh universe. Prints steps, seed, divergences and time.
SOAK_STEPS  ?= 20000
soak: $(BUILD)/tunown $(HELPER_BINS)
	$(Q)rm -f build/soak.txt
	TUNOWN=$(abspath $(BUILD)/tunown) TUNOWN_TESTBIN=$(abspath $(BUILD)/tests) \
	  TUNOWN_MODEL_STEPS=$(SOAK_STEPS) TUNOWN_MODEL_KEEP_GOING=1 TUNOWN_MODEL_REPORT=$(abspath build/soak.txt) \
	  prove -v --exec tests/lib/runtest tests/integration/95-model.bats

# make fuzz [FUZZ_SECONDS=60]: each harness under libFuzzer with address and
# undefined sanitizers, built with clang into build/fuzz. New inputs go to
# build/fuzz/corpus-NAME; the committed corpus seeds the run; the log with
# the execution count is build/fuzz/NAME.log.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_OBJS    := $(patsubst src/%.c,build/fuzz/obj/%.o,$(filter-out src/tunown.c,$(SRCS)))

build/fuzz/obj/%.o: src/%.c $(wildcard src/*.h) | build/fuzz/obj
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -Isrc $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(PKG_LIBS)

build/fuzz/obj:
	$(Q)mkdir -p $@

.PRECIOUS: build/fuzz/obj/%.o build/fuzz/fuzz-%

fuzz: $(FUZZ_NAMES:%=build/fuzz/fuzz-%)
	$(Q)set -e; for t in $(FUZZ_NAMES); do \
	  mkdir -p build/fuzz/corpus-$$t; \
	  echo "  FUZZ    $$t for $(FUZZ_SECONDS)s"; \
	  build/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	    -dict=tests/fuzz/$$t.dict -artifact_prefix=build/fuzz/$$t- \
	    build/fuzz/corpus-$$t tests/fuzz/corpus/$$t >build/fuzz/$$t.log 2>&1 || \
	    { tail -n 40 build/fuzz/$$t.log; echo "fuzz $$t: failed, see build/fuzz/$$t.log"; exit 1; }; \
	  grep -E '^(#[0-9]+ +DONE|Done)' build/fuzz/$$t.log; \
	done

# make check-valgrind: the integration suite with every tunown run under
# valgrind memcheck. $TUNOWN becomes a wrapper script (TUNOWN_BIN keeps the real
# binary for the setuid tests); an error or a definite or indirect leak makes
# that run exit 99, and any report is printed from build/valgrind/logs at the end.
# Not a report: valgrind's note that it does not know the nsfs ioctls (0xb7..)
# that check uses to compare namespaces.
VALGRIND_FLAGS := --quiet --leak-check=full --show-leak-kinds=definite,indirect \
                  --errors-for-leak-kinds=definite,indirect --error-exitcode=99
VG          := $(abspath $(BUILD)/valgrind)
# make check-oldkernel: the integration suite with every tunown run under
# oldkernel.so, as on a kernel before 4.12 (no IFLA_TUN_*, MTU bounds,
# extended ack or namespace cookie). $TUNOWN becomes a wrapper that preloads
# it; TUNOWN_OLDKERNEL=1 lets a test that needs a newer kernel skip, saying why.
OK          := $(abspath $(BUILD)/oldkernel)
check-oldkernel: $(BUILD)/tunown $(HELPER_BINS) $(SHIM) $(OLDSHIM)
	$(Q)tests/lib/build-cnitool $(CNITOOL_DIR)
	$(Q)rm -rf $(OK) && mkdir -p $(OK)
	$(Q)printf '#!/bin/sh\nLD_PRELOAD="$${LD_PRELOAD:+$$LD_PRELOAD:}%s" exec %s "$$@"\n' \
	  '$(abspath $(OLDSHIM))' '$(abspath $(BUILD)/tunown)' >$(OK)/tunown
	$(Q)chmod 0755 $(OK)/tunown
	TUNOWN=$(OK)/tunown TUNOWN_BIN=$(abspath $(BUILD)/tunown) TUNOWN_OLDKERNEL=1 \
	  TUNOWN_TESTBIN=$(abspath $(BUILD)/tests) TUNOWN_CNITOOL=$(abspath $(CNITOOL_DIR)) \
	  prove --exec tests/lib/runtest $(sort $(wildcard tests/integration/*.bats))

check-valgrind: $(BUILD)/tunown $(HELPER_BINS) $(SHIM)
	$(Q)rm -rf $(VG) && mkdir -p $(VG) && mkdir -m 1777 $(VG)/logs
	$(Q)printf '#!/bin/sh\nexec valgrind %s --log-file=%s/%%p.log %s "$$@"\n' \
	  '$(VALGRIND_FLAGS)' '$(VG)/logs' '$(abspath $(BUILD)/tunown)' >$(VG)/tunown
	$(Q)chmod 0755 $(VG)/tunown
	$(Q)st=0; TUNOWN=$(VG)/tunown TUNOWN_BIN=$(abspath $(BUILD)/tunown) \
	  TUNOWN_TESTBIN=$(abspath $(BUILD)/tests) \
	  prove --exec tests/lib/runtest $(sort $(wildcard tests/integration/*.bats)) || st=1; \
	runs=$$(ls $(VG)/logs | wc -l); bad=0; \
	for f in $(VG)/logs/*; do \
	  grep -v -e 'unhandled ioctl 0xb7' -e 'spurious value errors' -e 'README_MISSING_SYSCALL' "$$f" \
	    >$$f.report || { rm -f $$f.report; continue; }; \
	  bad=$$((bad + 1)); cat $$f.report; \
	done; \
	echo "check-valgrind: $$runs runs of tunown under memcheck, $$bad with a report"; \
	[ $$st = 0 ] && [ $$bad = 0 ]

# make lint: cppcheck and clang-tidy over src/ and the test helpers; a finding
# fails. Each suppression is a checked false positive and names its file.
lint_space  := $(subst ,, )
LINT_SRCS   := $(SRCS) $(wildcard tests/helpers/*.c)
CPPCHECK_FLAGS := --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	--enable=warning,portability,performance --suppress=missingIncludeSystem \
	--suppress=nullPointerRedundantCheck:src/creds.c \
	--suppress=uninitvar:src/diagnose.c --suppress=ctunullpointer:src/tun.c
# Left out: style-only checks (dead stores, easily swapped parameters, strcmp
# used as a truth value, sizeof of a pointer for arrays of pointers) and the
# analyser's va_list false positive.
TIDY_CHECKS := -*,clang-analyzer-*,-clang-analyzer-valist.Uninitialized,-clang-analyzer-deadcode.DeadStores,\
	-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,bugprone-*,\
	-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,\
	-bugprone-assignment-in-if-condition,-bugprone-suspicious-string-compare,-bugprone-sizeof-expression
lint:
	cppcheck $(CPPCHECK_FLAGS) -Isrc $(LINT_SRCS)
	clang-tidy --quiet --warnings-as-errors='*' -checks='$(subst $(lint_space),,$(TIDY_CHECKS))' \
	  $(LINT_SRCS) -- $(CPPFLAGS) -Isrc -std=gnu11

DEB_PKGS := build-essential pkg-config libnl-3-dev libnl-route-3-dev libcap-dev libjansson-dev \
            libcmocka-dev bats bats-assert bats-support mandoc iproute2 util-linux \
            libcap2-bin bash-completion zsh fish strace clang valgrind cppcheck \
            golang-go golang-github-appc-cni-dev containernetworking-plugins dpkg-dev \
            python3 qemu-system-x86 socat \
            podman crun conmon busybox-static kmod \
            openvpn openssh-server tinc user-mode-linux \
            libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients iputils-ping
deps:
	@if command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS); \
	else \
	  echo "make deps: install these (Debian names): $(DEB_PKGS)"; exit 1; \
	fi

clean:
	rm -rf build

# Where install puts things. The completion and unit directories come from
# pkg-config where the shells and systemd ship one, else the usual paths;
# each can be overridden (make install BASHCOMPDIR=...).
pkgvar = $(shell $(PKG_CONFIG) --variable=$(1) $(2) 2>/dev/null)
DOCDIR      ?= $(PREFIX)/share/doc/tunown
BASHCOMPDIR ?= $(or $(call pkgvar,completionsdir,bash-completion),$(PREFIX)/share/bash-completion/completions)
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(or $(call pkgvar,completionsdir,fish),$(PREFIX)/share/fish/vendor_completions.d)
SYSTEMDUNITDIR ?= $(or $(call pkgvar,systemdsystemunitdir,systemd),$(PREFIX)/lib/systemd/system)
UNIT        := $(wildcard contrib/systemd/tunown.service)
EXAMPLE     := $(wildcard contrib/tunown.conf.example)

# $(call install_file,SOURCE,DIRECTORY,MODE[,NAME]): one file, as NAME.
define install_file
	@$(if $(Q),echo "  INSTALL $(DESTDIR)$(2)/$(or $(4),$(notdir $(1)))")
	$(Q)install -d -m 755 "$(DESTDIR)$(2)"
	$(Q)install -m $(3) "$(1)" "$(DESTDIR)$(2)/$(or $(4),$(notdir $(1)))"

endef

# The unit runs the tunown that install put in BINDIR.
define install_unit
	@$(if $(Q),echo "  INSTALL $(DESTDIR)$(SYSTEMDUNITDIR)/tunown.service")
	$(Q)install -d -m 755 "$(DESTDIR)$(SYSTEMDUNITDIR)"
	$(Q)sed 's%^\(Exec[A-Za-z]*=[-@:+!]*\)[^ ]*/tunown\( \|$$\)%\1$(BINDIR)/tunown\2%' \
	  $(UNIT) >"$(DESTDIR)$(SYSTEMDUNITDIR)/tunown.service"
	$(Q)chmod 644 "$(DESTDIR)$(SYSTEMDUNITDIR)/tunown.service"

endef

# What install puts in place; uninstall removes exactly these.
INSTALLED = $(BINDIR)/tunown $(CNI_BINDIR)/tunown $(MANDIR)/man8/tunown.8 $(MANDIR)/man5/tunown.conf.5 \
	$(MANDIR)/man7/tunown-cni.7 \
	$(BASHCOMPDIR)/tunown $(ZSHCOMPDIR)/_tunown $(FISHCOMPDIR)/tunown.fish \
	$(if $(UNIT),$(SYSTEMDUNITDIR)/tunown.service) \
	$(if $(EXAMPLE),$(DOCDIR)/tunown.conf.example)

# bash-completion loads a completion by the command's name: tunown.bash
# is installed as "tunown".
install: $(BUILD)/tunown
	$(call install_file,$(BUILD)/tunown,$(BINDIR),755)
	$(call install_file,man/tunown.8,$(MANDIR)/man8,644)
	$(call install_file,man/tunown.conf.5,$(MANDIR)/man5,644)
	$(call install_file,man/tunown-cni.7,$(MANDIR)/man7,644)
	@$(if $(Q),echo "  LN      $(DESTDIR)$(CNI_BINDIR)/tunown")
	$(Q)install -d -m 755 "$(DESTDIR)$(CNI_BINDIR)"
	$(Q)ln -sf "$(BINDIR)/tunown" "$(DESTDIR)$(CNI_BINDIR)/tunown"
	$(call install_file,completions/tunown.bash,$(BASHCOMPDIR),644,tunown)
	$(call install_file,completions/_tunown,$(ZSHCOMPDIR),644)
	$(call install_file,completions/tunown.fish,$(FISHCOMPDIR),644)
	$(if $(UNIT),$(install_unit))
	$(if $(EXAMPLE),$(call install_file,$(EXAMPLE),$(DOCDIR),644))

uninstall:
	@$(if $(Q),for f in $(INSTALLED); do echo "  RM      $(DESTDIR)$$f"; done)
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir "$(DESTDIR)$(DOCDIR)" 2>/dev/null || true
