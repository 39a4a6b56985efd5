package dev.bpftime.compat.prog;

import dev.bpftime.jit.JitImage;

/**
 * What a traced process needs to run a loaded program: its instructions with every map reference
 * turned into the map's id (so that any process can resolve it; the loader's fds mean nothing
 * elsewhere), and the JIT image compiled from them, or why the JIT refused the program (it then runs
 * on the interpreter).
 *
 * @param insns      little-endian slots; each ld_imm64 of a map (BPF_PSEUDO_MAP_FD/_IDX) has src 1 and
 *                   imm = the map's id, each of a map value (BPF_PSEUDO_MAP_VALUE/_IDX_VALUE) src 2,
 *                   imm = the map's id, the second imm = the offset in the value
 * @param jit        the JIT's image (relocation keys are map ids), or null when it refused
 * @param jitRefusal the JIT's reason when {@code jit} is null
 */
public record ProgramImage(byte[] insns, JitImage jit, String jitRefusal) {

    @Override
    public byte[] insns() {
        return insns.clone();
    }
}
