package dev.bpftime.isa.asm;

import java.util.HexFormat;

/** Test helper: "0f 21 00 ..." to bytes and back. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    static String spaced(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
