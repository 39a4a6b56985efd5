package dev.bpftime.jit.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * Branch forms across emission passes when padding can make a later pass longer: a short branch that no
 * longer reaches marks the pass overflowed and stays long in every later pass; inserted padding moves
 * what follows it.
 */
class CodeBufferTest {

    /** A forward jmp over {@code gap} bytes, in the pass given the previous distances and forced forms. */
    private static CodeBuffer pass(int[] previous, BitSet forcedLong, int gap) {
        CodeBuffer b = previous == null ? new CodeBuffer() : new CodeBuffer(previous, forcedLong);
        X86Assembler asm = new X86Assembler(b);
        Label target = new Label();
        asm.jmp(target);
        for (int i = 0; i < gap; i++) {
            b.emit8(0x90);
        }
        asm.bind(target);
        b.resolve();
        return b;
    }

    @Test
    void aShortBranchThatNoLongerReachesOverflowsAndStaysLong() {
        CodeBuffer grown = pass(new int[] {100}, new BitSet(), 130);
        assertTrue(grown.overflowed());
        assertTrue(grown.forcedLong().get(0));
        CodeBuffer next = pass(new int[] {100}, grown.forcedLong(), 100);
        assertFalse(next.overflowed());
        assertEquals(0xe9, next.toByteArray()[0] & 0xff, "the long jmp form");
        CodeBuffer fits = pass(new int[] {100}, new BitSet(), 100);
        assertFalse(fits.overflowed());
        assertEquals(0xeb, fits.toByteArray()[0] & 0xff, "the short jmp form");
    }

    @Test
    void insertedBytesMoveWhatFollowsAndALabelThereNamesThem() {
        CodeBuffer b = new CodeBuffer();
        X86Assembler asm = new X86Assembler(b);
        Label here = new Label();
        b.emit8(0x01);
        asm.bind(here);
        b.emit8(0x02);
        b.emit8(0x03);
        b.insert(1, X86Assembler.nops(2));
        assertArrayEquals(new byte[] {0x01, 0x66, (byte) 0x90, 0x02, 0x03}, b.toByteArray());
        assertEquals(1, here.position());
    }

    @Test
    void insertRefusesToMoveAPendingDisplacement() {
        CodeBuffer b = new CodeBuffer();
        X86Assembler asm = new X86Assembler(b);
        Label later = new Label();
        asm.jmp(later);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.insert(0, new byte[] {0}));
        assertTrue(e.getMessage().startsWith("insert at 0 would move the fixup at 1"), e.getMessage());
    }
}
