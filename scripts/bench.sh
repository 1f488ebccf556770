#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs campipe's benchmarks against the daemons in BUILD and prints Markdown
# tables (see docs/bench.md).  `make bench` runs it; `make bench-smoke` runs
# it with --smoke (tiny N, short windows) as a quick check that it works.
# Usage: scripts/bench.sh BUILD [--smoke] [--fanout]
set -eu
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$@"
