package dev.bpftime.compat.pin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.posix.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** stat of the emulated bpffs as struct wire_pin_stat; the walk's errnos; paths folding out of the mount. */
class PinStatTest {

    private final BpfFs fs = new BpfFs(1000, 100);
    private final BpfObject prog = new ObjectTable().register(new BpfObject(ObjectKind.PROG) { });

    private static ByteBuffer attributes(PinStat.Answer a) {
        assertEquals(0, a.errno());
        byte[] b = a.attributes().orElseThrow();
        assertEquals(PinStat.SIZE, b.length);
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    }

    @Test
    void theRootIsInodeOneADirectoryOfTheUser() {
        ByteBuffer b = attributes(PinStat.of(fs, "/sys/fs/bpf"));
        assertEquals(1, b.getLong(0), "ino");
        assertEquals(BpfFs.S_IFDIR | 01700, b.getInt(8), "mode");
        assertEquals(2, b.getInt(12), "nlink");
        assertEquals(1000, b.getInt(16), "uid");
        assertEquals(100, b.getInt(20), "gid");
        assertEquals(1, attributes(PinStat.of(fs, "/sys/fs/bpf/")).getLong(0), "with a slash");
    }

    @Test
    void aPinIsARegularFileWithItsOwnStableInode() {
        fs.put("/sys/fs/bpf/a", prog, 0600 & ~022);
        fs.put("/sys/fs/bpf/b", prog, 0600 & ~077);
        ByteBuffer a = attributes(PinStat.of(fs, "/sys/fs/bpf/a"));
        ByteBuffer b = attributes(PinStat.of(fs, "/sys/fs/bpf/./b"));
        assertEquals(BpfFs.S_IFREG | 0600, a.getInt(8));
        assertEquals(1, a.getInt(12), "nlink");
        assertNotEquals(a.getLong(0), b.getLong(0), "each pin its inode");
        assertEquals(a.getLong(0), attributes(PinStat.of(fs, "/sys/fs/bpf/a")).getLong(0), "stable");
        assertTrue(a.getLong(24) > 0 && a.getLong(24) == a.getLong(32), "mtime = ctime = the pin's time");
        fs.remove("/sys/fs/bpf/a");
        assertEquals(Errno.ENOENT, PinStat.of(fs, "/sys/fs/bpf/a").errno(), "gone with its unlink");
    }

    @Test
    void theWalkFailsAsTheKernels() {
        fs.put("/sys/fs/bpf/a", prog, 0600);
        assertEquals(Errno.ENOENT, PinStat.of(fs, "/sys/fs/bpf/missing").errno());
        assertEquals(Errno.ENOENT, PinStat.of(fs, "/sys/fs/bpf/d/x").errno());
        assertEquals(PinPath.ENOTDIR, PinStat.of(fs, "/sys/fs/bpf/a/x").errno());
        assertEquals(PinPath.ENOTDIR, PinStat.of(fs, "/sys/fs/bpf/a/x/y").errno());
        assertEquals(PinPath.ENOTDIR, PinStat.of(fs, "/sys/fs/bpf/a/").errno(), "a trailing slash needs a directory");
        PinStat.Answer out = PinStat.of(fs, "/sys/fs/bpf/../bpf2");
        assertTrue(out.foreign(), "folded out of the mount: the host's to answer");
    }
}
