package dev.bpftime.compat.btf;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.obj.btf.Btf;

/** A BTF object made by BPF_BTF_LOAD: the blob as loaded, parsed, and the kernel's name and flag for it. */
public final class BtfObject extends BpfObject {

    private final Btf btf;
    private final byte[] raw;

    public BtfObject(Btf btf) {
        super(ObjectKind.BTF);
        this.btf = btf;
        this.raw = btf.raw();
    }

    public Btf btf() {
        return btf;
    }

    /** The blob, as bpf_btf_info.btf returns it (the kernel keeps btf->data as given). */
    public byte[] raw() {
        return raw.clone();
    }

    public int size() {
        return raw.length;
    }

    /** btf->name: empty for a BTF loaded from user space (only vmlinux and modules have one). */
    public String name() {
        return "";
    }

    /** btf->kernel_btf: false for every BTF_LOAD blob. */
    public boolean kernelBtf() {
        return false;
    }
}
