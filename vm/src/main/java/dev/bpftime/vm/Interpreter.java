package dev.bpftime.vm;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One program loaded into the C interpreter (libbpftime-vm). Configure it (helpers, tail-call hook,
 * bounds checking) before running it; then {@link #run} may be called from many threads at once,
 * each invocation with its own registers and stack. Close it when no run is in progress.
 */
public final class Interpreter implements AutoCloseable {

    private static final Pattern AT_INSTRUCTION = Pattern.compile("^at instruction (\\d+):");
    private static final int MESSAGE_BYTES = 512;

    private final int slots;
    // Callbacks handed to C must stay reachable as long as the VM may call them.
    private final List<Object> keepAlive = new ArrayList<>();
    private Pointer vm;

    private Interpreter(Pointer vm, int slots) {
        this.vm = vm;
        this.slots = slots;
    }

    /** Encodes and loads a program; throws {@link VmException} (status REFUSED) naming the refused instruction. */
    public static Interpreter load(List<Instruction> program) {
        return load(InstructionEncoder.encode(program));
    }

    /** Loads little-endian instruction bytes. */
    public static Interpreter load(byte[] code) {
        Pointer vm = VmNative.LIB.bpftime_vm_create();
        if (vm == null) {
            throw new OutOfMemoryError("bpftime_vm_create");
        }
        byte[] err = new byte[MESSAGE_BYTES];
        int rc = VmNative.LIB.bpftime_vm_load(vm, code, code.length, err, err.length);
        if (rc != 0) {
            VmNative.LIB.bpftime_vm_destroy(vm);
            String message = Native.toString(err, StandardCharsets.UTF_8.name());
            Matcher m = AT_INSTRUCTION.matcher(message);
            throw new VmException(VmStatus.REFUSED, m.find() ? Integer.parseInt(m.group(1)) : -1, message);
        }
        return new Interpreter(vm, VmNative.LIB.bpftime_vm_slot_count(vm));
    }

    /** The program's length in 8-byte slots. */
    public int slotCount() {
        return slots;
    }

    /** Makes {@code call id} run {@code helper}. Helpers are a test and embedding convenience: each call crosses into Java. */
    public synchronized void registerHelper(int id, Helper helper) {
        Objects.requireNonNull(helper, "helper");
        VmNative.HelperFn fn = helper::call;
        keepAlive.add(fn);
        int rc = VmNative.LIB.bpftime_vm_register_helper(handle(), id, fn);
        if (rc != 0) {
            throw new IllegalArgumentException("helper id: actual " + Integer.toUnsignedString(id)
                    + " vs expected 0..65535 (errno " + -rc + ")");
        }
    }

    /** Makes helper 12 (bpf_tail_call) a tail call resolved by {@code hook}. */
    public synchronized void setTailCallHook(TailCallHook hook) {
        Objects.requireNonNull(hook, "hook");
        VmNative.TailCallFn fn = (cookie, progArray, index) -> {
            Interpreter target = hook.target(progArray, index);
            return target == null ? null : target.handle();
        };
        keepAlive.add(fn);
        VmNative.LIB.bpftime_vm_set_tail_call_hook(handle(), fn, null);
    }

    /** The bpf_conformance "unwind" helper: a call of {@code id} that returns 0 ends the program with r0 = 0. */
    public synchronized void setUnwindHelper(int id) {
        VmNative.LIB.bpftime_vm_set_unwind_helper(handle(), id);
    }

    /** Bounds checking: accesses outside the stack, the run's memory and added regions stop the program. */
    public synchronized void setBoundsChecking(boolean enabled) {
        VmNative.LIB.bpftime_vm_set_bounds_check(handle(), enabled ? 1 : 0);
    }

    /** With bounds checking: a region of native memory the program may also access. */
    public synchronized void addRegion(Pointer start, long length) {
        if (VmNative.LIB.bpftime_vm_add_region(handle(), start, length) != 0) {
            throw new OutOfMemoryError("bpftime_vm_add_region");
        }
    }

    /** With bounds checking: stop after {@code limit} executed instructions (0: no limit). */
    public synchronized void setInstructionLimit(long limit) {
        VmNative.LIB.bpftime_vm_set_instruction_limit(handle(), limit);
    }

    /**
     * Runs the program with r1 pointing at a native copy of {@code memory} and r2 = its length,
     * copies the memory back (stores are visible to the caller) and returns r0.
     */
    public long run(byte[] memory) {
        if (memory.length == 0) {
            return run(null, 0);
        }
        try (Memory copy = new Memory(memory.length)) {
            copy.write(0, memory, 0, memory.length);
            try {
                return run(copy, memory.length);
            } finally {
                copy.read(0, memory, 0, memory.length);
            }
        }
    }

    /** Runs the program with r1 = {@code memory} and r2 = {@code length}; returns r0. */
    public long run(Pointer memory, long length) {
        LongByReference result = new LongByReference();
        VmNative.Fault fault = new VmNative.Fault();
        int status = VmNative.LIB.bpftime_vm_exec_ex(handle(), memory, length, result, fault);
        if (status != 0) {
            byte[] buf = new byte[MESSAGE_BYTES];
            VmNative.LIB.bpftime_vm_fault_message(fault, buf, buf.length);
            VmStatus s = VmStatus.of(status);
            throw new VmException(s, s == VmStatus.NOT_LOADED ? -1 : fault.pc,
                    Native.toString(buf, StandardCharsets.UTF_8.name()));
        }
        return result.getValue();
    }

    /** The native struct bpftime_vm, for other modules' JNA code. */
    public synchronized Pointer handle() {
        if (vm == null) {
            throw new IllegalStateException("interpreter is closed");
        }
        return vm;
    }

    @Override
    public synchronized void close() {
        if (vm != null) {
            VmNative.LIB.bpftime_vm_destroy(vm);
            vm = null;
        }
    }
}
