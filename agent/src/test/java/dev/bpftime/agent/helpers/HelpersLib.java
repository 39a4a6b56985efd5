package dev.bpftime.agent.helpers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Files;
import java.nio.file.Path;

/** target/native/libbpftime-helpers.so: the helpers, the interpreter and the maps, plus the test glue. */
interface HelpersLib extends Library {

    HelpersLib LIB = load();

    private static HelpersLib load() {
        String dir = System.getProperty("bpftime.agent.native");
        assertTrue(dir != null && !dir.isBlank(), "system property bpftime.agent.native: actual unset vs expected "
                + "the agent's target/native (set by the pom's surefire configuration)");
        Path so = Path.of(dir, "libbpftime-helpers.so");
        assertTrue(Files.isReadable(so), "helpers library: actual no " + so + " vs expected one built by "
                + "helpers/helpers.mk in the compile phase");
        HelpersLib lib = Native.load(so.toString(), HelpersLib.class);
        lib.bpftime_helpers_init(); // as the agent does before its first program
        return lib;
    }

    // helpers/include/bpftime_helpers.h
    Pointer bpftime_helper_table();

    int bpftime_helper_supported(int id);

    int bpftime_helper_gpr_safe(int id);

    void bpftime_helpers_init();

    int bpftime_helpers_prog_gpr_only(byte[] insns, long slots);

    void bpftime_helpers_set_trace_fd(int fd);

    // src/test/c/helpers/helpers_jna.c
    Pointer helpers_test_vm_load(byte[] code, long len, byte[] err, long errLen);

    int helpers_test_vm_run(Pointer vm, Pointer ctx, long ctxLen, Pointer hit, LongByReference r0);

    long helpers_test_jit_run(Pointer entry, Pointer ctx, Pointer hit);

    void helpers_test_set_prog(int id, Pointer target, int frames);

    int helpers_test_kernel_array(int valueSize);

    int helpers_test_kernel_array_get(int fd, byte[] value);

    int helpers_test_kernel_array_set(int fd, byte[] value);

    int helpers_test_kernel_run(byte[] code, long len, Pointer ctx, int ctxLen, IntByReference retval, byte[] log,
            int logLen, int[] funcStarts, int nfuncs);

    int helpers_test_close(int fd);

    int helpers_test_kernel_rodata(byte[] bytes, int size);

    int helpers_test_kernel_cgroup_array(int maxEntries);

    int helpers_test_kernel_cgroup_set(int mapFd, int index, String dir);

    // vm
    void bpftime_vm_destroy(Pointer vm);

    // maps (bpftime_map.h, bpftime_ringbuf.h)
    int bpftime_map_create(int type, int keySize, int valueSize, int maxEntries, int flags, int spinLockOff,
            int objectId, int cpu, String name, PointerByReference out);

    void bpftime_map_close(Pointer map);

    int bpftime_map_set_inner_template(Pointer outer, Pointer inner);

    int bpftime_map_of_maps_update(Pointer outer, byte[] key, Pointer inner, long flags);

    int bpftime_map_sys_delete(Pointer map, byte[] key);

    /** helpers/include/bpftime_helpers.h: what the control part sets (objects_map in objects.c). */
    interface MapResolver extends com.sun.jna.Callback {
        Pointer resolve(int id);
    }

    void bpftime_helpers_set_map_resolver(MapResolver resolve);

    int bpftime_map_sys_lookup(Pointer map, byte[] key, byte[] value, long flags);

    int bpftime_map_sys_update(Pointer map, byte[] key, byte[] value, long flags);

    int bpftime_possible_cpus();

    int bpftime_current_cpu_slot();

    // libc, found through the library's dependencies
    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int mprotect(Pointer addr, long length, int prot);

    int munmap(Pointer addr, long length);

    int pipe(int[] fds);

    long read(int fd, byte[] buf, long count);

    int close(int fd);

    int getuid();

    int geteuid();

    int getgid();

    int getpid();

    int gettid();

    int sched_getcpu();

    int clock_gettime(int clock, long[] ts);
}
