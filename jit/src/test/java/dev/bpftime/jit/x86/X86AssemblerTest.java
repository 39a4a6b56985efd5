package dev.bpftime.jit.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The encoder against binutils' disassembler: each instruction form with every register (and every base
 * register and displacement size for memory operands), disassembled by objdump and compared with the
 * AT&T text it should read as. This catches REX, ModRM, SIB and displacement mistakes for the registers
 * that encode specially (rsp and r12 need a SIB, rbp and r13 a displacement, spl..dil a REX).
 */
class X86AssemblerTest {

    private static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
        "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
        "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
    private static final String[] R8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
        "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
    private static final int[] DISPS = {0, 1, -1, 127, -128, 128, -129, 0x7fffffff, -0x80000000};

    private final CodeBuffer buf = new CodeBuffer();
    private final X86Assembler asm = new X86Assembler(buf);
    private final List<String> expected = new ArrayList<>();

    private void add(String text, Consumer<X86Assembler> emit) {
        emit.accept(asm);
        expected.add(text);
    }

    private static String r(Reg r, OpSize size) {
        return "%" + switch (size) {
            case QWORD -> R64[r.number()];
            case DWORD -> R32[r.number()];
            case WORD -> R16[r.number()];
            case BYTE -> R8[r.number()];
        };
    }

    private static String hex(long v) {
        return (v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v));
    }

    private static String mem(Reg base, int disp) {
        String d = disp == 0 && base != Reg.RBP && base != Reg.R13 ? "" : hex(disp);
        return d + "(%" + R64[base.number()] + ")";
    }

    @Test
    void registerToRegisterForms() throws Exception {
        for (Reg a : Reg.values()) {
            for (Reg b : Reg.values()) {
                add("mov " + r(b, OpSize.QWORD) + "," + r(a, OpSize.QWORD), x -> x.mov(OpSize.QWORD, a, b));
                add("mov " + r(b, OpSize.DWORD) + "," + r(a, OpSize.DWORD), x -> x.mov(OpSize.DWORD, a, b));
                add("mov " + r(b, OpSize.BYTE) + "," + r(a, OpSize.BYTE), x -> x.mov(OpSize.BYTE, a, b));
                add("add " + r(b, OpSize.QWORD) + "," + r(a, OpSize.QWORD), x -> x.arith(ArithOp.ADD, OpSize.QWORD, a, b));
                add("sub " + r(b, OpSize.DWORD) + "," + r(a, OpSize.DWORD), x -> x.arith(ArithOp.SUB, OpSize.DWORD, a, b));
                add("cmp " + r(b, OpSize.QWORD) + "," + r(a, OpSize.QWORD), x -> x.arith(ArithOp.CMP, OpSize.QWORD, a, b));
                add("test " + r(b, OpSize.DWORD) + "," + r(a, OpSize.DWORD), x -> x.test(OpSize.DWORD, a, b));
                add("imul " + r(b, OpSize.QWORD) + "," + r(a, OpSize.QWORD), x -> x.imul(OpSize.QWORD, a, b));
                add("movzbl " + r(b, OpSize.BYTE) + "," + r(a, OpSize.DWORD), x -> x.movzx(OpSize.BYTE, a, b));
                add("movzwl " + r(b, OpSize.WORD) + "," + r(a, OpSize.DWORD), x -> x.movzx(OpSize.WORD, a, b));
                add("movsbq " + r(b, OpSize.BYTE) + "," + r(a, OpSize.QWORD), x -> x.movsx(OpSize.BYTE, OpSize.QWORD, a, b));
                add("movswl " + r(b, OpSize.WORD) + "," + r(a, OpSize.DWORD), x -> x.movsx(OpSize.WORD, OpSize.DWORD, a, b));
                add("movslq " + r(b, OpSize.DWORD) + "," + r(a, OpSize.QWORD), x -> x.movsx(OpSize.DWORD, OpSize.QWORD, a, b));
            }
        }
        check();
    }

    @Test
    void singleRegisterAndImmediateForms() throws Exception {
        for (Reg a : Reg.values()) {
            add("add $0x7f," + r(a, OpSize.QWORD), x -> x.arithImm(ArithOp.ADD, OpSize.QWORD, a, 127));
            add("and $0xfffffffffffff000," + r(a, OpSize.QWORD), x -> x.arithImm(ArithOp.AND, OpSize.QWORD, a, -4096));
            add("xor $0x12345678," + r(a, OpSize.DWORD), x -> x.arithImm(ArithOp.XOR, OpSize.DWORD, a, 0x12345678));
            add("cmp $0x10," + r(a, OpSize.QWORD), x -> x.arithImm32(ArithOp.CMP, OpSize.QWORD, a, 16));
            add("test $0x80," + r(a, OpSize.QWORD), x -> x.testImm(OpSize.QWORD, a, 0x80));
            add("imul $0x3," + r(a, OpSize.QWORD) + "," + r(a, OpSize.QWORD), x -> x.imulImm(OpSize.QWORD, a, a, 3));
            add("imul $0x10000," + r(a, OpSize.DWORD) + "," + r(a, OpSize.DWORD), x -> x.imulImm(OpSize.DWORD, a, a, 65536));
            add("neg " + r(a, OpSize.QWORD), x -> x.neg(OpSize.QWORD, a));
            add("div " + r(a, OpSize.DWORD), x -> x.div(OpSize.DWORD, a));
            add("idiv " + r(a, OpSize.QWORD), x -> x.idiv(OpSize.QWORD, a));
            add("shl " + r(a, OpSize.QWORD), x -> x.shift(ShiftOp.SHL, OpSize.QWORD, a, 1));
            add("sar $0x1f," + r(a, OpSize.DWORD), x -> x.shift(ShiftOp.SAR, OpSize.DWORD, a, 31));
            add("ror $0x8," + r(a, OpSize.WORD), x -> x.shift(ShiftOp.ROR, OpSize.WORD, a, 8));
            add("shr %cl," + r(a, OpSize.QWORD), x -> x.shiftByCl(ShiftOp.SHR, OpSize.QWORD, a));
            add("bswap " + r(a, OpSize.DWORD), x -> x.bswap(OpSize.DWORD, a));
            add("bswap " + r(a, OpSize.QWORD), x -> x.bswap(OpSize.QWORD, a));
            add("push " + r(a, OpSize.QWORD), x -> x.push(a));
            add("pop " + r(a, OpSize.QWORD), x -> x.pop(a));
            add("mov $0xffffffff," + r(a, OpSize.DWORD), x -> x.movImm32(a, -1));
            add("mov $0xffffffffffffff85," + r(a, OpSize.QWORD), x -> x.movImmSignExtended(a, -123));
            add("movabs $0x123456789abcdef0," + r(a, OpSize.QWORD), x -> x.movImm64(a, 0x123456789abcdef0L));
            add("jmp *" + r(a, OpSize.QWORD), x -> x.jmpIndirect(a));
        }
        add("cltd", x -> x.signExtendAccumulator(OpSize.DWORD));
        add("cqto", x -> x.signExtendAccumulator(OpSize.QWORD));
        add("ret", X86Assembler::ret);
        check();
    }

    @Test
    void memoryOperandsWithEveryBaseAndDisplacement() throws Exception {
        for (Reg base : Reg.values()) {
            for (int disp : DISPS) {
                Mem m = Mem.of(base, disp);
                String at = mem(base, disp);
                Reg v = Reg.values()[(base.number() + 7) % 16];
                add("mov " + at + "," + r(v, OpSize.QWORD), x -> x.load(OpSize.QWORD, v, m));
                add("movzbl " + at + "," + r(v, OpSize.DWORD), x -> x.load(OpSize.BYTE, v, m));
                add("movswq " + at + "," + r(v, OpSize.QWORD), x -> x.loadSigned(OpSize.WORD, v, m));
                add("movslq " + at + "," + r(v, OpSize.QWORD), x -> x.loadSigned(OpSize.DWORD, v, m));
                add("mov " + r(v, OpSize.BYTE) + "," + at, x -> x.store(OpSize.BYTE, m, v));
                add("mov " + r(v, OpSize.WORD) + "," + at, x -> x.store(OpSize.WORD, m, v));
                add("movq $0xffffffffffffffff," + at, x -> x.storeImm(OpSize.QWORD, m, -1));
                add("movw $0x1234," + at, x -> x.storeImm(OpSize.WORD, m, 0x1234));
                add("movb $0x80," + at, x -> x.storeImm(OpSize.BYTE, m, 0x80));
                add("lea " + at + "," + r(v, OpSize.QWORD), x -> x.lea(v, m));
                add("lock add " + r(v, OpSize.DWORD) + "," + at, x -> x.lockArith(ArithOp.ADD, OpSize.DWORD, m, v));
                add("lock xadd " + r(v, OpSize.QWORD) + "," + at, x -> x.lockXadd(OpSize.QWORD, m, v));
                add("xchg " + r(v, OpSize.DWORD) + "," + at, x -> x.xchg(OpSize.DWORD, m, v));
                add("lock cmpxchg " + r(v, OpSize.QWORD) + "," + at, x -> x.lockCmpxchg(OpSize.QWORD, m, v));
                add("call *" + at, x -> x.callIndirect(m));
                add("cmpq $0x21," + at, x -> x.arithImm(ArithOp.CMP, OpSize.QWORD, m, 33));
            }
            for (Reg index : Reg.values()) {
                if (index != Reg.RSP) {
                    add("call *0x8(%" + R64[base.number()] + ",%" + R64[index.number()] + ",8)",
                            x -> x.callIndirect(Mem.of(base, index, 8, 8)));
                }
            }
        }
        check();
    }

    /** The same code emitted into {@code b}: two near forward branches, one far, backward ones, a call. */
    private static void branchyCode(CodeBuffer b) {
        X86Assembler a = new X86Assembler(b);
        Label back = new Label();
        Label near = new Label();
        Label far = new Label();
        a.bind(back);
        a.jmp(back);
        a.jcc(Cond.E, back);
        a.jcc(Cond.NE, near);
        a.jcc(Cond.G, near);
        a.bind(near);
        a.jcc(Cond.B, far);
        for (int i = 0; i < 128; i++) {
            a.push(Reg.RAX);
        }
        a.bind(far);
        a.call(back);
        b.resolve();
    }

    @Test
    void forwardBranchesShrinkInTheSecondPassWhenTheyReach() throws Exception {
        CodeBuffer first = new CodeBuffer();
        branchyCode(first);
        // The first pass: backward branches short (their distance is known), forward ones long.
        List<String> firstText = disassemble(first.toByteArray());
        assertEquals(List.of("jmp 0x0", "je 0x0", "jne 0x10", "jg 0x10"), firstText.subList(0, 4));
        assertEquals("jb 0x96", firstText.get(4));
        assertEquals(true, first.hasLongForwardBranch());

        CodeBuffer second = new CodeBuffer(first.branchDistances());
        branchyCode(second);
        List<String> secondText = disassemble(second.toByteArray());
        // Near forward branches became short; the one over 128 bytes stays long.
        assertEquals(List.of("jmp 0x0", "je 0x0", "jne 0x8", "jg 0x8", "jb 0x8e"), secondText.subList(0, 5));
        assertEquals("call 0x0", secondText.get(secondText.size() - 1));
        assertEquals(java.util.BitSet.valueOf(new long[] {0b01111}), second.shortBranches());

        CodeBuffer third = new CodeBuffer(second.branchDistances());
        branchyCode(third);
        assertEquals(second.shortBranches(), third.shortBranches());
        assertEquals(secondText, disassemble(third.toByteArray()));
    }

    private void check() throws Exception {
        buf.resolve();
        List<String> actual = disassemble(buf.toByteArray());
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "<nothing>";
            String a = i < actual.size() ? actual.get(i) : "<nothing>";
            assertEquals(e, a, "instruction " + i);
        }
    }

    /** objdump's text of each instruction, spacing normalized. */
    static List<String> disassemble(byte[] code) throws IOException, InterruptedException {
        Assumptions.assumeTrue(objdumpAvailable(), "objdump (Debian package binutils) is not installed");
        Path file = Files.createTempFile("x86-test", ".bin");
        try {
            Files.write(file, code);
            Process p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            List<String> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] fields = line.split("\t");
                if (fields.length >= 3 && fields[0].trim().endsWith(":")) {
                    lines.add(fields[2].trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT));
                }
            }
            return lines;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static boolean objdumpAvailable() {
        try {
            Process p = new ProcessBuilder("objdump", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
