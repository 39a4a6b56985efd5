package dev.bpftime.test.e2e;

/**
 * Where a tool's programs run. KERNEL: the tool as root against the kernel's BPF, the workload plain.
 * BPFTIME: the tool as nobody under {@code bpftime load}, the workload under {@code bpftime start}.
 * The workload runs as nobody on both sides, so that what it may open is the same.
 */
enum Side {
    KERNEL,
    BPFTIME
}
