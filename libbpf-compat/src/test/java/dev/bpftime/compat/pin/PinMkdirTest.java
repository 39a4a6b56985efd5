package dev.bpftime.compat.pin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import org.junit.jupiter.api.Test;

/** mkdir and rmdir in the emulated bpffs: the mode less the umask, links counted, the kernel's errnos. */
class PinMkdirTest {

    private final BpfFs fs = new BpfFs(1000, 100);
    private final BpfObject prog = new ObjectTable().register(new BpfObject(ObjectKind.PROG) { });

    @Test
    void aFolderHoldsPinsAndCountsItsSubfolders() {
        assertEquals(0, PinMkdir.make(fs, "/sys/fs/bpf/d", 0777, 022));
        assertEquals(BpfFs.S_IFDIR | 0755, fs.node("/sys/fs/bpf/d").orElseThrow().mode());
        assertEquals(0, PinMkdir.make(fs, "/sys/fs/bpf/d/e/", 0700, 022), "a trailing slash is fine for mkdir");
        assertEquals(3, fs.node("/sys/fs/bpf/d").orElseThrow().nlink(), "., its entry and e's ..");
        assertEquals(3, fs.node("/sys/fs/bpf").orElseThrow().nlink(), "the root counts d, not e");
        fs.put("/sys/fs/bpf/d/p", prog, 0600);
        assertEquals(-PinUnlink.ENOTEMPTY, PinUnlink.remove(fs, "/sys/fs/bpf/d", true));
        assertEquals(-PinUnlink.EISDIR, PinUnlink.remove(fs, "/sys/fs/bpf/d/e", false));
        assertEquals(0, PinUnlink.remove(fs, "/sys/fs/bpf/d/e", true));
        assertEquals(0, PinUnlink.remove(fs, "/sys/fs/bpf/d/p", false));
        assertEquals(0, PinUnlink.remove(fs, "/sys/fs/bpf/d", true));
        assertTrue(fs.node("/sys/fs/bpf/d").isEmpty());
        assertEquals(2, fs.node("/sys/fs/bpf").orElseThrow().nlink());
    }

    @Test
    void refusals() {
        fs.put("/sys/fs/bpf/p", prog, 0600);
        assertEquals(-Errno.EEXIST, PinMkdir.make(fs, "/sys/fs/bpf", 0700, 0));
        assertEquals(-Errno.EEXIST, PinMkdir.make(fs, "/sys/fs/bpf/p", 0700, 0));
        assertEquals(-PinPath.ENOTDIR, PinMkdir.make(fs, "/sys/fs/bpf/p/x", 0700, 0));
        assertEquals(-PinPath.ENOTDIR, PinMkdir.make(fs, "/sys/fs/bpf/p/x/y", 0700, 0));
        assertEquals(-Errno.ENOENT, PinMkdir.make(fs, "/sys/fs/bpf/none/x", 0700, 0));
        assertEquals(-Errno.ENOENT, PinMkdir.make(fs, "", 0700, 0));
    }
}
