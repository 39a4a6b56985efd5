package dev.bpftime.obj.btf;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * An object's .BTF.ext (tools/lib/bpf/libbpf_internal.h struct btf_ext_header and btf_ext_info_sec): per
 * ELF code section, the BTF FUNC of each function, the source line of instructions, and the CO-RE
 * relocations, with the strings they name resolved in the object's {@link Btf}. Instruction offsets are in
 * bytes from the start of the section, as clang writes them (libbpf divides by 8 when loading).
 */
public record BtfExt(ByteOrder order, List<Section<FuncInfo>> funcInfo, List<Section<LineInfo>> lineInfo,
                     List<Section<CoreRelo>> coreRelos) {

    public BtfExt {
        funcInfo = List.copyOf(funcInfo);
        lineInfo = List.copyOf(lineInfo);
        coreRelos = List.copyOf(coreRelos);
    }

    /** Parses {@code data} in either byte order; names and type ids are checked against {@code btf}. */
    public static BtfExt parse(byte[] data, Btf btf) {
        return BtfExtParser.parse(data, btf);
    }

    /** The records of one ELF section, e.g. "kprobe/do_sys_open" or ".text". */
    public record Section<T>(String name, List<T> records) {
        public Section {
            records = List.copyOf(records);
        }
    }

    /** struct bpf_func_info: the function starting at {@code insnOffset} is BTF FUNC {@code typeId}. */
    public record FuncInfo(long insnOffset, int typeId) {
        public long instructionIndex() {
            return insnOffset / 8;
        }
    }

    /**
     * struct bpf_line_info: the instruction at {@code insnOffset} comes from {@code line} of
     * {@code fileName}, line number {@code lineNumber} (line_col >> 10), column {@code column} (low 10 bits).
     */
    public record LineInfo(long insnOffset, String fileName, String line, int lineNumber, int column) {
        public long instructionIndex() {
            return insnOffset / 8;
        }
    }

    /**
     * struct bpf_core_relo: the instruction at {@code insnOffset} uses {@code accessString} ("0:1:2") of local
     * type {@code typeId}, to be relocated as {@code kind} says.
     */
    public record CoreRelo(long insnOffset, int typeId, String accessString, CoreReloKind kind) {
        public long instructionIndex() {
            return insnOffset / 8;
        }
    }

    public Optional<Section<FuncInfo>> funcInfo(String section) {
        return funcInfo.stream().filter(s -> s.name().equals(section)).findFirst();
    }

    public Optional<Section<LineInfo>> lineInfo(String section) {
        return lineInfo.stream().filter(s -> s.name().equals(section)).findFirst();
    }

    public Optional<Section<CoreRelo>> coreRelos(String section) {
        return coreRelos.stream().filter(s -> s.name().equals(section)).findFirst();
    }
}
