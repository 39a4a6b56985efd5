package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Tags of "r0 = 0; exit" as kernels report them in bpf_prog_info.tag. The SHA-256 one is what Linux
 * 6.18.44 reported on the development machine (the C differential cases compare it live whenever they
 * run as root); the SHA-1 one is the first 8 bytes of SHA-1 of the same 16 bytes, as Python's hashlib
 * computes it, which is what kernels before 6.18 report.
 */
class ProgTagTest {

    private static final byte[] RET0 = HexFormat.of().parseHex("b700000000000000" + "9500000000000000");

    @Test
    void tagsOfTheSmallestProgram() {
        assertEquals("59f4a931744dcdc6", HexFormat.of().formatHex(ProgTag.of(RET0, ProgTag.Algorithm.SHA256)));
        assertEquals("a04f5eef06a7f555", HexFormat.of().formatHex(ProgTag.of(RET0, ProgTag.Algorithm.SHA1)));
    }

    @Test
    void mapFdsDoNotChangeTheTag() {
        byte[] a = HexFormat.of().parseHex("1811000003000000" + "0000000000000000" + "9500000000000000");
        byte[] b = HexFormat.of().parseHex("1811000009000000" + "0000000011000000" + "9500000000000000");
        byte[] plain = HexFormat.of().parseHex("1801000003000000" + "0000000000000000" + "9500000000000000");
        assertEquals(HexFormat.of().formatHex(ProgTag.of(a, ProgTag.Algorithm.SHA256)),
                HexFormat.of().formatHex(ProgTag.of(b, ProgTag.Algorithm.SHA256)));
        assertEquals(false, HexFormat.of().formatHex(ProgTag.of(a, ProgTag.Algorithm.SHA256))
                .equals(HexFormat.of().formatHex(ProgTag.of(plain, ProgTag.Algorithm.SHA256))));
    }

    @Test
    void theAlgorithmFollowsTheKernelRelease() {
        assertEquals(ProgTag.Algorithm.SHA1, ProgTag.Algorithm.forKernelRelease("6.1.0-28-amd64"));
        assertEquals(ProgTag.Algorithm.SHA1, ProgTag.Algorithm.forKernelRelease("6.17.9"));
        assertEquals(ProgTag.Algorithm.SHA256, ProgTag.Algorithm.forKernelRelease("6.18.44-fc-v657"));
        assertEquals(ProgTag.Algorithm.SHA256, ProgTag.Algorithm.forKernelRelease("7.0"));
        assertEquals(ProgTag.Algorithm.SHA1, ProgTag.Algorithm.forKernelRelease("5.15.0"));
    }
}
