package dev.bpftime.vm;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.LongByReference;

/** The C API of libbpftime-vm (src/main/c/bpftime_vm.h), one method per function. */
interface VmNative extends Library {

    VmNative LIB = Native.load(NativeLibraries.find("bpftime-vm").toString(), VmNative.class);

    /** bpftime_helper_fn. */
    interface HelperFn extends Callback {
        long invoke(long r1, long r2, long r3, long r4, long r5);
    }

    /** bpftime_tail_call_fn. */
    interface TailCallFn extends Callback {
        Pointer invoke(Pointer cookie, long progArray, int index);
    }

    /** struct bpftime_vm_fault. */
    @Structure.FieldOrder({"status", "pc", "addr", "size", "tailCalls"})
    class Fault extends Structure {
        public int status;
        public int pc;
        public long addr;
        public int size;
        public int tailCalls;
    }

    Pointer bpftime_vm_create();

    void bpftime_vm_destroy(Pointer vm);

    int bpftime_vm_load(Pointer vm, byte[] code, long codeLen, byte[] err, long errLen);

    int bpftime_vm_slot_count(Pointer vm);

    int bpftime_vm_frames(Pointer vm);

    int bpftime_vm_register_helper(Pointer vm, int id, HelperFn fn);

    int bpftime_vm_register_helper(Pointer vm, int id, Pointer fn);

    void bpftime_vm_set_tail_call_hook(Pointer vm, TailCallFn fn, Pointer cookie);

    void bpftime_vm_set_unwind_helper(Pointer vm, long id);

    void bpftime_vm_set_bounds_check(Pointer vm, int enabled);

    int bpftime_vm_add_region(Pointer vm, Pointer start, long len);

    void bpftime_vm_set_instruction_limit(Pointer vm, long limit);

    int bpftime_vm_exec_ex(Pointer vm, Pointer ctx, long ctxLen, LongByReference result, Fault fault);

    int bpftime_vm_fault_message(Fault fault, byte[] buf, long len);
}
