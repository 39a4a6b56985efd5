package dev.bpftime.jit;

import dev.bpftime.jit.x86.CodeBuffer;
import dev.bpftime.jit.x86.Label;
import dev.bpftime.jit.x86.X86Assembler;
import java.util.ArrayList;
import java.util.List;

/** The state of one emission pass, shared by the emitters: assembler, labels and relocations. */
final class CodeGen {

    final ProgramAnalysis program;
    final Peepholes peepholes;
    final JitOptions options;
    final CodeBuffer buffer;
    final X86Assembler asm;
    final List<Relocation> relocations = new ArrayList<>();
    /** Where the C entry restores the caller's registers and returns r0; also where unwinding lands. */
    final Label entryExit = new Label();
    /** The offset of the main program's body, where tail calls enter. */
    int tailCallEntry = -1;

    private final Label[] insnLabels;
    private final Label[] subprogramLabels;
    private final Label[] epilogueLabels;

    CodeGen(ProgramAnalysis program, Peepholes peepholes, JitOptions options, CodeBuffer buffer) {
        this.program = program;
        this.peepholes = peepholes;
        this.options = options;
        this.buffer = buffer;
        this.asm = new X86Assembler(buffer);
        int n = program.insns.size();
        insnLabels = new Label[n + 1];
        for (int i = 0; i <= n; i++) {
            if (program.jumpTarget[i] || peepholes.needsLabel[i]) {
                insnLabels[i] = new Label();
            }
        }
        int subs = program.subprograms.size();
        subprogramLabels = new Label[subs];
        epilogueLabels = new Label[subs];
        for (int s = 0; s < subs; s++) {
            subprogramLabels[s] = new Label();
            epilogueLabels[s] = new Label();
        }
    }

    /** The label of instruction {@code index}, which must be a jump target or a jump table entry. */
    Label insnLabel(int index) {
        return insnLabels[index];
    }

    /** Binds the label of instruction {@code index} here when something jumps to it. */
    void bindInsn(int index) {
        if (insnLabels[index] != null) {
            asm.bind(insnLabels[index]);
        }
    }

    Label subprogramLabel(int number) {
        return subprogramLabels[number];
    }

    Label epilogueLabel(int number) {
        return epilogueLabels[number];
    }

    int slotOf(int index) {
        return program.slotOf[index];
    }

    void relocate(int codeOffset, Relocation.Kind kind, int key, long addend, int index) {
        relocations.add(new Relocation(codeOffset, kind, key, addend, slotOf(index)));
    }
}
