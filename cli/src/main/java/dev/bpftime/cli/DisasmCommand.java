package dev.bpftime.cli;

import dev.bpftime.obj.disasm.ObjectDisassembler;
import dev.bpftime.obj.elf.ObjectFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bpftime disasm}: the listing llvm-objdump -d prints for a BPF object, character for character. */
@Command(name = "disasm", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"Disassemble a BPF ELF object: the same text as 'llvm-objdump -d FILE' (LLVM 19),",
                "or, with --section, as 'llvm-objdump -d --section=NAME FILE'."},
        footer = {"", "Example:", "  bpftime disasm opensnoop.bpf.o --section tracepoint/syscalls/sys_enter_openat"})
public final class DisasmCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a BPF ELF object (.o)")
    private String file;

    @Option(names = {"-j", "--section"}, paramLabel = "NAME", description = "only the section of this name")
    private String section;

    @Override
    public Integer call() {
        // objdump prints the file name as given, so the listing uses it unchanged.
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new CliException(file + ": is a directory, not a BPF object");
        }
        List<String> warnings = new ArrayList<>();
        ObjectDisassembler.Disassembly listing;
        try {
            listing = ObjectDisassembler.disassemble(path, section, warnings);
        } catch (NoSuchFileException e) {
            throw new CliException(file + ": no such file", e);
        } catch (IOException e) {
            throw new CliException(file + ": cannot read: " + e.getMessage(), e);
        } catch (ObjectFormatException e) {
            throw new CliException(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(listing.text());
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        for (String w : listing.warnings()) {
            err.println("bpftime: warning: " + w);
        }
        return Main.EXIT_OK;
    }
}
