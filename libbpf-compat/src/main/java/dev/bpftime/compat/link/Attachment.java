package dev.bpftime.compat.link;

/**
 * One program attached at one hook: {@code pid} is the process to trace (-1 every process, as
 * perf_event_open's pid -1), {@code cpu} the perf event's cpu (-1 any), {@code cookie} what
 * bpf_get_attach_cookie returns.
 */
public record Attachment(long id, Hook hook, int progId, int pid, int cpu, long cookie) {
}
