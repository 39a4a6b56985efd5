package dev.bpftime.maps;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/** Trivial programs loaded into the kernel, to fill the slots of a kernel PROG_ARRAY. */
final class KernelPrograms {
    private static final int BPF_PROG_LOAD = 5;
    static final int SOCKET_FILTER = 1;

    private KernelPrograms() {
    }

    /** "r0 = 0; exit" as a program of the given type; returns its fd. */
    static int loadReturnZero(int progType) {
        // BPF_ALU64 | BPF_MOV | BPF_K (0xb7) r0, 0; BPF_JMP | BPF_EXIT (0x95)
        byte[] insns = {(byte) 0xb7, 0, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
        Memory code = KernelBpf.buffer(insns, insns.length);
        Memory license = KernelBpf.buffer("GPL\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 4);
        Memory attr = new Memory(KernelBpf.ATTR_SIZE);
        attr.clear();
        attr.setInt(0, progType);
        attr.setInt(4, 2);
        attr.setLong(8, Pointer.nativeValue(code));
        attr.setLong(16, Pointer.nativeValue(license));
        long rc = KernelBpf.bpf(BPF_PROG_LOAD, attr);
        if (rc < 0) {
            throw new MapException((int) -rc, "kernel BPF_PROG_LOAD of r0 = 0; exit, type " + progType);
        }
        return (int) rc;
    }
}
