package dev.bpftime.compat.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.tracefs.VmlinuxBtf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's vmlinux BTF as an object: named, kernel_btf set, its blob read once and only when asked. */
class KernelBtfObjectTest {

    @TempDir
    private Path dir;

    @Test
    void vmlinuxIsAKernelBtfReadOnFirstUse() {
        AtomicInteger reads = new AtomicInteger();
        byte[] blob = {(byte) 0x9f, (byte) 0xeb, 1, 0};
        ObjectTable objects = new ObjectTable();
        BtfObject vmlinux = objects.register(BtfObject.kernel("vmlinux", () -> {
            reads.incrementAndGet();
            return blob.clone();
        }));
        assertEquals(1, vmlinux.id(), "registered first, it has the first BTF id");
        assertEquals(ObjectKind.BTF, vmlinux.kind());
        assertEquals("vmlinux", vmlinux.name());
        assertTrue(vmlinux.kernelBtf());
        assertEquals(0, reads.get(), "nothing read before the blob is asked for");
        assertArrayEquals(blob, vmlinux.raw());
        assertEquals(blob.length, vmlinux.size());
        assertEquals(1, reads.get(), "read once");
    }

    @Test
    void theBlobIsTheHostsWhenReadableElseARawSuppliedFile() throws IOException {
        Path host = Files.write(dir.resolve("host"), new byte[] {1});
        Path supplied = Files.write(dir.resolve("supplied.btf"), new byte[] {2});
        Path absent = dir.resolve("absent");
        assertEquals(host, VmlinuxBtf.blob(host, supplied.toString()).orElseThrow());
        assertEquals(supplied, VmlinuxBtf.blob(absent, supplied.toString()).orElseThrow());
        assertFalse(VmlinuxBtf.blob(absent, null).isPresent(), "no BTF: no vmlinux object, as without DEBUG_INFO_BTF");
        assertFalse(VmlinuxBtf.blob(absent, dir.resolve("x.tar.xz").toString()).isPresent(),
                "an archive is unpacked into the emulated files, not read as a blob");
        Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(host)) { // root reads anything
            assertEquals(supplied, VmlinuxBtf.blob(host, supplied.toString()).orElseThrow());
        }
    }
}
