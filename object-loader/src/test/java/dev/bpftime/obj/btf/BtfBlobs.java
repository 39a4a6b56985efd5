package dev.bpftime.obj.btf;

import dev.bpftime.fixtures.Fixtures;
import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.ObjectFormatException;
import dev.bpftime.obj.elf.SectionHeader;
import dev.bpftime.obj.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The .BTF and .BTF.ext sections of the shared corpus and of the fixtures, for the tests. */
final class BtfBlobs {

    /**
     * One object's BTF: {@code ext} is null when the object has no .BTF.ext; {@code kernelBlob} is the .BTF
     * after libbpf's DATASEC fix-ups, null when the object BTF does not parse or cannot be fixed up.
     */
    record Blob(String name, byte[] btf, byte[] ext, byte[] kernelBlob) {
    }

    private BtfBlobs() {
    }

    /** Every object of corpus/ebpf-samples that is a readable ELF file with a .BTF section. */
    static List<Blob> corpus() {
        Path root = Tools.shared().resolve("corpus/ebpf-samples");
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".o") || p.getParent().getFileName().toString().equals("invalid"))
                    .sorted().toList();
            List<Blob> out = new ArrayList<>();
            for (Path f : files) {
                read(f, root.relativize(f).toString()).ifPresent(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every fixture object (all BPF cpus) with a .BTF section. */
    static List<Blob> fixtures() {
        List<Blob> out = new ArrayList<>();
        for (Path f : Fixtures.allBpfObjects()) {
            read(f, "fixtures/" + f.getParent().getFileName() + "/" + f.getFileName()).ifPresent(out::add);
        }
        return out;
    }

    static java.util.Optional<Blob> read(Path file, String name) {
        ElfFile elf;
        try {
            elf = ElfFile.read(file);
        } catch (ObjectFormatException notElf) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SectionHeader> btf = elf.sectionsNamed(".BTF");
        if (btf.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<SectionHeader> ext = elf.sectionsNamed(".BTF.ext");
        byte[] kernelBlob;
        try {
            kernelBlob = ObjectBtf.read(elf).orElseThrow().kernelBlob();
        } catch (BtfException | ObjectFormatException cannot) {
            kernelBlob = null;
        }
        return java.util.Optional.of(new Blob(name, elf.contents(btf.get(0)),
                ext.isEmpty() ? null : elf.contents(ext.get(0)), kernelBlob));
    }
}
