package dev.bpftime.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random instruction streams: the loader refuses them or they load; loaded ones run in
 * bounds-checking mode with an instruction limit and end with r0 or a VmException, never a crash
 * of the JVM or a hang. Opcodes are drawn mostly from the valid ones so that many programs run.
 */
class CheckedModeFuzzTest {

    private static final int PROGRAMS = 20_000;
    private static final long SEED = 0x5eed_b9f7L;

    private static final int[] VALID = {
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94,
        0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc, 0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47,
        0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
        0x05, 0x06, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d, 0xa5, 0xad,
        0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e,
        0x76, 0x7e, 0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde, 0x85, 0x8d, 0x95,
        0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xc3, 0xdb, 0x18,
    };
    private static final int[] ATOMIC_IMMS = {0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1};

    /** Mostly well-formed fields for the opcode, sometimes anything: many programs load, some do not. */
    private static byte[] randomProgram(Random rnd) {
        int slots = 2 + rnd.nextInt(30);
        ByteBuffer b = ByteBuffer.allocate(slots * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < slots - 1; i++) {
            boolean wild = rnd.nextInt(50) == 0;
            int opcode = wild ? rnd.nextInt(256) : VALID[rnd.nextInt(VALID.length)];
            int cls = opcode & 7;
            int dst = rnd.nextInt(wild ? 16 : 10);
            int src = rnd.nextInt(wild ? 16 : 11);
            int off = 0;
            int imm = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(65) - 32;
            int relative = rnd.nextInt(slots) - (i + 1);
            if (cls == 4 || cls == 7) {
                int op = opcode & 0xf0;
                if (op == 0x30 || op == 0x90) {
                    off = rnd.nextInt(2);
                } else if (op == 0xb0 && (opcode & 8) != 0) {
                    off = new int[] {0, 8, 16, 32}[rnd.nextInt(cls == 7 ? 4 : 3)];
                } else if (op == 0xd0) {
                    imm = new int[] {16, 32, 64}[rnd.nextInt(3)];
                }
            } else if (cls == 5 || cls == 6) {
                off = relative;
                if (opcode == 0x06) {
                    off = 0;
                    imm = relative;
                } else if (opcode == 0x85) {
                    src = rnd.nextInt(2);
                    imm = src == 1 ? relative : new int[] {1, 12, 7}[rnd.nextInt(3)];
                    dst = 0;
                } else if (opcode == 0x95 || opcode == 0x05) {
                    dst = 0;
                    src = 0;
                }
            } else if (opcode == 0x18) {
                if (i + 2 >= slots) {
                    opcode = 0xb7;
                } else {
                    src = 0;
                    b.put((byte) opcode).put((byte) dst).putShort((short) 0).putInt(imm);
                    b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(rnd.nextInt());
                    i++;
                    continue;
                }
            } else {
                // loads and stores: mostly through r1 (the 64-byte memory) or r10, near their bounds
                int base = rnd.nextBoolean() ? 1 : 10;
                off = base == 1 ? rnd.nextInt(80) - 8 : -rnd.nextInt(530);
                if (cls == 1) {
                    src = base;
                    imm = 0;
                } else {
                    dst = base;
                }
                if (opcode == 0xc3 || opcode == 0xdb) {
                    imm = ATOMIC_IMMS[rnd.nextInt(ATOMIC_IMMS.length)];
                }
            }
            if (wild) {
                off = rnd.nextInt(65536) - 32768;
            }
            b.put((byte) opcode).put((byte) (src << 4 | dst)).putShort((short) off).putInt(imm);
        }
        b.put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0);
        return b.array();
    }

    @Test
    void randomProgramsAreRefusedOrEndCleanly() {
        Random rnd = new Random(SEED);
        Map<VmStatus, Integer> outcomes = new EnumMap<>(VmStatus.class);
        byte[] memory = new byte[64];
        for (int n = 0; n < PROGRAMS; n++) {
            byte[] code = randomProgram(rnd);
            VmStatus outcome;
            try (Interpreter vm = Interpreter.load(code)) {
                vm.setBoundsChecking(true);
                vm.setInstructionLimit(2_000);
                vm.registerHelper(1, (a, b, c, d, e) -> a ^ e);
                vm.setTailCallHook((array, index) -> null);
                try {
                    vm.run(memory);
                    outcome = VmStatus.OK;
                } catch (VmException e) {
                    outcome = e.status();
                    assertTrue(e.getMessage().startsWith("at instruction " + e.instruction()), e.getMessage());
                }
            } catch (VmException e) {
                assertEquals(VmStatus.REFUSED, e.status(), e.getMessage());
                outcome = VmStatus.REFUSED;
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        System.out.println("checked-mode fuzz: " + PROGRAMS + " programs, outcomes " + outcomes);
        assertTrue(outcomes.getOrDefault(VmStatus.OK, 0) > PROGRAMS / 10, "too few programs ran to their exit: "
                + outcomes);
        assertTrue(outcomes.getOrDefault(VmStatus.REFUSED, 0) > 0, "nothing was refused: " + outcomes);
        assertTrue(outcomes.getOrDefault(VmStatus.LOAD_OUT_OF_BOUNDS, 0)
                + outcomes.getOrDefault(VmStatus.STORE_OUT_OF_BOUNDS, 0) > 0, "no access was stopped: " + outcomes);
    }
}
