package dev.bpftime.vm;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the project's native libraries ({@code lib<name>.so}). The first rule that applies decides:
 * <ol>
 *   <li>the system property {@value #DIR_PROPERTY} names the folder (and nothing else is tried, so a
 *       wrong setting is an error rather than a silent fallback);</li>
 *   <li>the folder of the jar that holds the anchor class, where a distribution keeps jars and
 *       libraries side by side ({@code dist/lib});</li>
 *   <li>{@code target/native} of the module the anchor class was built in, for a build from source
 *       (classes in {@code target/classes} or the jar in {@code target/}).</li>
 * </ol>
 */
public final class NativeLibraries {

    public static final String DIR_PROPERTY = "bpftime.native.dir";

    private NativeLibraries() {
    }

    /** The library {@code lib<name>.so} of this module. */
    public static Path find(String name) {
        return find(name, NativeLibraries.class);
    }

    /** The library {@code lib<name>.so} built by or shipped beside the module of {@code anchor}. */
    public static Path find(String name, Class<?> anchor) {
        String file = "lib" + name + ".so";
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir).resolve(file);
            if (Files.isRegularFile(p)) {
                return p;
            }
            throw new IllegalStateException(file + " not found: actual no such file " + p
                    + " vs expected the library in the folder named by -D" + DIR_PROPERTY + "=" + dir);
        }
        List<Path> tried = new ArrayList<>();
        Path location = codeLocation(anchor);
        if (location != null) {
            boolean jar = Files.isRegularFile(location);
            Path base = jar ? location.getParent() : location;
            if (jar) {
                tried.add(base.resolve(file));
            }
            // target/classes/.. or target/x.jar/.. -> target/native
            Path target = jar ? base : base.getParent();
            if (target != null) {
                tried.add(target.resolve("native").resolve(file));
            }
        }
        for (Path p : tried) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException(file + " not found: actual none of " + tried + " exists vs expected one; "
                + "build the module with Maven or set -D" + DIR_PROPERTY);
    }

    private static Path codeLocation(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
