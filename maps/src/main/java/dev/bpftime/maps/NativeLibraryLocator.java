package dev.bpftime.maps;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds libbpftime-maps.so: in the directory named by system property {@code bpftime.native.dir},
 * else next to this module's jar (or in a {@code native} folder beside it), else in the module's
 * {@code target/native} when running from {@code target/classes}.
 */
final class NativeLibraryLocator {
    static final String LIBRARY = "libbpftime-maps.so";
    static final String DIR_PROPERTY = "bpftime.native.dir";

    private NativeLibraryLocator() {
    }

    static Path locate() {
        List<Path> tried = new ArrayList<>();
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir).resolve(LIBRARY);
            if (Files.isRegularFile(p)) {
                return p;
            }
            throw new IllegalStateException(DIR_PROPERTY + "=" + dir + " has no " + LIBRARY + " (looked for " + p + ")");
        }
        Path code = codeLocation();
        if (code != null) {
            Path base = Files.isDirectory(code) ? code.getParent() : code.getParent();
            for (Path candidate : List.of(base.resolve(LIBRARY), base.resolve("native").resolve(LIBRARY))) {
                tried.add(candidate);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("cannot find " + LIBRARY + ": set -D" + DIR_PROPERTY
                + " or build the maps module (looked at " + tried + ")");
    }

    private static Path codeLocation() {
        CodeSource cs = NativeLibraryLocator.class.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return new File(cs.getLocation().toURI()).toPath().toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
