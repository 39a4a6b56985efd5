package dev.bpftime.compat.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bpftime.compat.shim.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ProgInfo's offsets against gcc's offsetof on this machine's struct bpf_prog_info (attr_offsets.c). */
class ProgInfoLayoutTest {

    @Test
    void offsetsAreTheHeaders() throws Exception {
        Path program = Path.of(System.getProperty("bpftime.root"), "syscall-shim/target/test-bin/attr_offsets");
        if (!Files.isExecutable(program)) {
            fail("not built: " + program + " (build syscall-shim with Maven)");
        }
        Map<String, Integer> c = new HashMap<>();
        for (String line : Run.run(Path.of(System.getProperty("java.io.tmpdir")), Map.of(), false,
                program.toString()).lines()) {
            String[] f = line.split(" ");
            c.put(f[0], Integer.parseInt(f[f[0].startsWith("sizeof") ? 2 : 1]));
        }
        assertEquals(c.get("sizeof.bpf_prog_info"), ProgInfo.SIZE);
        Map<String, Integer> ours = Map.ofEntries(Map.entry("type", ProgInfo.TYPE), Map.entry("id", ProgInfo.ID),
                Map.entry("tag", ProgInfo.TAG), Map.entry("jited_prog_len", ProgInfo.JITED_PROG_LEN),
                Map.entry("xlated_prog_len", ProgInfo.XLATED_PROG_LEN),
                Map.entry("jited_prog_insns", ProgInfo.JITED_PROG_INSNS),
                Map.entry("xlated_prog_insns", ProgInfo.XLATED_PROG_INSNS), Map.entry("load_time", ProgInfo.LOAD_TIME),
                Map.entry("created_by_uid", ProgInfo.CREATED_BY_UID), Map.entry("nr_map_ids", ProgInfo.NR_MAP_IDS),
                Map.entry("map_ids", ProgInfo.MAP_IDS), Map.entry("name", ProgInfo.NAME),
                Map.entry("ifindex", ProgInfo.IFINDEX), Map.entry("nr_jited_ksyms", ProgInfo.NR_JITED_KSYMS),
                Map.entry("nr_jited_func_lens", ProgInfo.NR_JITED_FUNC_LENS),
                Map.entry("jited_ksyms", ProgInfo.JITED_KSYMS), Map.entry("jited_func_lens", ProgInfo.JITED_FUNC_LENS),
                Map.entry("btf_id", ProgInfo.BTF_ID), Map.entry("func_info_rec_size", ProgInfo.FUNC_INFO_REC_SIZE),
                Map.entry("nr_func_info", ProgInfo.NR_FUNC_INFO), Map.entry("nr_line_info", ProgInfo.NR_LINE_INFO),
                Map.entry("nr_jited_line_info", ProgInfo.NR_JITED_LINE_INFO),
                Map.entry("line_info_rec_size", ProgInfo.LINE_INFO_REC_SIZE),
                Map.entry("jited_line_info_rec_size", ProgInfo.JITED_LINE_INFO_REC_SIZE),
                Map.entry("nr_prog_tags", ProgInfo.NR_PROG_TAGS), Map.entry("prog_tags", ProgInfo.PROG_TAGS),
                Map.entry("run_time_ns", ProgInfo.RUN_TIME_NS), Map.entry("run_cnt", ProgInfo.RUN_CNT),
                Map.entry("recursion_misses", ProgInfo.RECURSION_MISSES),
                Map.entry("verified_insns", ProgInfo.VERIFIED_INSNS),
                Map.entry("attach_btf_obj_id", ProgInfo.ATTACH_BTF_OBJ_ID),
                Map.entry("attach_btf_id", ProgInfo.ATTACH_BTF_ID));
        ours.forEach((name, offset) -> assertEquals(c.get("prog_info." + name), offset, "prog_info." + name));
        // gpl_compatible:1 follows ifindex in the word the kernel reads as a bitfield.
        assertEquals(c.get("prog_info.ifindex") + 4, ProgInfo.GPL_COMPATIBLE_WORD);
    }
}
