package dev.bpftime.compat.btf;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.obj.btf.Btf;
import java.util.function.Supplier;

/**
 * A BTF object: one made by BPF_BTF_LOAD (the blob as loaded, parsed, no name), or the kernel's own
 * vmlinux BTF ({@link #kernel}), which the kernel registers at boot (kernel/bpf/btf.c btf_parse_vmlinux,
 * named "vmlinux", kernel_btf set) and tools such as bpftrace find by walking BTF ids.
 */
public final class BtfObject extends BpfObject {

    private final String name;
    private final boolean kernelBtf;
    private final Supplier<byte[]> source;
    private Btf btf;
    private byte[] raw;

    public BtfObject(Btf btf) {
        super(ObjectKind.BTF);
        this.btf = btf;
        this.raw = btf.raw();
        this.name = "";
        this.kernelBtf = false;
        this.source = null;
    }

    private BtfObject(String name, Supplier<byte[]> source) {
        super(ObjectKind.BTF);
        this.name = name;
        this.kernelBtf = true;
        this.source = source;
    }

    /** A kernel BTF named {@code name} whose blob is read on first use (vmlinux's is megabytes). */
    public static BtfObject kernel(String name, Supplier<byte[]> source) {
        return new BtfObject(name, source);
    }

    public synchronized Btf btf() {
        if (btf == null) {
            btf = Btf.parse(bytes());
        }
        return btf;
    }

    private synchronized byte[] bytes() {
        if (raw == null) {
            raw = source.get();
        }
        return raw;
    }

    /** The blob, as bpf_btf_info.btf returns it (the kernel keeps btf->data as given). */
    public byte[] raw() {
        return bytes().clone();
    }

    public int size() {
        return bytes().length;
    }

    /** btf->name: empty for a BTF loaded from user space (only vmlinux and modules have one). */
    public String name() {
        return name;
    }

    /** btf->kernel_btf: false for every BTF_LOAD blob, true for vmlinux. */
    public boolean kernelBtf() {
        return kernelBtf;
    }
}
