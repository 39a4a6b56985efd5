package dev.bpftime.jit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's bpf(2), as much of it as the tail-call differential test needs: a PROG_ARRAY, socket filter
 * programs, and BPF_PROG_TEST_RUN with a {@code struct __sk_buff} context whose {@code cb[]} the programs
 * use as their memory (what the test run copies in and back, net/bpf/test_run.c convert___skb_to_skb).
 * Attribute layouts are union bpf_attr's (include/uapi/linux/bpf.h). Every fd it opens closes with it.
 */
final class KernelBpf implements AutoCloseable {

    /** offsetof(struct __sk_buff, cb): five u32 the program may read and write. */
    static final int CB = 48;
    /** sizeof(struct __sk_buff) up to the end of cb[]: what the test passes in. */
    static final int CTX_IN_BYTES = CB + 5 * 4;

    private static final long SYS_BPF = 321; // x86-64
    private static final int MAP_CREATE = 0;
    private static final int MAP_UPDATE_ELEM = 2;
    private static final int PROG_LOAD = 5;
    private static final int PROG_TEST_RUN = 10;
    private static final int BTF_LOAD = 18;
    private static final int MAP_TYPE_PROG_ARRAY = 3;
    private static final int PROG_TYPE_SOCKET_FILTER = 1;
    private static final int ATTR_BYTES = 128;
    private static final int LOG_BYTES = 1 << 20;
    private static final int ETH_HLEN = 14;

    interface Sys extends Library {
        Sys INSTANCE = Native.load("c", Sys.class);

        long syscall(long number, Object... args) throws LastErrorException;

        int geteuid();

        int close(int fd);
    }

    /** What one test run returned: r0 (32 bits, as the test run reports it) and cb[] afterwards. */
    record Run(long retval, int[] cb) {
    }

    private final List<Integer> fds = new ArrayList<>();

    /**
     * Empty when this process may use the kernel's BPF and the kernel JIT-compiles programs, else why not (for
     * the test's skip message). The JIT is the oracle: kernels before upstream 3733f4be2870 count an empty slot
     * in their interpreter, unlike their x86 JIT.
     */
    static Optional<String> unavailable() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64")) {
            return Optional.of("the kernel differential test is written for x86-64, not " + arch);
        }
        if (Sys.INSTANCE.geteuid() != 0) {
            return Optional.of("not root: socket filters with tail calls and BPF_PROG_TEST_RUN need CAP_BPF");
        }
        try {
            String jit = Files.readString(Path.of("/proc/sys/net/core/bpf_jit_enable")).trim();
            if (jit.equals("0")) {
                return Optional.of("net.core.bpf_jit_enable is 0: the kernel's x86 JIT is the oracle");
            }
        } catch (IOException e) {
            return Optional.of("cannot read /proc/sys/net/core/bpf_jit_enable: " + e.getMessage());
        }
        try (KernelBpf probe = new KernelBpf()) {
            probe.progArray(1);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of("the kernel refuses bpf(): " + e.getMessage());
        }
    }

    private static long bpf(int cmd, Memory attr, String what) {
        try {
            return Sys.INSTANCE.syscall(SYS_BPF, cmd, attr, ATTR_BYTES);
        } catch (LastErrorException e) {
            throw new IllegalStateException(what + ": errno " + e.getErrorCode(), e);
        }
    }

    private int keep(long fd) {
        fds.add((int) fd);
        return (int) fd;
    }

    int progArray(int maxEntries) {
        try (Memory attr = attr()) {
            attr.setInt(0, MAP_TYPE_PROG_ARRAY);
            attr.setInt(4, 4);
            attr.setInt(8, 4);
            attr.setInt(12, maxEntries);
            return keep(bpf(MAP_CREATE, attr, "BPF_MAP_CREATE prog array of " + maxEntries));
        }
    }

    /**
     * Loads a socket filter; a refusal throws with the verifier's log. A program with subprograms gets the
     * BTF of {@link FuncInfoBtf}, without which the kernel refuses tail calls from subprograms.
     */
    int socketFilter(List<Instruction> program) {
        byte[] code = InstructionEncoder.encode(program);
        int[] starts = FuncInfoBtf.subprogramStarts(program);
        try (Memory attr = attr(); Memory insns = new Memory(code.length); Memory license = new Memory(4);
             Memory log = new Memory(LOG_BYTES); Memory funcInfo = new Memory(8L * starts.length)) {
            insns.write(0, code, 0, code.length);
            license.setString(0, "GPL");
            log.setByte(0, (byte) 0);
            attr.setInt(0, PROG_TYPE_SOCKET_FILTER);
            attr.setInt(4, code.length / 8);
            attr.setPointer(8, insns);
            attr.setPointer(16, license);
            attr.setInt(24, 1);
            attr.setInt(28, LOG_BYTES);
            attr.setPointer(32, log);
            if (starts.length > 1) {
                byte[] records = FuncInfoBtf.funcInfo(starts);
                funcInfo.write(0, records, 0, records.length);
                attr.setInt(72, btf(FuncInfoBtf.blob(starts.length)));
                attr.setInt(76, 8);
                attr.setPointer(80, funcInfo);
                attr.setInt(88, starts.length);
            }
            try {
                return keep(bpf(PROG_LOAD, attr, "BPF_PROG_LOAD"));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; verifier log:\n" + log.getString(0), e);
            }
        }
    }

    private int btf(byte[] blob) {
        try (Memory attr = attr(); Memory data = new Memory(blob.length); Memory log = new Memory(LOG_BYTES)) {
            data.write(0, blob, 0, blob.length);
            log.setByte(0, (byte) 0);
            attr.setPointer(0, data);
            attr.setPointer(8, log);
            attr.setInt(16, blob.length);
            attr.setInt(20, LOG_BYTES);
            attr.setInt(24, 1);
            try {
                return keep(bpf(BTF_LOAD, attr, "BPF_BTF_LOAD"));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; BTF log:\n" + log.getString(0), e);
            }
        }
    }

    void put(int array, int index, int prog) {
        try (Memory attr = attr(); Memory key = new Memory(4); Memory value = new Memory(4)) {
            key.setInt(0, index);
            value.setInt(0, prog);
            attr.setInt(0, array);
            attr.setPointer(8, key);
            attr.setPointer(16, value);
            bpf(MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM prog array[" + index + "]");
        }
    }

    /** One run of prog with cb[] as given; a packet of zeros, as long as an Ethernet header. */
    Run testRun(int prog, int[] cb) {
        int ctxOutBytes = 256; // at least sizeof(struct __sk_buff), else ENOSPC
        try (Memory attr = attr(); Memory data = new Memory(64); Memory ctxIn = new Memory(CTX_IN_BYTES);
             Memory ctxOut = new Memory(ctxOutBytes)) {
            data.clear();
            ctxIn.clear();
            ctxOut.clear();
            for (int i = 0; i < cb.length; i++) {
                ctxIn.setInt(CB + 4L * i, cb[i]);
            }
            attr.setInt(0, prog);
            attr.setInt(8, ETH_HLEN);
            attr.setPointer(16, data);
            attr.setInt(32, 1);
            attr.setInt(40, CTX_IN_BYTES);
            attr.setInt(44, ctxOutBytes);
            attr.setPointer(48, ctxIn);
            attr.setPointer(56, ctxOut);
            bpf(PROG_TEST_RUN, attr, "BPF_PROG_TEST_RUN");
            return new Run(Integer.toUnsignedLong(attr.getInt(4)), ctxOut.getIntArray(CB, 5));
        }
    }

    private static Memory attr() {
        Memory attr = new Memory(ATTR_BYTES);
        attr.clear();
        return attr;
    }

    @Override
    public void close() {
        for (int fd : fds) {
            Sys.INSTANCE.close(fd);
        }
        fds.clear();
    }
}
