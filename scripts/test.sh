#!/usr/bin/env bash
# All tests: set up the machine, mvn -B verify (arguments are passed to Maven), then a summary of
# what ran and every skipped test with its reason. Exits with Maven's exit code.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

scripts/setup.sh || exit
started=$(date +%s)
mvn -B -ntp verify "$@"
code=$?
"${JAVA_HOME:+$JAVA_HOME/bin/}java" scripts/TestSummary.java . "$started" || true
exit "$code"
