package dev.bpftime.obj.btf;

import dev.bpftime.obj.elf.Elf;
import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.ElfSymbol;
import dev.bpftime.obj.elf.SectionHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What libbpf does to an object's .BTF before BPF_BTF_LOAD (tools/lib/bpf/libbpf.c btf_fixup_datasec):
 * clang leaves each DATASEC's size and its variables' offsets zero, so the size comes from the ELF section
 * of that name and each global variable's offset from its ELF symbol; a hidden or internal global becomes
 * static; the variables are sorted by offset. The extern-backed .kconfig and .ksyms sections are only
 * sorted: giving them a layout needs libbpf's extern resolution, which is not done here.
 */
final class DatasecFixup {

    private static final int STV_INTERNAL = 1;
    private static final int STV_HIDDEN = 2;

    private DatasecFixup() {
    }

    static byte[] apply(Btf btf, ElfFile elf) {
        byte[] blob = btf.raw();
        ByteBuffer buf = ByteBuffer.wrap(blob).order(btf.order());
        for (BtfType t : btf.types()) {
            if (t instanceof BtfType.Datasec d) {
                fix(btf, elf, d, buf);
            }
        }
        return blob;
    }

    private static void fix(Btf btf, ElfFile elf, BtfType.Datasec d, ByteBuffer buf) {
        int at = btf.typeOffset(d.id());
        List<BtfType.VarSecinfo> vars = new ArrayList<>(d.vars());
        if (!d.name().equals(".kconfig") && !d.name().equals(".ksyms")) {
            boolean fixOffsets = false;
            if (d.size() == 0) {
                long size = elf.sectionsNamed(d.name()).stream().findFirst().map(SectionHeader::size).orElse(0L);
                if (size == 0) {
                    throw new BtfException(Errno.EINVAL, "", "DATASEC [" + d.id() + "] '" + d.name() + "': size 0 and"
                            + " no ELF section of that name to take it from", d.id(), at);
                }
                buf.putInt(at + 8, (int) size);
                fixOffsets = true;
            }
            for (int i = 0; i < vars.size(); i++) {
                BtfType.VarSecinfo vsi = vars.get(i);
                if (!(btf.type(vsi.type()) instanceof BtfType.Var var)) {
                    throw new BtfException(Errno.EINVAL, "", "DATASEC [" + d.id() + "] '" + d.name() + "' variable " + i
                            + ": actual " + btf.type(vsi.type()).kind().logName() + " vs expected a VAR", d.id(), at);
                }
                if (var.linkage() == BtfType.Var.STATIC || var.linkage() == BtfType.Var.GLOBAL_EXTERN) {
                    continue;
                }
                ElfSymbol sym = globalObject(elf, var.name(), d);
                if (fixOffsets) {
                    vars.set(i, new BtfType.VarSecinfo(vsi.type(), sym.value(), vsi.size()));
                }
                int visibility = sym.other() & 3;
                if (visibility == STV_HIDDEN || visibility == STV_INTERNAL) {
                    buf.putInt(btf.typeOffset(var.id()) + 12, BtfType.Var.STATIC);
                }
            }
        }
        vars.sort(Comparator.comparingLong(BtfType.VarSecinfo::offset));
        for (int i = 0; i < vars.size(); i++) {
            int entry = at + 12 + 12 * i;
            buf.putInt(entry, vars.get(i).type());
            buf.putInt(entry + 4, (int) vars.get(i).offset());
            buf.putInt(entry + 8, (int) vars.get(i).size());
        }
    }

    /** find_elf_var_sym(): the first global or weak STT_OBJECT symbol of that name. */
    private static ElfSymbol globalObject(ElfFile elf, String name, BtfType.Datasec d) {
        for (ElfSymbol s : elf.symbols()) {
            if (s.type() == Elf.STT_OBJECT && (s.binding() == Elf.STB_GLOBAL || s.binding() == Elf.STB_WEAK)
                    && s.name().equals(name)) {
                return s;
            }
        }
        throw new BtfException(Errno.EINVAL, "", "DATASEC [" + d.id() + "] '" + d.name() + "': no global ELF symbol"
                + " for variable '" + name + "' to take its offset from", d.id(), -1);
    }
}
