package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bpftime.compat.posix.Errno;
import dev.bpftime.compat.syscall.BpfException;
import dev.bpftime.compat.syscall.FakeCaller;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One program per refusal, in raw little-endian slots, with the kernel's errno and message. The
 * messages are the kernel's (kernel/bpf/verifier.c); the C differential cases compare the common ones
 * with a live kernel.
 */
class StructuralCheckTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            jump out of range    | 0500050000000000 9500000000000000                                   | 22 | jump out of range from insn 0 to 6
            gotol out of range   | 0600000005000000 9500000000000000                                   | 22 | jump out of range from insn 0 to 6
            backward out         | 0500feff00000000 9500000000000000                                   | 22 | jump out of range from insn 0 to -1
            last not exit        | b700000000000000                                                    | 22 | last insn is not an exit or jmp
            unknown opcode       | b700000000000000 ff00000000000000 9500000000000000                  | 22 | unknown opcode ff
            unreachable          | b700000000000000 9500000000000000 b700000000000000 9500000000000000 | 22 | unreachable insn 2
            lddw missing half    | b700000000000000 1800000001000000 9500000000000000                  | 22 | invalid bpf_ld_imm64 insn
            into lddw            | 1800000001000000 0000000000000000 1500feff00000000 9500000000000000 | 22 | jump into the middle of ldimm64 insn 0
            call out of range    | 8510000032000000 9500000000000000                                   | 22 | call to invalid destination
            ldx reserved         | 6110000003000000 9500000000000000                                   | 22 | BPF_LDX uses reserved fields
            lddw unknown src     | 1890000000000000 0000000000000000 9500000000000000                  | 22 | unrecognized bpf_ld_imm64 insn
            map fd not open      | 1810000084030000 0000000000000000 b700000000000000 9500000000000000 | 9  | fd 900 is not pointing to valid bpf_map
            map fd not a map     | 1810000007000000 0000000000000000 b700000000000000 9500000000000000 | 22 | fd 7 is not pointing to valid bpf_map
            map idx no fd_array  | 1850000000000000 0000000000000000 b700000000000000 9500000000000000 | 71 | fd_idx without fd_array is invalid
            helper 0             | 8500000000000000 9500000000000000                                   | 22 | program of this type cannot use helper bpf_unspec#0
            helper too big       | 850000000f270000 9500000000000000                                   | 22 | invalid func unknown#9999
            helper past the last | 85000000d4000000 9500000000000000                                   | 22 | invalid func unknown#212
            helper not here      | 850000001a000000 9500000000000000                                   | 22 | program of this type cannot use helper bpf_skb_load_bytes#26
            kfunc                | 8520000001000000 9500000000000000                                   | 22 | calling kernel functions (kfuncs) is not supported by bpftime
            bad register         | bf0b000000000000 9500000000000000                                   | 22 | insn 0: bad register in dst: actual r11 vs expected r0..r10
            """)
    void refusals(String name, String hex, int errno, String message) {
        FakeCaller caller = new FakeCaller();
        caller.openOther(7, "pipe:[1]");
        byte[] insns = HexFormat.of().parseHex(hex.replace(" ", ""));
        BpfException e = assertThrows(BpfException.class, () -> StructuralCheck.run(insns, caller, 0));
        assertEquals(message, e.reason());
        assertEquals(errno, e.errno(), Errno.name(e.errno()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            return 0             | b700000000000000 9500000000000000                                                    | 2 | 0
            bounded loop         | b700000000000000 0700000001000000 250001000a000000 0500fdff00000000 9500000000000000 | 5 | 0
            lddw counts once     | 1800000088776655 0000000044332211 7700000020000000 9500000000000000                 | 3 | 0
            local call           | 8510000001000000 9500000000000000 b700000000000000 9500000000000000                 | 4 | 0
            stack store          | 7a0af8ff01000000 b700000000000000 9500000000000000                                   | 3 | 8
            helper 1             | 8500000001000000 9500000000000000                                                    | 2 | 0
            """)
    void accepted(String name, String hex, int reachable, int stackDepth) throws BpfException {
        byte[] insns = HexFormat.of().parseHex(hex.replace(" ", ""));
        StructuralCheck.Checked c = StructuralCheck.run(insns, new FakeCaller(), 0);
        assertEquals(reachable, c.reachable());
        assertEquals(stackDepth, c.stackDepth());
    }
}
