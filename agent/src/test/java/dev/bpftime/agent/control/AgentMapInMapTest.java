package dev.bpftime.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bpftime.compat.shim.Run;
import dev.bpftime.compat.shim.ShimHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maps of maps in a traced process: a uprobe program looks an inner map up in an ARRAY_OF_MAPS and a
 * HASH_OF_MAPS and counts into it. The loader puts the inner maps into the slots only after the agent
 * runs the program, and closes their descriptors (the slots keep them alive); every call made after the
 * update returned must count, on the JIT and on the interpreter, as with the kernel's uprobe (as root,
 * the same loader and target without the shim and the agent).
 * src/test/c/control/agent_mapinmap_loader.c and agent_mapinmap.bpf.c.
 */
@ExtendWith(SessionLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentMapInMapTest {

    private static final long N = 500;

    @TempDir
    static Path temp;
    private ShimHome home;
    private Path loader;
    private Path object;

    @BeforeAll
    void setUp() throws IOException {
        Path built = Path.of(System.getProperty("bpftime.root"), "agent/target/native/control-test");
        assumeTrue(Files.isRegularFile(built.resolve("agent_mapinmap_loader")),
                "the libbpf loader is built only where libbpf-dev is installed");
        home = new ShimHome(temp);
        Path bin = Files.createDirectories(temp.resolve("mapinmap-bin"));
        loader = bin.resolve("agent_mapinmap_loader");
        object = bin.resolve("agent_mapinmap.bpf.o");
        Files.copy(built.resolve("agent_mapinmap_loader"), loader, StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(built.resolve("agent_mapinmap.bpf.o"), object);
        Files.setPosixFilePermissions(loader, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    void tearDown() {
        if (home != null) {
            home.close();
        }
    }

    /**
     * One run: the loader attaches, the target is traced (by the agent, or by the kernel when
     * {@code agentEnv} is null), the loader inserts the inner maps, then the target makes its N calls.
     * Returns the loader's counts line.
     */
    private String run(AgentSession s, Map<String, String> agentEnv) throws Exception {
        Map<String, String> loaderEnv = agentEnv == null ? Map.of() : home.env(s.runtimeDir);
        Run.Started l = Run.start(s.work, loaderEnv, false, loader.toString(), object.toString(), s.target.toString());
        AgentSession.waitFor(() -> Files.readString(l.out()).contains("attached\n") || !l.process().isAlive(),
                "the loader to attach");
        if (!l.process().isAlive()) {
            fail("the loader ended before attaching: " + l.finish().describe());
        }
        Run.Started target;
        if (agentEnv != null) {
            target = s.startTarget(N, 1, false, true, 0, agentEnv);
            s.waitInstalled(target, 1);
        } else {
            target = Run.start(s.work, Map.of(), false, s.target.toString(), s.marker, Long.toString(N), "1", "0", "go",
                    "0", "0");
        }
        Files.writeString(s.work.resolve("insert"), "");
        AgentSession.waitFor(() -> Files.readString(l.out()).contains("inserted\n") || !l.process().isAlive(),
                "the loader to insert the inner maps");
        s.go();
        Run.Result t = target.finish();
        assertEquals(0, t.code(), t.describe());
        assertEquals("done " + N + "\n", t.out(), t.describe());
        l.process().destroy(); // SIGTERM: it prints the counts
        Run.Result r = l.finish();
        assertEquals(0, r.code(), r.describe());
        return r.lines().get(r.lines().size() - 1);
    }

    @Test
    void innerMapsPutIntoSlotsAfterTheProgramRunsAreFoundOnBothEnginesAsWithTheKernel() throws Exception {
        String expected = "counts array=" + N + " hash=" + N + " misses=0";
        AgentSession jit = new AgentSession(home, temp, "mapinmap-jit", false);
        assertEquals(expected, run(jit, Map.of()), jit.logs());
        Map<String, String> interpreted = new HashMap<>();
        interpreted.put("BPFTIME_NO_JIT", "1");
        AgentSession vm = new AgentSession(home, temp, "mapinmap-vm", false);
        assertEquals(expected, run(vm, interpreted), vm.logs());
        if (Run.isRoot()) {
            AgentSession kernel = new AgentSession(home, temp, "mapinmap-kernel", false);
            assertEquals(expected, run(kernel, null), "the kernel's uprobe with the same loader and target");
        }
    }
}
