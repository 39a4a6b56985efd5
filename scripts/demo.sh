#!/usr/bin/env bash
# The product end to end: set up the machine, build everything, then run dist/bin/bpftime on the
# code of a real BPF program compiled by clang.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== building (mvn -B package -DskipTests)"
mvn -B -q -ntp package -DskipTests
bpftime=dist/bin/bpftime
work=target/demo
mkdir -p "$work"

echo "== bpftime version"
"$bpftime" version

# The BPF object: the first fixture the build compiled; until the fixtures module exists, a small
# program compiled here.
obj=
if [[ -d fixtures/target/bpf/v3 ]]; then
    obj=$(find fixtures/target/bpf/v3 -name '*.bpf.o' | sort | head -n 1)
fi
if [[ -z $obj ]]; then
    obj=$work/count_calls.bpf.o
    cat > "$work/count_calls.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} calls SEC(".maps");

SEC("uprobe")
int count_calls(void *ctx)
{
    __u32 key = 0;
    __u64 *n = bpf_map_lookup_elem(&calls, &key);

    if (n)
        __sync_fetch_and_add(n, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
C
    clang-19 -g -O2 -target bpf -I"/usr/include/$(gcc -print-multiarch)" -c "$work/count_calls.bpf.c" -o "$obj"
fi

# Its first non-empty code section, as raw bytes.
section=$(llvm-objdump-19 -h "$obj" | awk '$NF == "TEXT" && $3 !~ /^0+$/ { print $2; exit }')
llvm-objcopy-19 -O binary --only-section="$section" "$obj" "$work/code.bin"

echo "== bpftime decode: section $section of $obj"
"$bpftime" decode "$work/code.bin"
