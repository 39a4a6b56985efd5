package dev.bpftime.jit.run;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitLinker;

/**
 * Linked JIT code mapped executable in this process, to run programs in the JVM (tests, the conformance
 * runner). The pages are written while read-write, then switched to read-execute: never both. The traced
 * processes do the same in C (the agent); this class is the JVM's counterpart.
 */
public final class ExecutableImage implements AutoCloseable {

    private final Pointer base;
    private final long length;
    private final int entryOffset;
    private final int tailCallEntryOffset;
    private final Function entry;
    private volatile boolean closed;

    private ExecutableImage(Pointer base, long length, int entryOffset, int tailCallEntryOffset) {
        this.base = base;
        this.length = length;
        this.entryOffset = entryOffset;
        this.tailCallEntryOffset = tailCallEntryOffset;
        this.entry = Function.getFunction(base.share(entryOffset));
    }

    /** Links {@code image} with {@code linker} and maps the result. */
    public static ExecutableImage load(JitImage image, JitLinker linker) {
        return load(linker.link(image), image.entryOffset(), image.tailCallEntryOffset());
    }

    /** Maps already linked code. */
    public static ExecutableImage load(byte[] linkedCode, int entryOffset, int tailCallEntryOffset) {
        if (linkedCode.length == 0) {
            throw new IllegalArgumentException("code length: actual 0 vs expected at least 1 byte");
        }
        checkOffset("entry", entryOffset, linkedCode.length);
        checkOffset("tail-call entry", tailCallEntryOffset, linkedCode.length);
        long length = linkedCode.length;
        Pointer p;
        try {
            p = LibC.INSTANCE.mmap(null, length, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        } catch (LastErrorException e) {
            throw new IllegalStateException("mmap of " + length + " bytes for JIT code failed: errno "
                    + e.getErrorCode(), e);
        }
        try {
            p.write(0, linkedCode, 0, linkedCode.length);
            LibC.INSTANCE.mprotect(p, length, LibC.PROT_READ | LibC.PROT_EXEC);
        } catch (LastErrorException e) {
            LibC.INSTANCE.munmap(p, length);
            throw new IllegalStateException("mprotect of JIT code to read+execute failed: errno " + e.getErrorCode(),
                    e);
        }
        return new ExecutableImage(p, length, entryOffset, tailCallEntryOffset);
    }

    private static void checkOffset(String what, int offset, int length) {
        if (offset < 0 || offset >= length) {
            throw new IllegalArgumentException(what + " offset: actual " + offset + " vs expected 0.." + (length - 1));
        }
    }

    /** Runs the program with r1 = {@code r1} and r2 = {@code r2}; returns r0. */
    public long run(long r1, long r2) {
        if (closed) {
            throw new IllegalStateException("image is unmapped");
        }
        return entry.invokeLong(new Object[] {r1, r2});
    }

    /** Where the code starts. */
    public long address() {
        return Pointer.nativeValue(base);
    }

    public long entryAddress() {
        return address() + entryOffset;
    }

    /** The address a tail-call resolver hands out for this program. */
    public long tailCallEntryAddress() {
        return address() + tailCallEntryOffset;
    }

    /** Unmaps the code. Callers must make sure no thread still runs it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.munmap(base, length);
        }
    }
}
