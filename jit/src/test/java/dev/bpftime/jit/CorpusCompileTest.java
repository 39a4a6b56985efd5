package dev.bpftime.jit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpftime.isa.CallKind;
import dev.bpftime.isa.DecodeException;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.InstructionDecoder;
import dev.bpftime.isa.InstructionEncoder;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.obj.elf.Elf;
import dev.bpftime.obj.elf.ElfFile;
import dev.bpftime.obj.elf.ElfSymbol;
import dev.bpftime.obj.elf.ObjectFormatException;
import dev.bpftime.obj.elf.Relocation;
import dev.bpftime.obj.elf.SectionHeader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every program of the shared corpus of real BPF objects (../shared/corpus/ebpf-samples: Linux samples,
 * Cilium, Falco, Open vSwitch, ...) through the compiler: it must compile or be refused with a
 * {@link JitException}, never fail otherwise. Refusals are counted by reason: the instructions a userspace
 * runtime has no meaning for, and calls a loader would have to resolve first. Calls into .text are
 * linked the way libbpf does (the callee at {@code symbol offset / 8 + imm + 1}, bpf_object__reloc_code), so
 * subprograms are compiled too. Map references stay plain lddw constants: nothing runs here.
 */
class CorpusCompileTest {

    @Test
    void everyProgramCompilesOrIsRefusedForADocumentedReason() throws IOException {
        Path corpus = corpus();
        List<Path> objects;
        try (Stream<Path> walk = Files.walk(corpus)) {
            objects = walk.filter(p -> p.toString().endsWith(".o"))
                    .filter(p -> !corpus.relativize(p).startsWith("invalid")).sorted().toList();
        }
        assertTrue(objects.size() > 100, "objects in " + corpus + ": " + objects.size());
        JitCompiler compiler = new JitCompiler();
        int compiled = 0;
        int unreadable = 0;
        long instructions = 0;
        long codeBytes = 0;
        long nanos = 0;
        Map<String, Integer> refusals = new TreeMap<>();
        for (Path object : objects) {
            ElfFile elf;
            try {
                elf = ElfFile.read(object);
            } catch (ObjectFormatException e) {
                unreadable++; // e.g. e_machine 0 of old LLVM: the object loader's question, not the JIT's
                continue;
            }
            for (SectionHeader s : elf.sections()) {
                if (!s.isExecutable() || s.size() == 0 || elf.sectionName(s).equals(".text")) {
                    continue;
                }
                String where = corpus.relativize(object) + " " + elf.sectionName(s);
                List<Instruction> program;
                try {
                    program = linkText(elf, s);
                } catch (DecodeException e) {
                    refusals.merge("not decodable", 1, Integer::sum);
                    continue;
                } catch (Unlinkable e) {
                    refusals.merge("calls an undefined function (libbpf cannot load it either)", 1, Integer::sum);
                    continue;
                }
                try {
                    long t = System.nanoTime();
                    JitImage image = compiler.compile(program);
                    nanos += System.nanoTime() - t;
                    compiled++;
                    instructions += program.size();
                    codeBytes += image.code().length;
                } catch (JitException e) {
                    refusals.merge(reason(e), 1, Integer::sum);
                } catch (RuntimeException e) {
                    throw new AssertionError(where + ": the compiler failed instead of refusing", e);
                }
            }
        }
        System.out.printf("corpus: %d programs compiled (%d instructions, %d bytes of x86-64, %.0f ns per instruction"
                + " in a cold JVM); refused: %s; %d objects the ELF reader refuses%n", compiled, instructions,
                codeBytes, (double) nanos / instructions, refusals, unreadable);
        assertTrue(compiled > 300, "programs compiled: " + compiled);
    }

    /** "at instruction 7: kfunc calls are not supported: ..." gives "kfunc calls are not supported". */
    private static String reason(JitException e) {
        String m = e.getMessage().replaceFirst("^at instruction \\d+: ", "");
        int colon = m.indexOf(':');
        return (colon < 0 ? m : m.substring(0, colon)).replaceAll("0x[0-9a-f]+|\\d+", "N");
    }

    /** A program that calls a function defined nowhere in its object. */
    private static final class Unlinkable extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** A program section with .text appended when it calls into it, its calls pointed at the callees. */
    private static List<Instruction> linkText(ElfFile elf, SectionHeader section) {
        ByteOrder order = elf.order();
        byte[] bytes = elf.contents(section);
        List<Instruction> program = new ArrayList<>(InstructionDecoder.decode(bytes, 0, bytes.length, order));
        Optional<SectionHeader> text = elf.sectionsNamed(".text").stream().findFirst();
        List<Relocation> calls = callRelocations(elf, section);
        if (text.isEmpty() || calls.isEmpty()) {
            retarget(elf, program, calls, 0, InstructionEncoder.slotCount(program));
            return program;
        }
        byte[] textBytes = elf.contents(text.get());
        int textBase = bytes.length / 8;
        List<Instruction> textInsns = InstructionDecoder.decode(textBytes, 0, textBytes.length, order);
        List<Instruction> linked = new ArrayList<>(program);
        linked.addAll(textInsns);
        retarget(elf, linked, calls, 0, textBase);
        retarget(elf, linked, callRelocations(elf, text.get()), textBase, textBase);
        return linked;
    }

    /** Relocations of pseudo calls in {@code section} against symbols in .text. */
    private static List<Relocation> callRelocations(ElfFile elf, SectionHeader section) {
        List<Relocation> out = new ArrayList<>();
        for (SectionHeader rel : elf.sections()) {
            if (rel.type() == Elf.SHT_REL && elf.relocatedSection(rel).index() == section.index()) {
                out.addAll(elf.relocations(rel));
            }
        }
        return out;
    }

    /**
     * Points each relocated pseudo call of the section starting at slot {@code base} at its callee in the
     * appended .text; other relocations (maps, globals) are left alone.
     */
    private static void retarget(ElfFile elf, List<Instruction> linked, List<Relocation> relocations, int base,
            int textBase) {
        SectionHeader symtab = elf.symbolTable().orElseThrow();
        int[] indexOfSlot = slotIndex(linked);
        for (Relocation r : relocations) {
            int slot = base + (int) (r.offset() / 8);
            if (slot >= indexOfSlot.length || indexOfSlot[slot] < 0) {
                continue;
            }
            int index = indexOfSlot[slot];
            Instruction call = linked.get(index);
            if (!call.opcode().equals(Opcode.CALL) || call.callKind() != CallKind.LOCAL) {
                continue;
            }
            ElfSymbol sym = elf.symbol(symtab, r.symbolIndex());
            Optional<SectionHeader> in = elf.symbolSection(sym);
            if (in.isEmpty()) {
                throw new Unlinkable(); // such as memset the compiler called but nothing defines
            }
            if (!elf.sectionName(in.get()).equals(".text")) {
                continue;
            }
            long callee = textBase + sym.value() / 8 + call.imm32() + 1;
            linked.set(index, new Instruction(call.opcode(), call.dst(), Register.of(CallKind.LOCAL.code()),
                    call.offset(), callee - (slot + 1)));
        }
    }

    private static int[] slotIndex(List<Instruction> program) {
        int[] out = new int[InstructionEncoder.slotCount(program)];
        java.util.Arrays.fill(out, -1);
        int slot = 0;
        for (int i = 0; i < program.size(); i++) {
            out[slot] = i;
            slot += program.get(i).width();
        }
        return out;
    }

    private static Path corpus() {
        String shared = System.getProperty("bpftime.shared");
        if (shared == null) {
            fail("system property bpftime.shared is not set: run the tests through Maven (surefire passes it)");
        }
        Path dir = Path.of(shared, "corpus", "ebpf-samples");
        if (!Files.isDirectory(dir)) {
            fail("the shared corpus is missing: actual no directory " + dir + " vs expected ebpf-samples there");
        }
        return dir;
    }
}
