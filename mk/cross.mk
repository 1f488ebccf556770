# SPDX-License-Identifier: ISC
# Cross builds for the Raspberry Pi, included by the Makefile.
#
#   make cross ARCH=arm64|armhf        daemons, tools, unit tests and
#                                      fakecam.so into build-ARCH/
#   make check-cross ARCH=arm64|armhf  every unit test under qemu-user, then
#                                      the daemons end to end under qemu
#   make clean-cross                   removes build-*/ (sysroots too)
#
# The target's libraries come from build-ARCH/sysroot, unpacked from
# Debian's packages for ARCH by scripts/sysroot.sh (once; again only when
# its package list changes).  ARCH=amd64 (the host) builds natively into
# build-amd64/.  The same -Wall -Wextra -Werror hold.

HOST_ARCH	:= $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
ARCH		?= $(HOST_ARCH)
XBUILD		 = build-$(ARCH)
SYSROOT		 = $(abspath $(XBUILD)/sysroot)
triplet_amd64	 = x86_64-linux-gnu
triplet_arm64	 = aarch64-linux-gnu
triplet_armhf	 = arm-linux-gnueabihf
TRIPLET		 = $(triplet_$(ARCH))
# Debian's armhf is ARMv7 with VFPv3-D16: the Cortex-A7 of a Pi 2 is the
# oldest Pi it runs on.
qemu_arm64	 = qemu-aarch64
qemu_armhf	 = qemu-arm -cpu cortex-a7
QEMU		 = $(qemu_$(ARCH)) -L $(SYSROOT)

# Hardened as Debian builds its packages (fortify, stack protector, full
# RELRO): build-ARCH/ is what make deb packs and check-cross tests.
XHARDEN		 = CFLAGS='-O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong' \
		   LDFLAGS='-Wl,-z,relro,-z,now -Wl,--as-needed'
ifeq ($(ARCH),$(HOST_ARCH))
XENV		 =
XVARS		 = BUILD=$(XBUILD) SANITIZE=0 $(XHARDEN)
XRUN		 =
XSTRIP		 = strip
XROOT		 =
else
XENV		 = env PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
		   PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/$(TRIPLET)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig
XVARS		 = BUILD=$(XBUILD) SANITIZE=0 $(XHARDEN) CC='$(TRIPLET)-gcc --sysroot=$(SYSROOT)'
XRUN		 = $(QEMU)
XSTRIP		 = $(TRIPLET)-strip
XROOT		 = $(SYSROOT)
endif
XMAKE		 = $(XENV) $(MAKE) --no-print-directory $(XVARS)
# The libraries the Makefile links, as pkg-config names them.
CROSS_PC	 = libevent jansson libturbojpeg openssl libcrypt libsystemd \
		   libavcodec libavformat libavutil

.PHONY: cross check-cross sysroot unit-bins clean-cross

# Removes every build-ARCH/, sysroots included.
clean-cross:
	rm -rf $(addprefix build-,$(HOST_ARCH) arm64 armhf)

unit-bins: $(UNIT_BINS)

ifeq ($(triplet_$(ARCH)),)
cross check-cross sysroot:
	@echo "ARCH=$(ARCH): one of amd64, arm64, armhf" >&2; exit 2
else
sysroot:
ifeq ($(ARCH),$(HOST_ARCH))
	@scripts/deps.sh build
else
	@scripts/deps.sh cross
	@scripts/sysroot.sh $(ARCH) $(XBUILD)/sysroot
endif

cross: sysroot
	@if [ "$(ARCH)" != "$(HOST_ARCH)" ]; then \
	  $(XENV) pkg-config --exists --print-errors $(CROSS_PC) || exit 1; fi
	$(XMAKE) all unit-bins
	@file $(XBUILD)/campipe-capd | sed 's/, BuildID.*//'

# Every unit test under qemu-user (binfmt_misc is not assumed: qemu is
# named), then the daemons end to end (tests/cross/), then ARCH's package
# (make deb; control fields, files and lintian: tests/integration/test_deb.py).
check-cross: cross
	@fail=0; for t in $(patsubst $(BUILD)/%,$(XBUILD)/%,$(UNIT_BINS)); do \
	  $(XRUN) $$t || fail=1; done; \
	  [ $$fail = 0 ] || { echo "check-cross: unit tests failed on $(ARCH)"; exit 1; }
	CAMPIPE_BUILD=$(abspath $(XBUILD)) CAMPIPE_QEMU='$(XRUN)' CAMPIPE_ARCH=$(ARCH) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider tests/cross
	CAMPIPE_DEB_ARCHS=$(ARCH) $(PYTHON) -m pytest -q -p no:cacheprovider \
	  tests/integration/test_deb.py
endif
