#!/usr/bin/env bash
# The product end to end, as far as it goes today: set up the machine, build everything, then
#  1. disassemble a BPF program that clang-19 compiled (an opensnoop-like tracepoint program), and
#     check that the text equals what llvm-objdump-19 prints;
#  2. run the bpf_conformance suite on the native interpreter (when ../shared is beside the clone).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== building (mvn -B package -DskipTests)"
mvn -B -q -ntp package -DskipTests
bpftime=dist/bin/bpftime
obj=fixtures/target/bpf/v4/opensnoop.bpf.o
section=tracepoint/syscalls/sys_enter_openat

echo
echo "== bpftime disasm $obj --section $section"
"$bpftime" disasm "$obj" --section "$section" | tee target/demo-disasm.txt
if cmp -s target/demo-disasm.txt <(llvm-objdump-19 -d --section="$section" "$obj"); then
    echo "== identical to llvm-objdump-19 -d --section=$section"
else
    echo "== differs from llvm-objdump-19: please report"; exit 1
fi

echo
if [[ -d ../shared/conformance/tests ]]; then
    echo "== bpftime conformance ../shared/conformance/tests (the C interpreter)"
    "$bpftime" conformance ../shared/conformance/tests
else
    echo "== (../shared/conformance/tests not found beside the clone: skipping the conformance run)"
fi
