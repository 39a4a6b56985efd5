package dev.bpftime.compat.tracefs;

import java.util.Map;
import java.util.TreeMap;

/**
 * The content of every emulated file, by path relative to the tree the shim redirects to
 * (docs/PROTOCOL.md, "Emulated files"):
 * <ul>
 * <li>{@code tracing/} stands for /sys/kernel/tracing and /sys/kernel/debug/tracing: events/ with the
 * syscalls and raw_syscalls events (id and format of each), available_events, and uprobe_events,
 * empty as the kernel's is while no probe was made through it (probes made by perf_event_open on the
 * uprobe PMU never are listed there; bcc's detach, in bpftrace, reads it). No kprobe_events: no
 * kprobe can run here, as on a kernel without CONFIG_KPROBE_EVENTS;</li>
 * <li>{@code event_source/uprobe/} and {@code event_source/kprobe/} stand for
 * /sys/bus/event_source/devices/uprobe and kprobe: type and the format/ files.</li>
 * </ul>
 * Directories are implied by the paths.
 */
public final class EmulatedFiles {

    public static final String TRACING = "tracing";
    public static final String EVENT_SOURCE = "event_source";

    private EmulatedFiles() {
    }

    public static Map<String, String> of(TracepointCatalog catalog) {
        Map<String, String> files = new TreeMap<>();
        StringBuilder available = new StringBuilder();
        for (Tracepoint t : catalog.all()) {
            String dir = TRACING + "/events/" + t.path() + "/";
            files.put(dir + "id", t.id() + "\n");
            files.put(dir + "format", TracepointFormat.render(t));
            available.append(t.system()).append(':').append(t.name()).append('\n');
        }
        files.put(TRACING + "/available_events", available.toString());
        files.put(TRACING + "/uprobe_events", "");
        files.put(EVENT_SOURCE + "/uprobe/type", PmuTypes.UPROBE + "\n");
        files.put(EVENT_SOURCE + "/uprobe/format/retprobe", "config:0\n");
        files.put(EVENT_SOURCE + "/uprobe/format/ref_ctr_offset", "config:32-63\n");
        files.put(EVENT_SOURCE + "/kprobe/type", PmuTypes.KPROBE + "\n");
        files.put(EVENT_SOURCE + "/kprobe/format/retprobe", "config:0\n");
        return files;
    }
}
