# SPDX-License-Identifier: ISC
# The package deployed under a real systemd, included by the Makefile.
#
#   make check-deploy   make deb ARCH=amd64, then scripts/deploy-check.sh:
#                       the package installed in a Debian bookworm booted
#                       with systemd-nspawn, and checked (docs/deploy.md)
#
# As root.  The container's base root is made once by mmdebstrap into
# build-deploy/root-HASH (HASH of its package list, Depends and mirrors; outside
# build-amd64/, whose *.d files the Makefile reads), and each run
# boots a throw-away copy of it.  The package of the commit before HEAD
# (scripts/prev-deb.sh, built once per commit) is installed first, then
# upgraded to this one.

DEPLOY_WORK	?= build-deploy

.PHONY: check-deploy
check-deploy:
	@scripts/deps.sh deploy
	$(MAKE) --no-print-directory deb ARCH=amd64
	prev=$$(scripts/prev-deb.sh $(DEPLOY_WORK)) && \
	  scripts/deploy-check.sh build-amd64/campipe_*_amd64.deb \
	  build-amd64/fakecam.so $(DEPLOY_WORK) $$prev
