package dev.bpftime.isa;

/**
 * One line of a program written with {@link Asm}: an instruction, a label, or an instruction whose
 * jump distance {@link Asm#assemble} fills in from a label.
 */
public sealed interface AsmItem permits Instruction, AsmItem.Label, AsmItem.LabelRef {

    /** Marks the slot of the next instruction. */
    record Label(String name) implements AsmItem {
    }

    /** A branch, gotol or local call whose distance is the label's slot minus the next slot. */
    record LabelRef(Instruction template, String label) implements AsmItem {
    }
}
