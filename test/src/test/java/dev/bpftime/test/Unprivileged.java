package dev.bpftime.test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Running a command as user nobody (group nogroup) through util-linux setpriv, which needs root. */
public final class Unprivileged {

    public static final String USER = "nobody";
    public static final String GROUP = "nogroup";

    private Unprivileged() {
    }

    /** Skips the calling test, with the reason, when this process cannot switch to nobody. */
    public static void assumeAvailable() throws IOException, InterruptedException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "needs root to switch to user " + USER + " (running as uid " + uid + ")");
        assumeTrue(onPath("setpriv"), "needs setpriv (Debian package util-linux) on PATH");
        assumeTrue(exitsZero("getent", "passwd", USER), "needs a user " + USER);
        assumeTrue(exitsZero("getent", "group", GROUP), "needs a group " + GROUP);
    }

    static Command command(Path workDir, String... argv) {
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + GROUP,
                "--clear-groups"));
        all.addAll(List.of(argv));
        Command c = new Command(workDir, all);
        c.env().put("HOME", workDir.toString());
        return c;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static boolean exitsZero(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }
}
