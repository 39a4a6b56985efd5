#!/usr/bin/env bash
# Runs every benchmark once and writes the run's results (docs/BENCHMARKS.md explains the figures):
# the native C harness (baselines, and as root the kernel's own figures), then JMH; then
# benchmarks/results/<date>-<host>.json and a markdown table on stdout.
#
#   scripts/bench.sh                      full run, about a minute
#   BENCH_QUICK=1 scripts/bench.sh        smoke run of the same figures; numbers only indicative
#   BENCH_UPDATE_DOCS=1 scripts/bench.sh  also rewrites the latest-run block of docs/BENCHMARKS.md and
#                                         benchmarks/results/latest.json (the run the docs quote)
#   BPFTIME_SHARED=DIR                    the shared corpus (default: ../shared beside the project)
#
# Exit status: 0 when every figure was measured or skipped with a reason, 1 otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${BPFTIME_SHARED:-$root/../shared}"
bench="$root/benchmarks"
jar="$bench/target/bpftime-benchmarks.jar"
harness="$bench/target/native/bpftime-bench"

command="scripts/bench.sh"
mode=full
harness_args=()
jmh_args=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
if [[ "${BENCH_QUICK:-0}" != 0 ]]; then
  mode=quick
  command="BENCH_QUICK=1 $command"
  harness_args=(--quick)
  jmh_args=(-f 1 -wi 1 -i 2 -w 200ms -r 200ms)
fi
report_args=()
if [[ "${BENCH_UPDATE_DOCS:-0}" != 0 ]]; then
  command="BENCH_UPDATE_DOCS=1 $command"
  report_args=(--docs "$root/docs/BENCHMARKS.md")
fi

# Build when an output is missing or older than any module's sources (a superset of what it is made of).
stale() {
  [[ ! -x "$harness" || ! -f "$jar" ]] && return 0
  [[ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src/main "$root/benchmarks/src/bpf" -newer "$jar" -print -quit)" ]]
}
if stale; then
  echo "bench: building (mvn -B -q package -DskipTests -pl benchmarks -am)" >&2
  (cd "$root" && mvn -B -q package -DskipTests -pl benchmarks -am) >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0

if [[ "$(id -u)" != 0 ]]; then
  echo "bench: not root, so the kernel figures are skipped (each says why) and no ratio can be made" >&2
fi
# The shim's figures need a bpftime home (dist/, assembled by the cli module): the start-up figures
# preload its shim into first-bpf, and the bpftime.shim.* figures run in a second harness process
# with the shim preloaded (the first run only reports them skipped, a line dropped below).
dist="$root/dist"
if [[ ! -r "$dist/lib/libbpftime-syscall.so" || ! -x "$dist/bin/bpftime" \
      || -n "$(find "$root"/syscall-shim/src/main "$root"/libbpf-compat/src/main -newer "$dist/lib/libbpftime-syscall.so" -print -quit)" ]]; then
  echo "bench: assembling dist/ for the shim figures (mvn -B -q package -DskipTests -pl cli -am)" >&2
  (cd "$root" && mvn -B -q package -DskipTests -pl cli -am) >&2 || echo "bench: dist/ could not be built" >&2
fi
export BPFTIME_BENCH_HOME="$dist"

echo "bench: native harness ($mode)" >&2
"$harness" "${harness_args[@]}" | grep -v '^{"name":"bpftime\.shim\.' >"$work/native.jsonl" || status=1
echo "bench: native harness under the shim ($mode)" >&2
mkdir -m 700 "$work/run"
LD_PRELOAD="$dist/lib/libbpftime-syscall.so" BPFTIME_HOME="$dist" BPFTIME_RUNTIME_DIR="$work/run" \
  "$harness" "${harness_args[@]}" bpftime.shim >>"$work/native.jsonl" || status=1
if [[ -r "$work/run/service.pid" ]]; then
  kill "$(cat "$work/run/service.pid")" 2>/dev/null || true
fi

echo "bench: JMH ($mode: ${jmh_args[*]})" >&2
if ! java -jar "$jar" "${jmh_args[@]}" -jvmArgsAppend "-Dbpftime.shared=$shared" \
    -rf json -rff "$work/jmh.json" >"$work/jmh.log" 2>&1; then
  cat "$work/jmh.log" >&2
  echo "bench: JMH failed" >&2
  exit 1
fi
awk '/^Benchmark +/ { table = 1 } table' "$work/jmh.log" >&2

java -cp "$jar" dev.bpftime.benchmarks.report.ReportMain \
  --native "$work/native.jsonl" --jmh "$work/jmh.json" --mode "$mode" --command "$command" \
  --results-dir "$bench/results" "${report_args[@]}" || status=1
exit "$status"
