package dev.bpftime.compat.tracefs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tracepoints this runtime emulates and their ids. Ids are the service's own, not the host
 * kernel's (those are per boot and need root to read): raw_syscalls first, then sys_enter_X and
 * sys_exit_X in the table's order, from {@value #FIRST_ID}. The same table gives the same ids, so they
 * are stable for the life of a service and across services of one installation.
 */
public final class TracepointCatalog {

    /** Above the ids a kernel hands out at boot (a few thousand at most), to tell ours apart in logs. */
    public static final int FIRST_ID = 10000;

    private final List<Tracepoint> all;
    private final Map<Integer, Tracepoint> byId = new HashMap<>();
    private final Map<String, Tracepoint> byPath = new HashMap<>();

    public TracepointCatalog(List<Syscall> syscalls) {
        List<Tracepoint> list = new ArrayList<>();
        int id = FIRST_ID;
        list.add(new Tracepoint(id++, "raw_syscalls", "sys_enter", null, false));
        list.add(new Tracepoint(id++, "raw_syscalls", "sys_exit", null, true));
        for (Syscall s : syscalls) {
            list.add(new Tracepoint(id++, "syscalls", "sys_enter_" + s.name(), s, false));
            list.add(new Tracepoint(id++, "syscalls", "sys_exit_" + s.name(), s, true));
        }
        for (Tracepoint t : list) {
            if (byPath.put(t.path(), t) != null) {
                throw new IllegalArgumentException("tracepoint " + t.path() + " appears twice in the syscall table");
            }
            byId.put(t.id(), t);
        }
        this.all = Collections.unmodifiableList(list);
    }

    /** The catalog of the shipped x86-64 table. */
    public static TracepointCatalog x86_64() {
        return new TracepointCatalog(SyscallTable.x86_64());
    }

    public List<Tracepoint> all() {
        return all;
    }

    public Optional<Tracepoint> byId(long id) {
        return id < 0 || id > Integer.MAX_VALUE ? Optional.empty() : Optional.ofNullable(byId.get((int) id));
    }

    /** By "system/name", e.g. "syscalls/sys_enter_openat". */
    public Optional<Tracepoint> byPath(String path) {
        return Optional.ofNullable(byPath.get(path));
    }
}
