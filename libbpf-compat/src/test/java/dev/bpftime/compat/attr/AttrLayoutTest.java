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
 * include/uapi/linux/bpf.h (printed by syscall-shim/src/test/c/attr_offsets.c). The fields newer than
 * Debian 12's 6.1 header (6.4's log_true_size outputs, 6.6's mprog fields, 6.9's tokens, 6.10's raw
 * tracepoint cookie, 6.14's fd_array_cnt, 6.18's exclusive maps and signatures) are checked against the
 * field before, and the union's size against the end of the largest, BPF_PROG_LOAD's keyring_id.
 */
class AttrLayoutTest {

    private static final Set<String> NEWER_THAN_HEADER = Set.of("log_true_size", "btf_log_true_size", "relative_fd",
            "expected_revision", "query.link_ids", "query.link_attach_flags", "query.revision", "value_type_btf_obj_fd",
            "map_token_fd", "excl_prog_hash", "excl_prog_hash_size", "prog_token_fd", "fd_array_cnt", "signature",
            "signature_size", "keyring_id", "btf_flags", "btf_token_fd", "fd_by_id_token_fd", "raw_tracepoint.cookie",
            "token_create.flags", "token_create.bpffs_fd", "prog_stream_read.stream_buf",
            "prog_stream_read.stream_buf_len", "prog_stream_read.stream_id", "prog_stream_read.prog_fd");
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
    void unionSizeIsThatOfTheLargestLayout() {
        assertEquals(144, C.get("sizeof.bpf_attr")[1], "Linux 6.1's header");
        int largest = 0;
        for (BpfCmd cmd : BpfCmd.values()) {
            for (AttrField f : cmd.layout().fields()) {
                largest = Math.max(largest, f.end());
            }
        }
        assertEquals(Attr.UNION_SIZE, largest);
        assertEquals(Attr.UNION_SIZE, ProgLoadAttr.KEYRING_ID.end());
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
        assertEquals(C.get("map_extra")[0] + 8, MapCreateAttr.VALUE_TYPE_BTF_OBJ_FD.offset());
        assertEquals(MapCreateAttr.VALUE_TYPE_BTF_OBJ_FD.end(), MapCreateAttr.MAP_TOKEN_FD.offset());
        assertEquals(MapCreateAttr.MAP_TOKEN_FD.end(), MapCreateAttr.EXCL_PROG_HASH.offset());
        assertEquals(MapCreateAttr.EXCL_PROG_HASH.end(), MapCreateAttr.EXCL_PROG_HASH_SIZE.offset());
        assertEquals(ProgLoadAttr.LOG_TRUE_SIZE.end(), ProgLoadAttr.PROG_TOKEN_FD.offset());
        assertEquals(ProgLoadAttr.PROG_TOKEN_FD.end(), ProgLoadAttr.FD_ARRAY_CNT.offset());
        assertEquals(ProgLoadAttr.FD_ARRAY_CNT.end(), ProgLoadAttr.SIGNATURE.offset());
        assertEquals(ProgLoadAttr.SIGNATURE.end(), ProgLoadAttr.SIGNATURE_SIZE.offset());
        assertEquals(ProgLoadAttr.SIGNATURE_SIZE.end(), ProgLoadAttr.KEYRING_ID.offset());
        assertEquals(BtfLoadAttr.BTF_LOG_TRUE_SIZE.end(), BtfLoadAttr.BTF_FLAGS.offset());
        assertEquals(BtfLoadAttr.BTF_FLAGS.end(), BtfLoadAttr.BTF_TOKEN_FD.offset());
        assertEquals(C.get("open_flags")[0] + 4, IdAttr.FD_BY_ID_TOKEN_FD.offset());
        // a u64 after prog_fd: 4 bytes of padding between
        assertEquals(C.get("raw_tracepoint.prog_fd")[0] + 8, RawTracepointAttr.COOKIE.offset());
    }

}
