package dev.bpftime.benchmarks.vm;

import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.jit.JitCompiler;
import dev.bpftime.jit.JitImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build step that gives the native harness its JIT code: compiles each VM suite program
 * ({@code <name>.bin}, the .text clang made of benchmarks/src/bpf/{@code <name>}.bpf.c) with the
 * product's {@link JitCompiler} and writes {@code <name>.jit} beside it, which the harness maps
 * read-execute and calls (benchmarks/src/main/c/jit_image.h has the format). Maven runs it after
 * compiling (process-classes):
 *
 * <pre>
 * JitImages DIR    compiles every DIR/*.bin
 * </pre>
 */
public final class JitImages {

    /** "BPFTJIT1", then u32 entry offset and u32 code size, little-endian, then the code. */
    static final byte[] MAGIC = "BPFTJIT1".getBytes(StandardCharsets.US_ASCII);

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
        System.out.println("JitImages: " + programs.size() + " JIT images written to " + dir);
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
