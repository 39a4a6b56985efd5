package dev.bpftime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Facts fixed at build time (build.properties, filled in by Maven) and where bpftime runs from. */
public final class BuildInfo implements IVersionProvider {

    /** The dist/ folder; bin/bpftime passes it. */
    public static final String HOME_PROPERTY = "bpftime.home";

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from the class path: a broken build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    /** The dist/ folder bpftime runs from, or null when not started by bin/bpftime. */
    public static String home() {
        return System.getProperty(HOME_PROPERTY);
    }

    @Override
    public String[] getVersion() {
        return new String[] {"bpftime " + version()};
    }
}
