package dev.bpftime.benchmarks.vm;

import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitOptions;
import dev.bpftime.jit.Relocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The build step that gives the native harness its JIT code: compiles each VM suite program
 * ({@code <name>.bin}, the .text clang made of benchmarks/src/bpf/{@code <name>}.bpf.c) with the
 * product's {@link JitCompiler} and writes {@code <name>.jit} beside it, which the harness maps
 * read-execute and calls (benchmarks/src/main/c/jit_image.h has the format); and each probe
 * figure's program ({@code <name>.bpf}, written by {@code bpftime-bench --dump-probe-programs}), whose
 * image keeps its relocations (helper table, maps) for the agent's linker, in the format
 * benchmarks/src/main/c/probe_programs.c reads. Maven runs it after compiling (process-classes):
 *
 * <pre>
 * JitImages DIR    compiles every DIR/*.bin, every DIR/*.prog with its DIR/*.maps, and every DIR/*.bpf
 * </pre>
 *
 * A {@code .prog} is a kernel figure's program the harness wrote ({@code bpftime-bench --write-programs});
 * its {@code .maps} says what each map fd of it is ("fd type key_size value_size max_entries" lines), as
 * the service knows when it compiles, so the JIT inlines array lookups. Its image keeps its relocations
 * ("BPFTJIT2"), which the harness links as the agent does.
 */
public final class JitImages {

    /** "BPFTJIT1", then u32 entry offset and u32 code size, little-endian, then the code. */
    static final byte[] MAGIC = "BPFTJIT1".getBytes(StandardCharsets.US_ASCII);
    /** "BPFTJIT2", u32 entry, u32 code size, u32 relocation count, u32 0, the code, the relocations. */
    static final byte[] LINKED_MAGIC = "BPFTJIT2".getBytes(StandardCharsets.US_ASCII);

    private JitImages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: JitImages DIR (the folder of the VM suite's .bin files)");
        }
        Path dir = Path.of(args[0]);
        List<Path> programs;
        try (Stream<Path> files = Files.list(dir)) {
            programs = files.filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().toList();
        }
        if (programs.isEmpty()) {
            throw new IllegalStateException(dir + ": actual no .bin file vs expected the VM suite's programs "
                    + "(the module's Makefile extracts them before this step)");
        }
        JitCompiler compiler = new JitCompiler();
        for (Path bin : programs) {
            String name = bin.getFileName().toString().replaceFirst("\\.bin$", "");
            byte[] image = write(compile(compiler, Files.readAllBytes(bin), bin.toString()));
            Files.write(dir.resolve(name + ".jit"), image);
        }
        List<Path> linked;
        try (Stream<Path> files = Files.list(dir)) {
            linked = files.filter(p -> p.getFileName().toString().endsWith(".prog")).sorted().toList();
        }
        for (Path prog : linked) {
            String name = prog.getFileName().toString().replaceFirst("\\.prog$", "");
            JitOptions options = JitOptions.DEFAULT.withMaps(readMaps(dir.resolve(name + ".maps")));
            JitImage image = compiler.compile(InstructionDecoder.decode(Files.readAllBytes(prog)), options);
            Files.write(dir.resolve(name + ".jit"), writeLinked(image));
        }
        List<Path> probePrograms;
        try (Stream<Path> files = Files.list(dir)) {
            probePrograms = files.filter(p -> p.getFileName().toString().endsWith(".bpf")).sorted().toList();
        }
        for (Path bpf : probePrograms) {
            String name = bpf.getFileName().toString().replaceFirst("\\.bpf$", "");
            JitImage image = compiler.compile(InstructionDecoder.decode(Files.readAllBytes(bpf)));
            Files.write(dir.resolve(name + ".jit"), writeLinkable(image));
        }
        System.out.println("JitImages: " + (programs.size() + linked.size() + probePrograms.size())
                + " JIT images written to " + dir);
    }

    /** The map descriptors of a {@code .maps} file, by fd. */
    static JitOptions.MapDescriptors readMaps(Path file) throws IOException {
        Map<Integer, JitOptions.MapDescriptor> byFd = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException(file + ": line \"" + line + "\": actual " + f.length
                        + " fields vs expected 5 (fd type key_size value_size max_entries)");
            }
            byFd.put(Integer.parseInt(f[0]), new JitOptions.MapDescriptor(Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4])));
        }
        return (kind, key) -> kind == Relocation.Kind.MAP_FD ? Optional.ofNullable(byFd.get(key)) : Optional.empty();
    }

    /** The "BPFTJIT2" file: the image with its relocations. */
    static byte[] writeLinked(JitImage image) {
        byte[] code = image.code();
        List<Relocation> relocs = image.relocations();
        ByteBuffer out = ByteBuffer.allocate(LINKED_MAGIC.length + 16 + code.length + 24 * relocs.size())
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(LINKED_MAGIC).putInt(image.entryOffset()).putInt(code.length).putInt(relocs.size()).putInt(0)
                .put(code);
        for (Relocation r : relocs) {
            out.putInt(r.offset()).putInt(r.kind().ordinal()).putInt(r.key()).putInt(r.kind().width())
                    .putLong(r.addend());
        }
        return out.array();
    }

    /**
     * A probe program's image with its relocations: "BPFTJIT1", u32 entry offset, u32 code size,
     * u32 relocation count, u32 zero, then { u32 offset, u32 kind, i32 key, u32 zero, i64 addend } per
     * relocation, then the code (little-endian; the agent tests' format, ProbeEngineTest).
     */
    static byte[] writeLinkable(JitImage image) {
        byte[] code = image.code();
        List<Relocation> relocations = image.relocations();
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 16 + 24 * relocations.size() + code.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(image.entryOffset()).putInt(code.length).putInt(relocations.size()).putInt(0);
        for (Relocation r : relocations) {
            out.putInt(r.offset()).putInt(r.kind().ordinal()).putInt(r.key()).putInt(0).putLong(r.addend());
        }
        return out.put(code).array();
    }

    /** The program's image; refuses one the harness could not run unlinked. */
    static JitImage compile(JitCompiler compiler, byte[] text, String where) {
        JitImage image = compiler.compile(InstructionDecoder.decode(text));
        if (!image.relocations().isEmpty()) {
            throw new IllegalArgumentException(where + ": relocations: actual " + image.relocations()
                    + " vs expected none (a VM suite program calls no helper and uses no map)");
        }
        return image;
    }

    /** The file the harness reads. */
    static byte[] write(JitImage image) {
        byte[] code = image.code();
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 8 + code.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(image.entryOffset()).putInt(code.length).put(code);
        return out.array();
    }
}
