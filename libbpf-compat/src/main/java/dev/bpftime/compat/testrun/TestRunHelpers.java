package dev.bpftime.compat.testrun;

import dev.bpftime.compat.maps.EmulatedMap;
import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.posix.ProcessMemory;
import dev.bpftime.compat.prog.BpfProgram;
import dev.bpftime.isa.Instruction;
import dev.bpftime.isa.Opcode;
import dev.bpftime.isa.Register;
import dev.bpftime.maps.BpfMap;
import dev.bpftime.maps.MapType;
import dev.bpftime.vm.Helper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The helpers a test-run program may call, and its map references made callable: each lddw of a
 * map (BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_IDX) becomes a plain constant, a token naming the map,
 * which the helpers below turn back into the map. Only helpers that take a map as a handle and
 * copy data out of the program's memory are here: bpf_perf_event_output (25) and
 * bpf_ringbuf_output (130), so that libbpf's perf and ring buffer consumers can be fed through
 * BPF_PROG_TEST_RUN, and bpf_map_lookup_elem (1): a value's address in shared memory (the engine
 * lets the program access every map's memory), or on a map of maps the inner map, as a token too
 * (array_of_map_lookup_elem(), htab_of_map_lookup_elem()). Any other helper stays unbound (the run
 * fails with EINVAL, as before).
 *
 * <p>The maps a run can reach are fixed when it starts, under the service's lock: the program's
 * maps and the maps their slots hold then, each retained until {@link #close()} so that a slot
 * emptied by another client meanwhile frees nothing the run may still use (the kernel's RCU
 * reading of inner maps). A map put into a slot during the run looks up as NULL.
 *
 * <p>The program's data pointer is read with process_vm_readv on the service itself, so a wild
 * pointer of an unverified program is EFAULT for the helper, never a crash of the service.
 */
final class TestRunHelpers implements AutoCloseable {

    static final int MAP_LOOKUP_ELEM = 1;
    static final int PERF_EVENT_OUTPUT = 25;
    static final int RINGBUF_OUTPUT = 130;
    /** A token's high bits: no user-space address looks like it. */
    private static final long TOKEN = 0xb9f7_0000_0000_0000L;
    private static final long TOKEN_MASK = 0xffff_ffff_0000_0000L;
    /** In a token: the low bits are an inner map's id, not an index into the program's maps. */
    private static final long INNER = 1L << 31;
    /** Page 0 of a map object: its header (struct bpftime_map_header, maps/src/main/c/map_layout.h). */
    private static final long HEADER_PAGE = 4096;
    private static final long EFAULT = -14;
    private static final long EINVAL = -22;
    private static final long E2BIG = -7;
    /** BPF_MAX_VAR_SIZ would allow more; a perf or ring buffer record cannot be larger than this anyway. */
    private static final long MAX_RECORD = 1 << 20;
    private static final int SELF = (int) ProcessHandle.current().pid();

    private final List<BpfMap> maps = new ArrayList<>();
    private final Map<Integer, BpfMap> innerMaps = new HashMap<>();
    private final List<EmulatedMap> held = new ArrayList<>();

    /** Made under the service's lock; closed under it too. */
    TestRunHelpers(BpfProgram program) {
        for (BpfObject o : program.usedMaps()) {
            maps.add(o instanceof EmulatedMap m ? m.map() : null);
            if (o instanceof EmulatedMap m) {
                for (EmulatedMap inner : m.innerMaps()) {
                    if (!innerMaps.containsKey(inner.id())) {
                        inner.retain();
                        held.add(inner);
                        innerMaps.put(inner.id(), inner.map());
                    }
                }
            }
        }
    }

    /**
     * The memory of every map the run can reach, as {address, length} pairs, for a bounds-checked
     * engine: all but the header page (docs/MAP-FORMAT.md), where values, keys and chains live; the
     * maps module bounds-checks every index it reads there, so an unverified program that scribbles
     * over a chain spoils that map, not the service.
     */
    List<long[]> regions() {
        List<long[]> out = new ArrayList<>();
        List<BpfMap> all = new ArrayList<>(maps);
        all.addAll(innerMaps.values());
        for (BpfMap m : all) {
            if (m != null && m.type() != MapType.RINGBUF) {
                out.add(new long[] {m.mappedAddress() + HEADER_PAGE, m.sharedMemorySize() - HEADER_PAGE});
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (EmulatedMap m : held) {
            m.release();
        }
        held.clear();
    }

    /** The program's instructions with each map lddw turned into its token. */
    static List<Instruction> withMapTokens(BpfProgram program) {
        Map<Integer, Integer> refs = program.mapReferences();
        List<Instruction> out = new ArrayList<>();
        int slot = 0;
        for (Instruction in : program.instructions()) {
            Integer map = refs.get(slot);
            if (map != null && in.opcode().equals(Opcode.LDDW) && (in.src() == Register.R1 || in.src() == Register.R5)) {
                out.add(new Instruction(in.opcode(), in.dst(), Register.R0, in.offset(), TOKEN | map));
            } else {
                out.add(in);
            }
            slot += in.width();
        }
        return out;
    }

    /** The helpers for this run, by helper id. */
    Map<Integer, Helper> helpers() {
        return Map.of(PERF_EVENT_OUTPUT, (ctx, map, flags, data, size) -> perfEventOutput(map, flags, data, size),
                RINGBUF_OUTPUT, (map, data, size, flags, unused) -> ringbufOutput(map, data, size, flags),
                MAP_LOOKUP_ELEM, (map, key, unused3, unused4, unused5) -> lookup(map, key));
    }

    private BpfMap map(long token) {
        if ((token & TOKEN_MASK) != TOKEN) {
            return null;
        }
        long index = token & ~TOKEN_MASK;
        if ((index & INNER) != 0) {
            return innerMaps.get((int) (index & ~INNER));
        }
        return index < maps.size() ? maps.get((int) index) : null;
    }

    /** bpf_map_lookup_elem(map, key): a value's address, an inner map's token, or 0 (NULL). */
    private long lookup(long token, long keyAddress) {
        BpfMap map = map(token);
        if (map == null || map.keySize() == 0) {
            return 0;
        }
        byte[] key = read(keyAddress, map.keySize());
        if (key == null) {
            return 0;
        }
        if (map.type().isMapOfMaps()) {
            int id = map.innerId(key);
            return id != 0 && innerMaps.containsKey(id) ? TOKEN | INNER | id : 0;
        }
        return map.programLookup(key);
    }

    /** The program's bytes at data, or null when they are not all readable. */
    private static byte[] read(long data, long size) {
        byte[] out = new byte[(int) size];
        try {
            return size == 0 || ProcessMemory.read(SELF, data, out, 0, out.length) == out.length ? out : null;
        } catch (com.sun.jna.LastErrorException e) {
            return null;
        }
    }

    /** bpf_perf_event_output(ctx, map, flags, data, size) (kernel/trace/bpf_trace.c) */
    private long perfEventOutput(long token, long flags, long data, long size) {
        BpfMap map = map(token);
        if (map == null) {
            return EINVAL;
        }
        if (size < 0 || size > MAX_RECORD) {
            return E2BIG;
        }
        byte[] bytes = read(data, size);
        return bytes == null ? EFAULT : map.perfEventOutput(flags, bytes);
    }

    /** bpf_ringbuf_output(ringbuf, data, size, flags) (kernel/bpf/ringbuf.c) */
    private long ringbufOutput(long token, long data, long size, long flags) {
        BpfMap map = map(token);
        if (map == null) {
            return EINVAL;
        }
        if (size < 0 || size > MAX_RECORD) {
            return E2BIG;
        }
        byte[] bytes = read(data, size);
        return bytes == null ? EFAULT : map.ringbufOutput(bytes, flags);
    }
}
