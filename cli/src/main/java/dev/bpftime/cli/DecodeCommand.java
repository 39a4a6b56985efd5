package dev.bpftime.cli;

import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bpftime decode}: raw little-endian instruction bytes to one line per instruction,
 * "slot: bytes  fields". A 64-bit immediate load takes two slots and shows its 16 bytes.
 */
@Command(name = "decode", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"Decode raw eBPF instruction bytes (little-endian, 8 bytes a slot) and print one",
                "instruction per line: its slot, its bytes and its fields. Stops at the first",
                "malformed instruction with the decoder's error."},
        footer = {"", "Examples:",
                "  bpftime decode --hex 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00'",
                "  llvm-objcopy -O binary --only-section=SECTION prog.bpf.o prog.bin && bpftime decode prog.bin"})
public final class DecodeCommand implements Callable<Integer> {

    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Input input;

    static final class Input {
        @Parameters(paramLabel = "FILE", description = "a file of raw instruction bytes; - for standard input")
        private String file;

        @Option(names = {"-x", "--hex"}, paramLabel = "HEX",
                description = "the bytes as hex text: 'b7 01 00 00', 'b7010000', '0xb7,0x01' ...")
        private String hex;
    }

    @Override
    public Integer call() {
        String source = input.hex != null ? "hex text" : InputFiles.displayName(input.file);
        byte[] code = input.hex != null ? HexText.parse(input.hex) : InputFiles.readAll(input.file);
        checkRawCode(source, code);
        List<Instruction> program;
        try {
            program = InstructionDecoder.decode(code);
        } catch (DecodeException e) {
            throw new CliException(source + ": " + e.getMessage(), e);
        }
        print(code, program, spec.commandLine().getOut());
        return Main.EXIT_OK;
    }

    private static void checkRawCode(String source, byte[] code) {
        if (code.length == 0) {
            throw new CliException(source + ": actual 0 bytes vs expected at least one instruction (8 bytes)");
        }
        if (code.length >= ELF_MAGIC.length && code[0] == ELF_MAGIC[0] && code[1] == ELF_MAGIC[1]
                && code[2] == ELF_MAGIC[2] && code[3] == ELF_MAGIC[3]) {
            throw new CliException(source + ": actual an ELF object vs expected raw instruction bytes; for an"
                    + " object use: bpftime disasm " + source);
        }
    }

    static void print(byte[] code, List<Instruction> program, PrintWriter out) {
        int slots = code.length / InstructionDecoder.SLOT_BYTES;
        int slotWidth = Integer.toString(Math.max(0, slots - 1)).length();
        int widest = program.stream().mapToInt(Instruction::width).max().orElse(1);
        int bytesWidth = widest * InstructionDecoder.SLOT_BYTES * 3 - 1;
        int slot = 0;
        for (Instruction insn : program) {
            String raw = HexText.format(code, slot * InstructionDecoder.SLOT_BYTES,
                    insn.width() * InstructionDecoder.SLOT_BYTES);
            out.println(String.format("%" + slotWidth + "d: %-" + bytesWidth + "s  %s",
                    slot, raw, InstructionFields.describe(insn)).stripTrailing());
            slot += insn.width();
        }
    }
}
