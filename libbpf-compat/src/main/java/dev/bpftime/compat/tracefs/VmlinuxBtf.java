package dev.bpftime.compat.tracefs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * /sys/kernel/btf/vmlinux for CO-RE programs: the host's when this user can read it (the shim then
 * leaves the path alone), else a BTF the user supplies with $BPFTIME_VMLINUX_BTF: a raw BTF file, or a
 * BTFHub archive (a .tar.xz holding one {@code <release>.btf}), which is unpacked here.
 */
public final class VmlinuxBtf {

    public static final Path HOST = Path.of("/sys/kernel/btf/vmlinux");
    public static final String ENV = "BPFTIME_VMLINUX_BTF";

    private VmlinuxBtf() {
    }

    /**
     * Writes the supplied BTF to {@code target} when the host's is unreadable and one is supplied;
     * returns what was used, or empty when nothing was written.
     */
    public static Optional<Path> provide(Path host, String supplied, Path target) throws IOException {
        if (Files.isReadable(host) || supplied == null || supplied.isEmpty()) {
            return Optional.empty();
        }
        Path source = Path.of(supplied);
        Files.createDirectories(target.getParent());
        if (source.getFileName().toString().endsWith(".tar.xz")) {
            extractFromTarXz(source, target);
        } else {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return Optional.of(source);
    }

    /** Unpacks the archive's one regular file ending in ".btf" (BTFHub's layout). */
    public static void extractFromTarXz(Path archive, Path target) throws IOException {
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(file))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                if (e.isFile() && e.getName().endsWith(".btf")) {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    return;
                }
            }
        }
        throw new IOException(archive + ": actual no entry ending in .btf vs expected one (a BTFHub archive)");
    }

    /**
     * Where the vmlinux BTF object's blob comes from: the host's file when readable, else a raw BTF file
     * the user supplied; empty otherwise (as on a kernel without CONFIG_DEBUG_INFO_BTF, no vmlinux BTF).
     */
    public static Optional<Path> blob(Path host, String supplied) {
        if (Files.isReadable(host)) {
            return Optional.of(host);
        }
        if (supplied == null || supplied.isEmpty() || supplied.endsWith(".tar.xz")
                || !Files.isReadable(Path.of(supplied))) {
            return Optional.empty();
        }
        return Optional.of(Path.of(supplied));
    }
}
