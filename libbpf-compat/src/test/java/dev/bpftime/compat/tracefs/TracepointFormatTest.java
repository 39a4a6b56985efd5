package dev.bpftime.compat.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TracepointFormatTest {

    private static final Path TRACEFS = Path.of("/sys/kernel/tracing/events");
    private final TracepointCatalog catalog = TracepointCatalog.x86_64();

    @Test
    void openatEnterFormatIsTheKernelsLayout() {
        Tracepoint t = catalog.byPath("syscalls/sys_enter_openat").orElseThrow();
        assertEquals("name: sys_enter_openat\nID: " + t.id() + "\nformat:\n"
                + "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
                + "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
                + "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
                + "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
                + "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
                + "\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
                + "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
                + "\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
                + "\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n\n"
                + "print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx\", "
                + "((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), ((unsigned long)(REC->flags)), "
                + "((unsigned long)(REC->mode))\n", TracepointFormat.render(t));
    }

    @Test
    void idsAreUniqueAndFoundBack() {
        Set<Integer> ids = new TreeSet<>();
        for (Tracepoint t : catalog.all()) {
            assertTrue(ids.add(t.id()), "id " + t.id() + " twice");
            assertEquals(t, catalog.byId(t.id()).orElseThrow());
        }
        assertEquals(2 + 2 * SyscallTable.x86_64().size(), ids.size());
        assertTrue(catalog.byId(-1).isEmpty());
        assertTrue(catalog.byId(TracepointCatalog.FIRST_ID - 1).isEmpty());
    }

    /**
     * Every emulated format against the running kernel's, but for the ID line (ids are per boot there
     * and ours are the service's): the oracle is the kernel's own text.
     */
    @Test
    void everyFormatEqualsTheKernelsButForTheId() throws IOException {
        assumeTrue(Files.isReadable(TRACEFS.resolve("syscalls/sys_enter_openat/format")),
                "needs a readable tracefs (root, mount -t tracefs nodev /sys/kernel/tracing)");
        List<String> differences = new ArrayList<>();
        for (Tracepoint t : catalog.all()) {
            Path real = TRACEFS.resolve(t.path()).resolve("format");
            if (!Files.exists(real)) {
                differences.add(t.path() + ": missing on this kernel");
                continue;
            }
            String kernel = withoutId(Files.readString(real));
            String ours = withoutId(TracepointFormat.render(t));
            if (!kernel.equals(ours)) {
                differences.add(t.path() + ":\n--- kernel\n" + kernel + "--- ours\n" + ours);
            }
        }
        assertEquals(List.of(), differences);
        System.out.println("tracefs formats: " + catalog.all().size() + " equal to the kernel's but for the ID line");
    }

    @Test
    void everyKernelSyscallEventIsEmulated() throws IOException {
        assumeTrue(Files.isReadable(TRACEFS.resolve("syscalls")), "needs a readable tracefs");
        Set<String> kernel;
        try (Stream<Path> s = Files.list(TRACEFS.resolve("syscalls"))) {
            kernel = s.filter(Files::isDirectory).map(p -> "syscalls/" + p.getFileName())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> ours = catalog.all().stream().filter(t -> t.system().equals("syscalls")).map(Tracepoint::path)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(kernel, ours);
    }

    private static String withoutId(String format) {
        return format.replaceFirst("\nID: \\d+\n", "\nID: -\n");
    }
}
