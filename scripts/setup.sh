#!/usr/bin/env bash
# Installs the Debian 12 packages bpftime needs to build and test. Quiet and a no-op when all are
# present. As root it installs what is missing (apt-get update once); otherwise it prints the
# apt-get command to run and exits 1.
set -euo pipefail

packages=(
    clang-19 llvm-19 libbpf-dev libelf-dev         # BPF fixtures: clang -target bpf, llvm-objdump
    systemtap-sdt-dev                              # <sys/sdt.h> for the USDT workload
    bpftool libbpf-tools bpftrace                  # reference tools and oracles
    strace linux-perf hyperfine                    # tracing and benchmarks
    gcc make                                       # the native core
    maven openjdk-17-jdk-headless                  # the Java build
    util-linux                                     # setpriv for tests as another user
)

if ! command -v dpkg-query >/dev/null; then
    echo "setup: not a Debian system (no dpkg-query); install the equivalents of: ${packages[*]}" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root:" >&2
    echo "apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
fi

echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
