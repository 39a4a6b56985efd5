package dev.bpftime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HexTextTest {

    private static final byte[] EXIT = {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0};

    @Test
    void acceptsSpacedPackedPrefixedAndCommaSeparatedBytes() {
        assertArrayEquals(EXIT, HexText.parse("95 00 00 00 00 00 00 00"));
        assertArrayEquals(EXIT, HexText.parse("9500000000000000"));
        assertArrayEquals(EXIT, HexText.parse("\n 95000000\t00000000 \n"));
        assertArrayEquals(EXIT, HexText.parse("0x95, 0x00,0x00, 0X00, 0x00 0x00 0x00 0x00"));
        assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, HexText.parse("AbcD"));
        assertArrayEquals(new byte[0], HexText.parse("  "));
    }

    @Test
    void refusesANonHexCharacterNamingItsPosition() {
        CliException e = assertThrows(CliException.class, () -> HexText.parse("95 0g"));
        assertEquals("hex text at character 5 (in \"0g\"): actual 'g' vs expected a hex digit", e.getMessage());
    }

    @Test
    void refusesHalfBytesRatherThanMergingTokens() {
        CliException e = assertThrows(CliException.class, () -> HexText.parse("0x9 0x5"));
        assertEquals("hex text at character 1 (\"0x9\"): actual 1 hex digit vs expected whole bytes, two digits each",
                e.getMessage());
        assertThrows(CliException.class, () -> HexText.parse("0x"));
    }

    @Test
    void formatIsTheInverseOfParse() {
        byte[] bytes = {0x18, 0x12, (byte) 0xf8, (byte) 0xff, 0, 1, 2, 3};
        assertEquals("18 12 f8 ff 00 01 02 03", HexText.format(bytes, 0, bytes.length));
        assertEquals("f8 ff", HexText.format(bytes, 2, 2));
        assertArrayEquals(bytes, HexText.parse(HexText.format(bytes, 0, bytes.length)));
    }
}
