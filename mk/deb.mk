# SPDX-License-Identifier: ISC
# Debian packages, included by the Makefile.
#
#   make deb ARCH=amd64|arm64|armhf   build-ARCH/campipe_VERSION_ARCH.deb
#
# From a staged "make install DESTDIR=build-ARCH/deb PREFIX=/usr" of that
# architecture's build (cross-built for arm64 and armhf, see mk/cross.mk),
# packed by scripts/deb.sh with dpkg-deb.  VERSION comes from git
# describe: a tag vX.Y gives X.Y (X.Y+gitN.gHASH past it); with no tag it is
# 0~gitN.gHASH, N commits to HASH; "+dirty" marks uncommitted changes.

DEB_VERSION	?= $(shell scripts/deb.sh --version)
# As Debian's tools: DEBFULLNAME and DEBEMAIL when set, else the last
# commit's author.
DEB_MAINTAINER	?= $(if $(DEBEMAIL),$(DEBFULLNAME) <$(DEBEMAIL)>,$(shell git log -1 --format='%an <%ae>' 2>/dev/null))
DEB_STAGE	 = $(abspath $(XBUILD)/deb)

.PHONY: deb
ifeq ($(triplet_$(ARCH)),)
deb:
	@echo "ARCH=$(ARCH): one of amd64, arm64, armhf" >&2; exit 2
else
deb: sysroot
	rm -rf $(DEB_STAGE) $(XBUILD)/campipe_*_$(ARCH).deb
	$(XMAKE) install DESTDIR=$(DEB_STAGE) PREFIX=/usr
	DEB_MAINTAINER='$(DEB_MAINTAINER)' STRIP=$(XSTRIP) \
	  scripts/deb.sh $(ARCH) $(DEB_STAGE) $(XBUILD) '$(DEB_VERSION)' $(TRIPLET) $(XROOT)
endif
