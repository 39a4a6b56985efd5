package dev.bpftime.compat.attr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpftime.compat.shim.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every field of every command's layout against gcc's offsetof/sizeof on this machine's
 * include/uapi/linux/bpf.h (printed by syscall-shim/src/test/c/attr_offsets.c). The two output fields
 * of Linux 6.4 and the mprog fields of 6.6 (PROG_ATTACH/DETACH/QUERY) are not in Debian 12's 6.1
 * header; their offsets are checked against the field before.
 */
class AttrLayoutTest {

    private static final Set<String> NEWER_THAN_HEADER = Set.of("log_true_size", "btf_log_true_size", "relative_fd",
            "expected_revision", "query.link_ids", "query.link_attach_flags", "query.revision");
    private static final Map<String, int[]> C = new HashMap<>();

    @BeforeAll
    static void readOffsets() throws IOException, InterruptedException {
        Path program = Path.of(System.getProperty("bpftime.root"), "syscall-shim/target/test-bin/attr_offsets");
        if (!Files.isExecutable(program)) {
            fail("not built: " + program + " (build syscall-shim with Maven)");
        }
        Run.Result r = Run.run(Path.of(System.getProperty("java.io.tmpdir")), Map.of(), false, program.toString());
        assertEquals(0, r.code(), r.describe());
        for (String line : r.lines()) {
            String[] f = line.split(" ");
            C.put(f[0], new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])});
        }
    }

    @Test
    void unionSizeIsTheHeaders() {
        assertEquals(Attr.UNION_SIZE, C.get("sizeof.bpf_attr")[1]);
    }

    @Test
    void everyLayoutMatchesTheHeader() {
        int checked = 0;
        for (BpfCmd cmd : BpfCmd.values()) {
            for (AttrField f : cmd.layout().fields()) {
                if (NEWER_THAN_HEADER.contains(f.name())) {
                    continue;
                }
                int[] c = C.get(f.name());
                assertTrue(c != null, cmd + ": field " + f.name() + " not printed by attr_offsets");
                assertEquals(c[0], f.offset(), cmd + " " + f.name() + " offset");
                assertEquals(c[1], f.size(), cmd + " " + f.name() + " size");
                checked++;
            }
        }
        assertTrue(checked > 100, "fields checked: " + checked);
    }

    @Test
    void newerFieldsFollowTheirPredecessors() {
        assertEquals(C.get("core_relo_rec_size")[0] + 4, ProgLoadAttr.LOG_TRUE_SIZE.offset());
        assertEquals(C.get("btf_log_level")[0] + 4, BtfLoadAttr.BTF_LOG_TRUE_SIZE.offset());
        assertEquals(C.get("replace_bpf_fd")[0] + 4, ProgAttachAttr.RELATIVE_FD.offset());
        assertEquals(ProgAttachAttr.RELATIVE_FD.offset() + 4, ProgAttachAttr.EXPECTED_REVISION.offset());
        assertEquals(C.get("query.prog_attach_flags")[0] + 8, QueryAttr.LINK_IDS.offset());
        assertEquals(QueryAttr.LINK_IDS.offset() + 8, QueryAttr.LINK_ATTACH_FLAGS.offset());
        assertEquals(QueryAttr.LINK_ATTACH_FLAGS.offset() + 8, QueryAttr.REVISION.offset());
    }

}
