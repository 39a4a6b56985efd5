package dev.bpftime.isa.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of bad input gets an AssemblyException naming the line and saying what was wrong. */
class AssemblerErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # source (\\n between lines)  | line | message fragment
            ldxq %r0, %r1                 | 1 | Invalid mnemonic: actual 'ldxq' vs expected a known mnemonic (similar: ldxb, ldxdw, ldxh
            frobnicate                    | 1 | Invalid mnemonic: actual 'frobnicate' vs expected a known mnemonic
            MOV %r0, 1                    | 1 | Invalid mnemonic: actual 'MOV'
            add64 %r0, 1                  | 1 | Invalid mnemonic: actual 'add64'
            exit\\nmov %r0                | 2 | Invalid number of operands for mov: actual 1 vs expected 2 (mov DST, SRC|IMM)
            mov %r0 1                     | 1 | Invalid number of operands for mov: actual 1 vs expected 2
            exit %r0                      | 1 | Invalid number of operands for exit: actual 1 vs expected 0
            neg %r1, 2                    | 1 | Invalid number of operands for neg: actual 2 vs expected 1 (neg DST)
            jeq %r1, 0                    | 1 | Invalid number of operands for jeq: actual 2 vs expected 3 (jeq DST, SRC|IMM, TARGET)
            lddw %r0                      | 1 | Invalid number of operands for lddw: actual 1 vs expected 2 (lddw DST, IMM64)
            be16 %r0, 16                  | 1 | Invalid number of operands for be16: actual 2 vs expected 1
            mov %r0,, 1                   | 1 | Invalid operand: actual nothing as operand 2
            `mov %r0, 1,`                 | 1 | Invalid operand: actual nothing as operand 3
            lock                          | 1 | Invalid number of operands for lock: actual 0 vs expected 3 (lock [fetch] OP [DST+OFF], SRC)
            lock or [%r10-8]              | 1 | Invalid number of operands for lock: actual 2 vs expected 3
            lock fetch                    | 1 | Invalid number of operands for lock: actual 0 vs expected 3
            lock nand [%r10-8], %r1       | 1 | Invalid atomic operation: actual 'nand' vs expected one of add, add32, and, and32, cmpxchg
            lock add [%r10-8], 5          | 1 | Invalid register: actual '5' vs expected %r0..%r10
            lock add %r10, %r1            | 1 | Failed to decode register and offset: actual '%r10'
            mov %r11, 1                   | 1 | Invalid register: actual '%r11' vs expected %r0..%r10
            mov %r0, %r15                 | 1 | Invalid register: actual '%r15'
            mov %r50, 1                   | 1 | Invalid register: actual '%r50'
            mov r0, 1                     | 1 | Invalid register: actual 'r0'
            mov %r01, 1                   | 1 | Invalid register: actual '%r01'
            mov %r0, r1                   | 1 | Invalid immediate: actual 'r1' vs expected a decimal or 0x-prefixed hex number
            mov %r0, 12abc                | 1 | Invalid immediate: actual '12abc'
            mov %r0, 0x                   | 1 | Invalid immediate: actual '0x'
            mov %r0, 2147483648           | 1 | Immediate out of 32-bit range: actual 2147483648 vs expected -2147483648..2147483647 or 0x0..0xffffffff
            mov %r0, -2147483649          | 1 | Immediate out of 32-bit range: actual -2147483649
            mov32 %r0, 0x100000000        | 1 | Immediate out of 32-bit range: actual 0x100000000
            mov %r0, -0x80000001          | 1 | Immediate out of 32-bit range: actual -0x80000001
            stw [%r10-4], 99999999999999999999999 | 1 | Immediate out of 32-bit range: actual 99999999999999999999999
            lddw %r0, 0x10000000000000000 | 1 | Immediate out of 64-bit range: actual 0x10000000000000000
            lddw %r0, 18446744073709551616 | 1 | Immediate out of 64-bit range
            lddw %r0, -9223372036854775809 | 1 | Immediate out of 64-bit range
            ldxb %r0, %r1                 | 1 | Failed to decode register and offset: actual '%r1' vs expected [%rN], [%rN+OFF] or [%rN-OFF]
            ldxb %r0, [%r1+]              | 1 | Failed to decode register and offset: actual '[%r1+]'
            ldxb %r0, [%r1                | 1 | Failed to decode register and offset: actual '[%r1'
            ldxb %r0, [%r1*2]             | 1 | Failed to decode register and offset: actual '[%r1*2]'
            ldxb %r0, [%r11+2]            | 1 | Invalid register: actual '%r11'
            ldxb %r0, [%r1+0x10000]       | 1 | Offset out of 16-bit range: actual +0x10000 vs expected -32768..32767
            stxb [%r1-32769], %r2         | 1 | Offset out of 16-bit range: actual -32769
            ldxb %r0, [%r1+x]             | 1 | Invalid offset: actual '+x'
            ja 5                          | 1 | Invalid jump target: actual '5' vs expected a label, +N or -N
            ja +32768                     | 1 | Offset out of 16-bit range: actual +32768
            jeq %r1, 0, +0x8000           | 1 | Offset out of 16-bit range: actual +0x8000
            ja32 +2147483648              | 1 | Jump distance out of 32-bit range: actual +2147483648
            mov %r0, 0\\n\\njne %r0, 1, nope\\nexit | 3 | Invalid label: actual 'nope' vs expected a label defined in the program [exit (the first exit)]
            L1:\\nja L2                   | 2 | Invalid label: actual 'L2' vs expected a label defined in the program [L1]
            call                          | 1 | Invalid number of operands for call: actual 0 vs expected 1
            call far 5                    | 1 | Invalid call mode: actual 'far' vs expected helper, local or runtime
            call local 1 2                | 1 | Invalid number of operands for call: actual 3 words vs expected 1 or 2
            call local 5                  | 1 | Invalid jump target: actual '5'
            call %r11                     | 1 | Invalid register: actual '%r11'
            call runtime %r1              | 1 | Invalid immediate: actual '%r1'
            movsx864 %r0, 5               | 1 | Invalid source of movsx: actual '5' vs expected a register %r0..%r10
            L:\\nexit\\nL:                | 3 | Duplicate label: actual 'L' defined again vs expected one definition (first at line 1)
            1x:                           | 1 | Invalid label name: actual '1x'
            """)
    void badInputIsNamed(String source, int line, String fragment) {
        AssemblyException e = assertThrows(AssemblyException.class,
                () -> Assembler.assemble(source.replace("\\n", "\n")));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.reason().contains(fragment), () -> "actual '" + e.reason() + "' vs expected it to contain '"
                + fragment + "'");
        assertEquals("line " + line + ": " + e.reason(), e.getMessage());
    }

    @Test
    void aLabelTooFarForAnOffsetIsRefusedButJa32ReachesIt() {
        List<String> lines = new ArrayList<>();
        lines.add("ja far");
        lines.add("ja32 far");
        for (int i = 0; i < 40_000; i++) {
            lines.add("mov %r0, 0");
        }
        lines.add("far:");
        lines.add("exit");
        AssemblyException e = assertThrows(AssemblyException.class, () -> Assembler.assemble(lines, 1));
        assertEquals(1, e.line());
        assertTrue(e.reason().startsWith("Jump offset out of 16-bit range: actual 40001 slots to 'far' vs expected "
                + "-32768..32767"), e.reason());

        lines.remove(0);
        assertEquals(40_000, Assembler.assemble(lines, 1).get(0).imm32());
    }
}
