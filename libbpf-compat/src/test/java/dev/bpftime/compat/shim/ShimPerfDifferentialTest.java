package dev.bpftime.compat.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The emulated tracefs/PMU files and perf_event_open with its ioctls and links (C groups tracefs and
 * attach of syscall-shim/src/test/c): under the shim, against the kernel as root (the transcripts must
 * be equal; the cases print nothing that differs by design, such as tracepoint ids), and as nobody, who
 * can read no tracefs and use no kernel BPF. The "-shim" groups hold what only the emulation offers on
 * this host (the kprobe PMU, tracefs under /sys/kernel/debug, mmap of a format file).
 */
class ShimPerfDifferentialTest {

    @TempDir
    static Path temp;

    private static CaseGroups groups;
    private static ShimHome home;

    @BeforeAll
    static void setUp() throws IOException, InterruptedException {
        groups = new CaseGroups(temp, "perf", "bpf_cases");
        home = groups.home();
    }

    @AfterAll
    static void tearDown() {
        if (groups != null) {
            groups.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tracefs", "tracefs-shim", "attach", "attach-shim"})
    void shimMeetsTheKernelsContract(String group) throws Exception {
        Run.Result r = groups.shim(group);
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), "the shim must print nothing of its own:\n" + r.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tracefs", "attach"})
    void shimAnswersAsTheKernel(String group) throws Exception {
        assumeTrue(Run.isRoot(), "the kernel oracle needs root (tracefs and perf_event_open of tracepoints)");
        assumeTrue(Files.isReadable(Path.of("/sys/kernel/tracing/events/syscalls/sys_enter_openat/id")),
                "the kernel oracle needs tracefs mounted at /sys/kernel/tracing");
        groups.assumeKernelOracle();
        groups.assertSameAsKernel(group, groups.kernel(group), groups.shim(group));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tracefs", "tracefs-shim", "attach", "attach-shim"})
    void shimWorksForAnUnprivilegedUserWithoutTracefs(String group) throws Exception {
        Run.assumeNobodyAvailable();
        Run.Result direct = Run.run(temp, Map.of(), true, "cat", "/sys/kernel/tracing/events/syscalls/sys_enter_openat/id");
        assertNotEquals(0, direct.code(), "nobody must not read the real tracefs for this test to mean "
                + "anything:\n" + direct.describe());
        groups.assertSameAsRoot(groups.shim(group), groups.nobody(group));
    }

    /** libbpf_attach and its BPF object, copied where nobody can read them; skipped without libbpf-dev or clang. */
    private static List<String> libbpfAttach(String... extra) throws IOException {
        Path built = Path.of(System.getProperty("bpftime.root"), "syscall-shim", "target", "test-bin");
        assumeTrue(Files.isRegularFile(built.resolve("libbpf_attach")),
                "libbpf_attach was not built: it needs libbpf-dev (/usr/include/bpf/libbpf.h) and clang");
        Path program = home.program("libbpf_attach");
        Path object = program.resolveSibling("attach.bpf.o");
        if (!Files.exists(program)) {
            Files.copy(built.resolve("libbpf_attach"), program, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(built.resolve("attach.bpf.o"), object);
            Files.setPosixFilePermissions(program, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(object, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> argv = new java.util.ArrayList<>(List.of(program.toString(), object.toString()));
        argv.addAll(List.of(extra));
        return argv;
    }

    /**
     * libbpf 1.1's own bpf_program__attach (tracepoint, raw tracepoint) and bpf_program__attach_uprobe
     * (entry, return) under the shim: as root equal to the kernel's transcript, as nobody the same with
     * no libbpf warning, although nobody's own kernel BPF and tracefs are refused.
     */
    @org.junit.jupiter.api.Test
    void libbpfAttachesEveryKindAsWithTheKernel() throws Exception {
        String[] argv = libbpfAttach().toArray(String[]::new);
        Run.Result shim = Run.run(temp, home.env(groups.rootRun()), false, argv);
        assertEquals(0, shim.code(), shim.describe());
        assertEquals(List.of("load: ok", "tracepoint: attached", "raw_tracepoint: attached", "uprobe: attached",
                "uretprobe: attached", "closed"), shim.lines(), "no libbpf warning, every attach done:\n" + shim.describe());
        if (Run.isRoot()) {
            // The kernel's side of the comparison needs tracefs, which a root CI run mounts; say so when absent.
            if (Files.isReadable(Path.of("/sys/kernel/tracing/events/syscalls/sys_enter_openat/id"))) {
                Run.Result kernel = Run.run(temp, Map.of(), false, argv);
                assertEquals(0, kernel.code(), "libbpf against the kernel:\n" + kernel.describe());
                assertEquals(kernel.lines(), shim.lines(), "libbpf under the shim vs against the kernel");
            } else {
                System.out.println("libbpf attach: not compared with the kernel: tracefs is not mounted at "
                        + "/sys/kernel/tracing");
            }
            Run.assumeNobodyAvailable();
            Run.Result nobodyKernel = Run.run(temp, Map.of(), true, argv);
            Run.Result nobody = Run.run(temp, home.env(groups.nobodyRun()), true, argv);
            assertEquals(0, nobody.code(), nobody.describe());
            assertEquals(shim.lines(), nobody.lines(), "as nobody under the shim; without it nobody gets:\n"
                    + nobodyKernel.describe());
        }
    }

    /**
     * libbpf 1.1's bpf_program__pin into a folder of bpffs: its make_parent_dir mkdirs the folder and its
     * check_path wants BPF_FS_MAGIC from statfs, both answered for the emulated bpffs; a stat of each pin,
     * bpf_program__unpin and rmdir. Under the shim as root and as nobody the transcript is the kernel's.
     */
    @org.junit.jupiter.api.Test
    void libbpfPinsProgramsIntoABpffsFolderAsWithTheKernel() throws Exception {
        String[] argv = libbpfAttach("pin").toArray(String[]::new);
        Run.Result shim = Run.run(temp, home.env(groups.rootRun()), false, argv);
        assertEquals(0, shim.code(), shim.describe());
        assertEquals(List.of("load: ok", "pin on_openat: ok", "stat on_openat: regular file", "unpin on_openat: ok",
                "pin on_sys_enter: ok", "stat on_sys_enter: regular file", "unpin on_sys_enter: ok", "pin on_entry: ok",
                "stat on_entry: regular file", "unpin on_entry: ok", "pin on_return: ok", "stat on_return: regular file",
                "unpin on_return: ok", "rmdir: ok"), shim.lines(), shim.describe());
        if (Run.isRoot()) {
            if (Files.readString(Path.of("/proc/self/mounts")).contains(" /sys/fs/bpf bpf ")) {
                Run.Result kernel = Run.run(temp, Map.of(), false, argv);
                assertEquals(kernel.lines(), shim.lines(), "libbpf under the shim vs against the kernel:\n"
                        + kernel.describe());
            } else {
                System.out.println("libbpf pin: not compared with the kernel: no bpf file system at /sys/fs/bpf");
            }
            Run.assumeNobodyAvailable();
            Run.Result nobody = Run.run(temp, home.env(groups.nobodyRun()), true, argv);
            assertEquals(shim.lines(), nobody.lines(), "as nobody under the shim:\n" + nobody.describe());
        }
    }

    /** A kprobe through libbpf: the emulated kprobe PMU refuses it as the kernel refuses an unknown function. */
    @org.junit.jupiter.api.Test
    void libbpfKprobeFailsAsForAnUnknownFunction() throws Exception {
        Run.Result shim = Run.run(temp, home.env(groups.rootRun()), false, libbpfAttach("kprobe").toArray(String[]::new));
        assertEquals(0, shim.code(), shim.describe());
        assertEquals(List.of("libbpf warn: libbpf: prog 'on_kprobe': failed to create kprobe 'do_sys_openat2+0x0' perf "
                + "event: No such file or directory", "kprobe: No such file or directory"),
                shim.lines().subList(5, 7), shim.describe());
    }

    /**
     * 10k random perf_event_open calls of the emulated kinds with ioctls, BPF_LINK_CREATE and
     * BPF_RAW_TRACEPOINT_OPEN on what they return: each gets a value or an errno, no descriptor stays,
     * the service answers afterwards and holds no program.
     */
    @org.junit.jupiter.api.Test
    void randomPerfCallsGetErrnosAndLeaveNothing() throws Exception {
        Path run = home.newRuntimeDir("perf-fuzz");
        Run.Result r = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "perf-fuzz", "10000",
                "0x9e3779b9");
        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), r.describe());
        System.out.println("perf fuzz: " + r.lines().get(0));
        // Every program the fuzz loaded is gone: no event, link or handle kept a reference to one.
        Run.Result count = Run.run(temp, home.env(run), false, home.program("bpf_cases").toString(), "count");
        assertEquals(List.of("count.progs: 0 (walk ended with ENOENT)"), count.lines(), count.describe());
    }
}
