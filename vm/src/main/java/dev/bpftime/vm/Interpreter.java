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
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One program loaded into the C interpreter (libbpftime-vm). Configure it (helpers, tail-call hook,
 * bounds checking), then {@link #run} it from any number of threads at once: each invocation has its
 * own registers and stack. Configuration and {@link #close} wait for runs in progress, so a VM never
 * changes or disappears under a running program.
 *
 * <p>Helpers and tail-call hooks written in Java are for tests and embedding: each call crosses from C
 * into Java. The data plane registers C helpers ({@link #registerHelper(int, Pointer)}) and never
 * calls Java.
 */
public final class Interpreter implements AutoCloseable {

    private static final Pattern AT_INSTRUCTION = Pattern.compile("^at instruction (\\d+):");
    private static final int MESSAGE_BYTES = 512;

    private final int slots;
    // Callbacks handed to C must stay reachable as long as the VM may call them.
    private final List<Object> keepAlive = new ArrayList<>();
    // Runs share the read lock; configuration and close take the write lock.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
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

    /**
     * The stack frames the program needs, counted as the JIT counts {@code JitImage.frames}: its deepest
     * chain of bpf-to-bpf calls, 8 when it makes tail calls. A tail call into it from frame depth d falls
     * through when this is more than 8 - d.
     */
    public int frames() {
        return VmNative.LIB.bpftime_vm_frames(vm);
    }

    /** Makes {@code call id} run {@code helper} (a Java helper: for tests and embedding). */
    public void registerHelper(int id, Helper helper) {
        Objects.requireNonNull(helper, "helper");
        VmNative.HelperFn fn = helper::call;
        configure(vm -> {
            keepAlive.add(fn);
            checkHelperId(id, VmNative.LIB.bpftime_vm_register_helper(vm, id, fn));
        });
    }

    /** Makes {@code call id} run the C function {@code uint64_t fn(uint64_t r1, ..., uint64_t r5)}. */
    public void registerHelper(int id, Pointer nativeFunction) {
        Objects.requireNonNull(nativeFunction, "nativeFunction");
        configure(vm -> checkHelperId(id, VmNative.LIB.bpftime_vm_register_helper(vm, id, nativeFunction)));
    }

    private static void checkHelperId(int id, int rc) {
        if (rc != 0) {
            throw new IllegalArgumentException("helper id: actual " + Integer.toUnsignedString(id)
                    + " vs expected 0..65535 (errno " + -rc + ")");
        }
    }

    /** Makes helper 12 (bpf_tail_call) a tail call resolved by {@code hook}; the target must stay open. */
    public void setTailCallHook(TailCallHook hook) {
        Objects.requireNonNull(hook, "hook");
        VmNative.TailCallFn fn = (cookie, progArray, index) -> {
            Interpreter target = hook.target(progArray, index);
            return target == null ? null : target.handle();
        };
        configure(vm -> {
            keepAlive.add(fn);
            VmNative.LIB.bpftime_vm_set_tail_call_hook(vm, fn, null);
        });
    }

    /** The bpf_conformance "unwind" helper: a call of {@code id} that returns 0 ends the program with r0 = 0. */
    public void setUnwindHelper(int id) {
        configure(vm -> VmNative.LIB.bpftime_vm_set_unwind_helper(vm, id));
    }

    /** Bounds checking: accesses outside the stack, the run's memory and added regions stop the program. */
    public void setBoundsChecking(boolean enabled) {
        configure(vm -> VmNative.LIB.bpftime_vm_set_bounds_check(vm, enabled ? 1 : 0));
    }

    /** With bounds checking: a region of native memory the program may also access. */
    public void addRegion(Pointer start, long length) {
        configure(vm -> {
            if (VmNative.LIB.bpftime_vm_add_region(vm, start, length) != 0) {
                throw new OutOfMemoryError("bpftime_vm_add_region");
            }
        });
    }

    /** With bounds checking: stop after {@code limit} executed instructions (0: no limit). */
    public void setInstructionLimit(long limit) {
        configure(vm -> VmNative.LIB.bpftime_vm_set_instruction_limit(vm, limit));
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
        int status;
        lock.readLock().lock();
        try {
            status = VmNative.LIB.bpftime_vm_exec_ex(open(), memory, length, result, fault);
        } finally {
            lock.readLock().unlock();
        }
        if (status != 0) {
            byte[] buf = new byte[MESSAGE_BYTES];
            VmNative.LIB.bpftime_vm_fault_message(fault, buf, buf.length);
            VmStatus s = VmStatus.of(status);
            throw new VmException(s, s == VmStatus.NOT_LOADED ? -1 : fault.pc,
                    Native.toString(buf, StandardCharsets.UTF_8.name()));
        }
        return result.getValue();
    }

    /** The native struct bpftime_vm, for other modules' JNA code; valid until {@link #close}. */
    public Pointer handle() {
        lock.readLock().lock();
        try {
            return open();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (vm != null) {
                VmNative.LIB.bpftime_vm_destroy(vm);
                vm = null;
                keepAlive.clear();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Pointer open() {
        if (vm == null) {
            throw new IllegalStateException("interpreter is closed");
        }
        return vm;
    }

    private void configure(Consumer<Pointer> change) {
        lock.writeLock().lock();
        try {
            change.accept(open());
        } finally {
            lock.writeLock().unlock();
        }
    }
}
