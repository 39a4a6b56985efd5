package dev.bpftime.benchmarks.vm;

import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import dev.bpftime.jit.JitImageFile;
import dev.bpftime.jit.JitOptions;
import dev.bpftime.jit.Relocation;
import java.io.IOException;
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
 * product's {@link JitCompiler} and writes {@code <name>.jit} beside it, which the harness links with
 * the agent's linker, maps read-execute and calls; and each probe figure's program ({@code <name>.bpf},
 * written by {@code bpftime-bench --dump-probe-programs}), whose image keeps its relocations (helper
 * table, maps). Every {@code .jit} is a {@link JitImageFile} (jit/README.md "The image file"), read by
 * benchmarks/src/main/c/jit_image.c. Maven runs it after compiling (process-classes):
 *
 * <pre>
 * JitImages DIR    compiles every DIR/*.bin, every DIR/*.prog with its DIR/*.maps, and every DIR/*.bpf
 * </pre>
 *
 * A {@code .prog} is a kernel figure's program the harness wrote ({@code bpftime-bench --write-programs});
 * its {@code .maps} says what each map fd of it is ("fd type key_size value_size max_entries" lines), as
 * the service knows when it compiles, so the JIT inlines array lookups; its image keeps its map
 * relocations.
 */
public final class JitImages {

    private JitImages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: JitImages DIR (the folder of the VM suite's .bin files)");
        }
        Path dir = Path.of(args[0]);
        List<Path> programs = filesEnding(dir, ".bin");
        if (programs.isEmpty()) {
            throw new IllegalStateException(dir + ": actual no .bin file vs expected the VM suite's programs "
                    + "(the module's Makefile extracts them before this step)");
        }
        JitCompiler compiler = new JitCompiler();
        for (Path bin : programs) {
            JitImage image = compile(compiler, Files.readAllBytes(bin), bin.toString());
            Files.write(jitFile(bin), JitImageFile.write(image));
        }
        List<Path> linked = filesEnding(dir, ".prog");
        for (Path prog : linked) {
            Path maps = dir.resolve(prog.getFileName().toString().replaceFirst("\\.prog$", ".maps"));
            JitOptions options = JitOptions.DEFAULT.withMaps(readMaps(maps));
            JitImage image = compiler.compile(InstructionDecoder.decode(Files.readAllBytes(prog)), options);
            Files.write(jitFile(prog), JitImageFile.write(image));
        }
        List<Path> probePrograms = filesEnding(dir, ".bpf");
        for (Path bpf : probePrograms) {
            JitImage image = compiler.compile(InstructionDecoder.decode(Files.readAllBytes(bpf)));
            Files.write(jitFile(bpf), JitImageFile.write(image));
        }
        System.out.println("JitImages: " + (programs.size() + linked.size() + probePrograms.size())
                + " JIT images written to " + dir);
    }

    private static List<Path> filesEnding(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** {@code <name>.jit} beside {@code <name>.<suffix>}. */
    private static Path jitFile(Path program) {
        return program.resolveSibling(program.getFileName().toString().replaceFirst("\\.[^.]+$", ".jit"));
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

    /** The program's image; refuses one the harness could not run unlinked. */
    static JitImage compile(JitCompiler compiler, byte[] text, String where) {
        JitImage image = compiler.compile(InstructionDecoder.decode(text));
        if (!image.relocations().isEmpty()) {
            throw new IllegalArgumentException(where + ": relocations: actual " + image.relocations()
                    + " vs expected none (a VM suite program calls no helper and uses no map)");
        }
        return image;
    }
}
