package dev.bpftime.compat.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeMaterializerTest {

    @TempDir
    Path dir;

    @Test
    void writesEveryFileAndReplacesTheTreeAtomically() throws IOException {
        Map<String, String> files = EmulatedFiles.of(TracepointCatalog.x86_64());
        Path first = TreeMaterializer.write(dir, files, null);
        Path link = dir.resolve("files");
        assertTrue(Files.isSymbolicLink(link));
        Tracepoint openat = TracepointCatalog.x86_64().byPath("syscalls/sys_enter_openat").orElseThrow();
        assertEquals(openat.id() + "\n", Files.readString(link.resolve("tracing/events/syscalls/sys_enter_openat/id")));
        assertEquals(PmuTypes.UPROBE + "\n", Files.readString(link.resolve("event_source/uprobe/type")));
        assertEquals("config:0\n", Files.readString(link.resolve("event_source/uprobe/format/retprobe")));
        assertEquals("config:32-63\n", Files.readString(link.resolve("event_source/uprobe/format/ref_ctr_offset")));
        assertEquals("config:0\n", Files.readString(link.resolve("event_source/kprobe/format/retprobe")));
        assertTrue(Files.readString(link.resolve("tracing/available_events")).contains("raw_syscalls:sys_enter\n"));

        Path second = TreeMaterializer.write(dir, files, null);
        assertEquals(second.getFileName().toString(), Files.readSymbolicLink(link).toString());
        assertFalse(Files.exists(first), "the old tree is removed");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "only the link and the current tree remain");
        }
    }

    @Test
    void suppliedBtfIsUsedOnlyWhenTheHostsIsUnreadable() throws IOException {
        Path btf = Files.write(dir.resolve("my.btf"), new byte[] {(byte) 0x9f, (byte) 0xeb, 1, 0});
        Path target = dir.resolve("out/vmlinux");
        Path readableHost = Files.writeString(dir.resolve("host"), "x");
        assertTrue(VmlinuxBtf.provide(readableHost, btf.toString(), target).isEmpty());
        assertFalse(Files.exists(target));
        assertEquals(btf, VmlinuxBtf.provide(dir.resolve("absent"), btf.toString(), target).orElseThrow());
        assertEquals(4, Files.size(target));
        assertTrue(VmlinuxBtf.provide(dir.resolve("absent"), null, dir.resolve("other")).isEmpty());
    }

    @Test
    void btfHubArchiveIsUnpacked() throws IOException {
        byte[] content = new byte[10000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path archive = dir.resolve("5.4.0-91-generic.btf.tar.xz");
        try (OutputStream f = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(f))) {
            TarArchiveEntry e = new TarArchiveEntry("5.4.0-91-generic.btf");
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        }
        Path target = dir.resolve("vmlinux");
        VmlinuxBtf.provide(dir.resolve("absent"), archive.toString(), target);
        assertEquals(java.util.Arrays.toString(content), java.util.Arrays.toString(Files.readAllBytes(target)));
    }

    @Test
    void archiveWithoutBtfIsRefusedByName() throws IOException {
        Path archive = dir.resolve("empty.tar.xz");
        try (OutputStream f = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(f))) {
            tar.finish();
        }
        IOException e = assertThrows(IOException.class, () -> VmlinuxBtf.extractFromTarXz(archive, dir.resolve("v")));
        assertTrue(e.getMessage().endsWith("actual no entry ending in .btf vs expected one (a BTFHub archive)"),
                e.getMessage());
    }
}
