package dev.bpftime.agent.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.jna.Pointer;
import dev.bpftime.compat.prog.RuntimeHelpers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service refuses at load every helper the agent lacks: its list (RuntimeHelpers) must equal the
 * agent's bpftime_helper_supported over every id, and the table the engines call must be full.
 */
class RuntimeHelpersTest {

    private static final HelpersLib LIB = HelpersLib.LIB;

    @Test
    void serviceListEqualsAgentTable() {
        List<String> differences = new ArrayList<>();
        for (int id = -1; id <= RuntimeHelpers.FUNC_MAX_ID + 2; id++) {
            boolean agent = LIB.bpftime_helper_supported(id) != 0;
            if (agent != RuntimeHelpers.supported(id)) {
                differences.add(id + " (" + RuntimeHelpers.name(id) + "): agent " + agent + ", service "
                        + RuntimeHelpers.supported(id));
            }
        }
        assertEquals(List.of(), differences, "helpers the two lists disagree on");
    }

    @Test
    void tableCoversEveryKernelIdWithNoHole() {
        Pointer table = LIB.bpftime_helper_table();
        for (int id = 0; id < RuntimeHelpers.FUNC_MAX_ID; id++) {
            assertNotEquals(0L, Pointer.nativeValue(table.getPointer(8L * id)), "table entry " + id);
        }
    }

    @Test
    void refusalsSayWhatTheKernelSays() {
        assertEquals("invalid func unknown#212", RuntimeHelpers.refusal(212));
        assertEquals("invalid func unknown#-1", RuntimeHelpers.refusal(-1));
        assertEquals("program of this type cannot use helper bpf_unspec#0", RuntimeHelpers.refusal(0));
        assertEquals("program of this type cannot use helper bpf_get_current_task#35", RuntimeHelpers.refusal(35));
        assertEquals(null, RuntimeHelpers.refusal(1));
    }
}
