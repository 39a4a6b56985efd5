package dev.bpftime.compat.prog;

import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.Caller;
import dev.bpftime.compat.syscall.FdRef;
import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitException;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Makes a {@link ProgramImage} at BPF_PROG_LOAD, after the structural checks accepted the program (so
 * every map reference resolves): map references rewritten to map ids, then the JIT. The kernel JITs at
 * load time too (bpf_prog_select_runtime); a program the JIT refuses still loads and is interpreted in
 * traced processes, as the kernel falls back to its interpreter without CONFIG_BPF_JIT_ALWAYS_ON.
 */
public final class ProgramImages {

    private static final JitCompiler COMPILER = new JitCompiler();

    private ProgramImages() {
    }

    public static ProgramImage make(byte[] insns, Caller caller, long fdArray) throws BpfException {
        byte[] linked = withMapIds(insns, caller, fdArray);
        try {
            JitImage image = COMPILER.compile(InstructionDecoder.decode(linked), JitOptions.DEFAULT);
            return new ProgramImage(linked, image, null);
        } catch (JitException | DecodeException e) {
            return new ProgramImage(linked, null, e.getMessage());
        }
    }

    /** A copy of the slots whose map references name map ids (see ProgramImage). */
    static byte[] withMapIds(byte[] insns, Caller caller, long fdArray) throws BpfException {
        byte[] out = insns.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        RawInsn[] raw = RawInsn.all(insns);
        for (int i = 0; i + 1 < raw.length; i++) {
            RawInsn in = raw[i];
            if (in.code() != RawInsn.LD_IMM64) {
                continue;
            }
            int src = in.src();
            if (src == 1 || src == 2 || src == 5 || src == 6) {
                int fd = in.imm();
                if (src == 5 || src == 6) {
                    byte[] slot = caller.read(fdArray + 4L * Integer.toUnsignedLong(in.imm()), 4, "fd_array entry");
                    fd = ByteBuffer.wrap(slot).order(ByteOrder.nativeOrder()).getInt();
                }
                FdRef ref = caller.fd(fd);
                if (!(ref instanceof FdRef.Object o) || !(o.object() instanceof EmulatedMap map)) {
                    // The structural checks resolved it a moment ago: the caller closed it meanwhile.
                    throw new BpfException(dev.bpftime.compat.posix.Errno.EBADF, "fd " + fd
                            + " is not pointing to valid bpf_map");
                }
                int newSrc = src == 1 || src == 5 ? 1 : 2;
                b.put(i * 8 + 1, (byte) ((newSrc << 4) | in.dst()));
                b.putInt(i * 8 + 4, map.id());
            }
            i++;
        }
        return out;
    }
}
