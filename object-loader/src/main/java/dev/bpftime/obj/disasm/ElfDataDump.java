package dev.bpftime.obj.disasm;

/**
 * How llvm-objdump shows a run of an executable section that only data symbols (STT_OBJECT, STT_COMMON)
 * label (dumpELFData): eight bytes a line in hex, then the printable ones as text.
 */
final class ElfDataDump {

    private ElfDataDump() {
    }

    static void append(StringBuilder out, long sectionAddress, int from, int end, byte[] bytes) {
        for (int lineStart = from; lineStart < end; lineStart += 8) {
            int lineEnd = Math.min(end, lineStart + 8);
            out.append(String.format("%8x:", sectionAddress + lineStart));
            StringBuilder ascii = new StringBuilder();
            for (int i = lineStart; i < lineEnd; i++) {
                int b = bytes[i] & 0xff;
                out.append(String.format(" %02x", b));
                ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            out.append(" ".repeat(3 * (8 - (lineEnd - lineStart)))).append("         ").append(ascii).append('\n');
        }
    }
}
