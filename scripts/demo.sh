#!/usr/bin/env bash
# The product end to end: set up the machine, build what is missing, then
#  1. run Debian's opensnoop as an unprivileged user (nobody when run as root, else you) under
#     `bpftime load`, and a demo workload under `bpftime start`: opensnoop prints the files the
#     workload opens, with no root, no kernel BPF and no tracefs;
#  2. disassemble the opensnoop-like fixture that clang-19 compiled and check the text equals
#     llvm-objdump-19's;
#  3. run the bpf_conformance suite on the interpreter (when ../shared is beside the clone).
# BPFTIME_REBUILD=1 rebuilds even when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
needed=(dist/bin/bpftime dist/lib/libbpftime-syscall.so dist/lib/libbpftime-agent.so
        fixtures/target/workloads/open_files fixtures/target/bpf/v4/opensnoop.bpf.o)
for f in "${needed[@]}"; do
    if [[ ! -e $f || ${BPFTIME_REBUILD:-} == 1 ]]; then
        echo "== building (mvn -B package -DskipTests): $f is missing"
        mvn -B -q -ntp package -DskipTests
        break
    fi
done
mkdir -p target

# A copy of dist/ and of the workload that the demo user can reach (the clone may be in /root), and a
# runtime folder of its own, so that this demo starts (and ends) its own service.
demo=$(mktemp -d /tmp/bpftime-demo.XXXXXX)
opensnoop_pid=
cleanup() {
    [[ -n $opensnoop_pid ]] && kill "$opensnoop_pid" 2>/dev/null
    [[ -f $demo/run/service.pid ]] && kill "$(cat "$demo/run/service.pid")" 2>/dev/null
    rm -rf "$demo"
}
trap cleanup EXIT
chmod 755 "$demo"
cp -a dist "$demo/bpftime"
cp fixtures/target/workloads/open_files "$demo/"
mkdir -m 700 "$demo/run"
as_user=()
user=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
    user=nobody
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    chown nobody "$demo/run"
fi
bpftime=$demo/bpftime/bin/bpftime
options=(--runtime-dir "$demo/run" --idle-exit 5)

echo
echo "== as $user: bpftime load -- /usr/sbin/opensnoop   (Debian's libbpf-tools, unmodified)"
# Line-buffered (stdbuf), so that its lines show up while it runs; stdbuf's preload is kept.
"${as_user[@]}" env HOME="$demo" stdbuf -oL "$bpftime" load "${options[@]}" -- /usr/sbin/opensnoop \
    >"$demo/opensnoop.out" 2>&1 &
opensnoop_pid=$!
for _ in $(seq 300); do
    grep -q '^PID' "$demo/opensnoop.out" 2>/dev/null && break
    kill -0 "$opensnoop_pid" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q '^PID' "$demo/opensnoop.out"; then
    cat "$demo/opensnoop.out"
    echo "== opensnoop did not start: please report (service log: $demo/run/service.log)"
    cat "$demo/run/service.log" 2>/dev/null || true
    exit 1
fi

files=(/etc/hostname /etc/os-release /etc/shadow /no/such/file)
echo "== as $user: bpftime start -- open_files ${files[*]}"
"${as_user[@]}" env HOME="$demo" "$bpftime" start "${options[@]}" -- "$demo/open_files" "${files[@]}" | sed 's/^/   workload: /'
sleep 1
kill -INT "$opensnoop_pid"
wait "$opensnoop_pid" || true
opensnoop_pid=
echo "== what opensnoop printed:"
tee target/demo-opensnoop.txt <"$demo/opensnoop.out"
for f in "${files[@]}"; do
    if ! grep -q " $f\$" "$demo/opensnoop.out"; then
        echo "== opensnoop did not report the open of $f: please report"
        exit 1
    fi
done
echo "== every open of the workload was reported, in userspace, without root"

obj=fixtures/target/bpf/v4/opensnoop.bpf.o
section=tracepoint/syscalls/sys_enter_openat
echo
echo "== bpftime disasm $obj --section $section"
dist/bin/bpftime disasm "$obj" --section "$section" >target/demo-disasm.txt
head -5 target/demo-disasm.txt
echo "   ... ($(wc -l <target/demo-disasm.txt) lines)"
if cmp -s target/demo-disasm.txt <(llvm-objdump-19 -d --section="$section" "$obj"); then
    echo "== identical to llvm-objdump-19 -d --section=$section"
else
    echo "== differs from llvm-objdump-19: please report"; exit 1
fi

echo
if [[ -d ../shared/conformance/tests ]]; then
    echo "== bpftime conformance ../shared/conformance/tests (the C interpreter)"
    dist/bin/bpftime conformance ../shared/conformance/tests
else
    echo "== (../shared/conformance/tests not found beside the clone: skipping the conformance run)"
fi
