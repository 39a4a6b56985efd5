package dev.bpftime.obj.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The running kernel's own BTF (/sys/kernel/btf/vmlinux), the largest BTF there is, when readable. */
class VmlinuxTest {

    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    @Test
    void parsesTheKernelsBtf() throws Exception {
        assumeTrue(Files.isReadable(VMLINUX), VMLINUX + " is not readable (kernel without CONFIG_DEBUG_INFO_BTF?)");
        byte[] data = Files.readAllBytes(VMLINUX);
        long first = System.nanoTime();
        Btf btf = Btf.load(data);
        long firstMillis = (System.nanoTime() - first) / 1_000_000;
        long[] parse = new long[5];
        long[] validate = new long[5];
        for (int i = 0; i < parse.length; i++) {
            long start = System.nanoTime();
            Btf.load(data);
            parse[i] = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            BtfValidator.validate(data, java.nio.ByteOrder.nativeOrder());
            validate[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(parse);
        java.util.Arrays.sort(validate);
        System.out.printf("vmlinux BTF: %d bytes, %d types; validate + decode: first %d ms, then median %d ms;"
                + " validate alone median %d ms%n", data.length, btf.typeCount() - 1, firstMillis, parse[2], validate[2]);

        assertTrue(btf.typeCount() > 10_000, "types: " + btf.typeCount());
        BtfType.Struct task = btf.find("task_struct", BtfType.Struct.class).orElseThrow();
        assertTrue(task.size() > 1000, "sizeof(struct task_struct) = " + task.size());
        assertEquals(task.size(), btf.sizeOf(task.id()));
        Btf.FieldPath pid = btf.member(task.id(), "pid").orElseThrow();
        assertEquals(0, pid.bitOffset() % 8);
        assertEquals(4, btf.sizeOf(pid.member().type()));
        assertEquals(BtfKind.INT, btf.resolve(pid.member().type()).kind());
        BtfType.Func open = btf.find("do_sys_openat2", BtfType.Func.class).orElseThrow();
        assertEquals(3, btf.type(open.type(), BtfType.FuncProto.class).params().size());
    }

    @Test
    void kernelAcceptsItsOwnBtfAsWeDo() throws Exception {
        assumeTrue(Files.isReadable(VMLINUX), VMLINUX + " is not readable");
        String reason = KernelBtfLoad.unavailableReason();
        assumeTrue(reason == null, reason);
        byte[] data = Files.readAllBytes(VMLINUX);
        assertEquals(0, KernelBtfLoad.open().load(data, false).errno());
        BtfValidator.validate(data, java.nio.ByteOrder.nativeOrder());
    }
}
