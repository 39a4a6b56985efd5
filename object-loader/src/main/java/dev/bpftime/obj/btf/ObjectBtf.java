package dev.bpftime.obj.btf;

import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.SectionHeader;
import java.util.List;
import java.util.Optional;

/** The .BTF and .BTF.ext sections of a BPF object file, parsed. */
public final class ObjectBtf {

    private final ElfFile elf;
    private final Btf btf;
    private final Optional<BtfExt> ext;

    private ObjectBtf(ElfFile elf, Btf btf, Optional<BtfExt> ext) {
        this.elf = elf;
        this.btf = btf;
        this.ext = ext;
    }

    /** The object's BTF, or empty when it has no .BTF section; .BTF.ext is read when present. */
    public static Optional<ObjectBtf> read(ElfFile elf) {
        List<SectionHeader> btfSections = elf.sectionsNamed(".BTF");
        if (btfSections.isEmpty()) {
            return Optional.empty();
        }
        Btf btf = Btf.parse(elf.contents(btfSections.get(0)));
        List<SectionHeader> extSections = elf.sectionsNamed(".BTF.ext");
        Optional<BtfExt> ext = extSections.isEmpty() ? Optional.empty()
                : Optional.of(BtfExt.parse(elf.contents(extSections.get(0)), btf));
        return Optional.of(new ObjectBtf(elf, btf, ext));
    }

    public Btf btf() {
        return btf;
    }

    public Optional<BtfExt> ext() {
        return ext;
    }

    /**
     * The .BTF blob as libbpf hands it to BPF_BTF_LOAD: DATASEC sizes and variable offsets filled in from
     * the ELF file (see {@link DatasecFixup}). Extern variables and functions are left as they are.
     */
    public byte[] kernelBlob() {
        return DatasecFixup.apply(btf, elf);
    }
}
