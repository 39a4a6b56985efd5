package dev.bpftime.jit.run;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.bpftime.jit.JitLinker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A helper table in native memory whose entries are Java functions (JNA callbacks), for running JIT code in
 * the JVM: tests, the conformance runner, embedding. Each helper call crosses from native code into Java,
 * which is fine there and never done in the data plane, whose tables hold C functions. Entries without a
 * function return -ENOSYS.
 */
public final class JvmHelperTable implements AutoCloseable {

    /** A helper as JIT code calls it: r1..r5 in, r0 out. */
    @FunctionalInterface
    public interface Helper extends Callback {
        long invoke(long r1, long r2, long r3, long r4, long r5);
    }

    /** -ENOSYS, the result of a call to an empty entry. */
    public static final long NO_SUCH_HELPER = -38;

    private final Memory table;
    private final int size;
    // The callbacks must stay reachable as long as native code may call them.
    private final List<Helper> keepAlive = new ArrayList<>();

    public JvmHelperTable(int size, Map<Integer, Helper> helpers) {
        if (size <= 0 || size > JitLinker.MAX_HELPER_ID + 1) {
            throw new IllegalArgumentException("helper table size: actual " + size + " vs expected 1.."
                    + (JitLinker.MAX_HELPER_ID + 1));
        }
        this.size = size;
        this.table = new Memory(8L * size);
        Helper stub = (r1, r2, r3, r4, r5) -> NO_SUCH_HELPER;
        keepAlive.add(stub);
        Pointer stubAt = CallbackReference.getFunctionPointer(stub);
        for (int i = 0; i < size; i++) {
            table.setPointer(8L * i, stubAt);
        }
        helpers.forEach((id, helper) -> {
            if (id < 0 || id >= size) {
                throw new IllegalArgumentException("helper id: actual " + id + " vs expected 0.." + (size - 1));
            }
            keepAlive.add(helper);
            table.setPointer(8L * id, CallbackReference.getFunctionPointer(helper));
        });
    }

    public long address() {
        return Pointer.nativeValue(table);
    }

    public int size() {
        return size;
    }

    public JitLinker linker(JitLinker.MapAddresses maps) {
        return new JitLinker(address(), size, maps);
    }

    /** Frees the table; no code linked against it may run afterwards. */
    @Override
    public void close() {
        table.close();
        keepAlive.clear();
    }
}
