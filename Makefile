# SPDX-License-Identifier: ISC
# campipe: one Makefile for every daemon, test and tool.
#
#   make            build the daemons into $(BUILD)/
#   make run        install missing packages (as root), build, start the system
#                   (CAMERAS=2: two test-pattern cameras, see scripts/run.sh)
#   make check      the same set-up, then every test (unit, fuzz smoke, integration)
#   make fuzz       run every libFuzzer target for FUZZ_TIME seconds
#   make bench      benchmarks (not part of check)
#   make check SANITIZE=1   the whole suite under ASan + UBSan
#
# Layout rule: DIR/DIR.c holds a daemon's main(); every other DIR/*.c (and
# for common/, every common/ROOM/*.c) goes
# into $(BUILD)/libDIR.a.  A daemon links its own library and libcommon.a
# only, tools libcommon.a only; unit tests and fuzz targets link them all.

CC		?= cc
BUILD		?= build
PYTHON		?= /usr/bin/python3
WITH_SYSTEMD	?= 1
SANITIZE	?= 0
FUZZ_TIME	?= 60
FUZZ_SMOKE_TIME	?= 5
# Fuzz targets and integration test files run this many at a time.
JOBS		?= 2
PREFIX		?= /usr/local

CFLAGS		?= -O2 -g
WARN		 = -Wall -Wextra -Werror -Wno-unused-parameter
# common/ in rooms: frame/ (capd's sockets as readers see them, and the
# fan-out), media/ (JPEG, H.264, fMP4), http/, auth/, webrtc/ (STUN,
# ICE-lite, DTLS-SRTP), daemon/ (start-up, log, options, Unix sockets).  Each room is
# on the include path.
COMMON_ROOMS	:= $(sort $(notdir $(patsubst %/,%,$(wildcard common/*/))))
CPPFLAGS	+= -D_GNU_SOURCE $(patsubst %,-Icommon/%,$(COMMON_ROOMS)) -I$(BUILD)
# common/webrtc/srtp_session.c: SRTP (libsrtp2).
LDLIBS		+= -levent -ljansson -lturbojpeg -lsrtp2 -lssl -lcrypto -lcrypt -lm
# capd/h264*.c, common/media/fmp4.c: H.264 encoding and MP4 muxing.
LDLIBS		+= -lavformat -lavcodec -lavutil -lpthread
VERSION		:= $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

ifeq ($(WITH_SYSTEMD),1)
CPPFLAGS	+= -DWITH_SYSTEMD
LDLIBS		+= -lsystemd
endif
ifeq ($(SANITIZE),1)
BUILD		:= $(BUILD)/san
CFLAGS		+= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS		+= -fsanitize=address,undefined
# Leaks fail a run; a small quarantine keeps memory-bound tests meaningful.
export ASAN_OPTIONS ?= detect_leaks=1:quarantine_size_mb=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
endif

OBJ		 = $(BUILD)/obj
# Header dependencies of everything compiled, objects and one-step programs.
DEPFLAGS	 = -MMD -MP -MF $@.d -MT $@
DAEMONS		:= $(foreach d,capd httpd wsd rtspd rtcd,$(if $(wildcard $(d)/$(d).c),$(d)))
LIBDIRS		:= $(DAEMONS) common
BINS		 = $(patsubst %,$(BUILD)/campipe-%,$(DAEMONS))
lib_srcs	 = $(filter-out $(1)/$(1).c,$(wildcard $(1)/*.c $(1)/*/*.c))
lib_objs	 = $(patsubst %.c,$(OBJ)/%.o,$(call lib_srcs,$(1)))
LIBS		 = $(patsubst %,$(BUILD)/lib%.a,$(LIBDIRS))
LINKLIBS	 = $(patsubst %,-l%,$(LIBDIRS))

UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
UNIT_BINS	 = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS	 = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
CMD_SRCS	:= $(wildcard tools/*.c)
CMDS		 = $(patsubst tools/%.c,$(BUILD)/%,$(CMD_SRCS))
TOOL_SRCS	:= $(wildcard tests/tools/*.c)
TOOL_BINS	 = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
FAKECAM_SRCS	:= $(wildcard tests/fakecam/*.c)
FAKECAM		 = $(if $(FAKECAM_SRCS),$(BUILD)/fakecam.so)
BENCH_SRCS	:= $(wildcard bench/*.c)
BENCH_BINS	 = $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: FORCE all deps deps-check run check unit fuzz fuzz-smoke integration bench valgrind \
	bench-smoke install uninstall clean screenshot
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BINS) $(CMDS) $(TOOL_BINS) $(FAKECAM)

deps:
	@scripts/deps.sh build
deps-check:
	@scripts/deps.sh check

# CAMPIPE_VERSION, rewritten only when it changes: what includes it rebuilds.
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define CAMPIPE_VERSION "$(VERSION)"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(OBJ)/%.o: %.c | $(BUILD)/version.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

define lib_rule
$(BUILD)/lib$(1).a: $(call lib_objs,$(1))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach d,$(LIBDIRS),$(eval $(call lib_rule,$(d))))

define daemon_rule
$(BUILD)/campipe-$(1): $(OBJ)/$(1)/$(1).o $(BUILD)/lib$(1).a $(BUILD)/libcommon.a
	$(CC) $(LDFLAGS) -o $$@ $$< -L$(BUILD) -l$(1) -lcommon $(LDLIBS)
endef
$(foreach d,$(DAEMONS),$(eval $(call daemon_rule,$(d))))

$(BUILD)/tests/%: tests/unit/%.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit -I. $(CFLAGS) $(WARN) $(DEPFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) $(LINKLIBS) $(LDLIBS)

$(BUILD)/campipe-%: tools/campipe-%.c $(BUILD)/libcommon.a | $(BUILD)/version.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) -lcommon $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I. $(CFLAGS) $(WARN) $(DEPFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) $(LINKLIBS) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I. $(CFLAGS) $(WARN) $(DEPFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) $(LINKLIBS) $(LDLIBS)

# The fake V4L2 camera: a preloadable library for tests without hardware
# (never sanitized: it is preloaded into programs built without ASan).
$(BUILD)/fakecam.so: $(FAKECAM_SRCS) $(wildcard tests/fakecam/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(filter-out -fsanitize%,$(CFLAGS)) $(WARN) -fPIC -shared -o $@ $(FAKECAM_SRCS) -ldl -lpthread -lturbojpeg

# libFuzzer targets: every library source rebuilt with clang and sanitizers.
FUZZ_CFLAGS	 = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
# Each daemon's options.c reads its command line (options_parse): none
# is fuzzed, and their names are the same in every daemon.
FUZZ_LIBSRCS	 = $(filter-out $(patsubst %,%/options.c,$(DAEMONS)),\
		   $(foreach d,$(LIBDIRS),$(call lib_srcs,$(d))))
FUZZ_OBJS	 = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIBSRCS))
$(BUILD)/fuzz/obj/%.o: %.c | $(BUILD)/version.h
	@mkdir -p $(@D)
	clang $(CPPFLAGS) -I. $(FUZZ_CFLAGS) $(WARN) -MMD -MP -c -o $@ $<
$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(FUZZ_OBJS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(LDLIBS)

fuzz: deps-check $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); \
	  mkdir -p tests/fuzz/corpus/$$n $(BUILD)/fuzz/work/$$n; \
	  echo "fuzz: $$n for $(FUZZ_TIME)s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 $(BUILD)/fuzz/work/$$n tests/fuzz/corpus/$$n \
	    2>$(BUILD)/fuzz/$$n.log || { tail -40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	  grep -h 'stat::number_of_executed_units' $(BUILD)/fuzz/$$n.log; done

fuzz-smoke: $(FUZZ_BINS)
	@sh scripts/fuzz-smoke.sh $(BUILD) $(FUZZ_SMOKE_TIME) $(JOBS) $(FUZZ_BINS)

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do $$t || fail=1; done; exit $$fail

integration: all
	CAMPIPE_SANITIZE=$(SANITIZE) CAMPIPE_BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -q -p no:cacheprovider \
	  -n $(JOBS) --dist loadfile tests/integration

check: deps-check
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) integration

run: deps
	$(MAKE) all
	@scripts/run.sh $(BUILD)

# The README's picture of the viewer, from the real page (scripts/screenshot.sh).
screenshot:
	@scripts/deps.sh check
	$(MAKE) all
	@[ -f tests/browser/node_modules/playwright-core/package.json ] || \
	    npm ci --prefix tests/browser --no-audit --no-fund
	scripts/screenshot.sh $(BUILD) docs/viewer.png

bench: 
	@scripts/deps.sh bench
	$(MAKE) all $(BENCH_BINS)
	@scripts/bench.sh $(BUILD)

bench-smoke:
	@scripts/deps.sh bench
	$(MAKE) all $(BENCH_BINS)
	@scripts/bench.sh $(BUILD) --smoke

# Install: binaries, www/, systemd units (with paths filled in), users and
# the runtime directory (sysusers.d, tmpfiles.d), and the settings file
# $(SYSCONFDIR)/default/campipe, never overwritten.  systemd looks for
# units, sysusers.d and tmpfiles.d under /usr/local/lib and /usr/lib, so
# PREFIX=/usr/local (default) or /usr need nothing more; for another PREFIX,
# set UNITDIR=/etc/systemd/system SYSUSERSDIR=/etc/sysusers.d
# TMPFILESDIR=/etc/tmpfiles.d.  Without DESTDIR, as root, the users and
# /run/campipe are created and systemd reloaded.  Manual pages go under
# $(MANDIR), campipe-passwd beside the daemons.
BINDIR		?= $(PREFIX)/bin
WWWDIR		?= $(PREFIX)/share/campipe/www
DOCDIR		?= $(PREFIX)/share/doc/campipe
MANDIR		?= $(PREFIX)/share/man
MANS		:= $(wildcard man/*.[1-8])
MAN_DEST	 = $(foreach m,$(MANS),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
SYSCONFDIR	?= /etc
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR	?= $(PREFIX)/lib/tmpfiles.d
UNITS		:= $(notdir $(wildcard systemd/*.service systemd/*.socket systemd/*.target))
UNIT_SUBST	 = -e 's,@BINDIR@,$(BINDIR),g' -e 's,@WWWDIR@,$(WWWDIR),g' \
		   -e 's,@DOCDIR@,$(DOCDIR),g' -e 's,@SYSCONFDIR@,$(SYSCONFDIR),g'
DEFAULTS	 = $(DESTDIR)$(SYSCONFDIR)/default/campipe

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(WWWDIR) $(DESTDIR)$(DOCDIR) \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	  $(DESTDIR)$(SYSCONFDIR)/default
	install -m 0755 $(BINS) $(CMDS) $(DESTDIR)$(BINDIR)/
	for m in $(MANS); do install -D -m 0644 $$m \
	  $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/} || exit 1; done
	if [ -d www ]; then (cd www && find . -type f -exec install -D -m 0644 \
	  {} $(DESTDIR)$(WWWDIR)/{} \;); fi
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -D -m 0644 examples/door.conf $(DESTDIR)$(DOCDIR)/examples/door.conf
	for u in $(UNITS); do sed $(UNIT_SUBST) systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u \
	  && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 0644 systemd/campipe.sysusers $(DESTDIR)$(SYSUSERSDIR)/campipe.conf
	install -m 0644 systemd/campipe.tmpfiles $(DESTDIR)$(TMPFILESDIR)/campipe.conf
	@if [ -e $(DEFAULTS) ]; then echo "install: kept $(DEFAULTS)"; \
	  else install -m 0644 systemd/campipe.default $(DEFAULTS); fi
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
	  systemd-sysusers $(SYSUSERSDIR)/campipe.conf && \
	  systemd-tmpfiles --create $(TMPFILESDIR)/campipe.conf; \
	  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(BINS) $(CMDS)))
	rm -f $(MAN_DEST)
	rm -rf $(DESTDIR)$(WWWDIR) $(DESTDIR)$(DOCDIR)
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -f $(DESTDIR)$(SYSUSERSDIR)/campipe.conf $(DESTDIR)$(TMPFILESDIR)/campipe.conf
	-rmdir $(DESTDIR)$(PREFIX)/share/campipe 2>/dev/null
	@if cmp -s systemd/campipe.default $(DEFAULTS); then rm -f $(DEFAULTS); \
	  elif [ -e $(DEFAULTS) ]; then echo "uninstall: kept $(DEFAULTS) (changed)"; fi
	@echo "uninstall: users campipe-* and group campipe are left in place"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path '$(BUILD)/sysroot' -prune -o -type f -name '*.d' -print 2>/dev/null)

# The daemons under valgrind memcheck through the integration tests that
# drive them (slow; not part of check).  Any error or definite leak fails.
VALGRIND_TESTS	?= tests/integration/test_capd.py tests/integration/test_httpd.py \
		   tests/integration/test_wsd.py tests/integration/test_auth.py
valgrind: all
	CAMPIPE_VALGRIND=1 CAMPIPE_BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -q \
	    -p no:cacheprovider $(VALGRIND_TESTS) $(VALGRIND_ARGS)

include mk/cross.mk mk/deb.mk mk/deploy.mk
