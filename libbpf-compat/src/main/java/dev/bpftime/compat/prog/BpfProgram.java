package dev.bpftime.compat.prog;

import dev.bpftime.compat.objects.BpfObject;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.isa.Instruction;
import java.util.List;

/** A loaded program: what BPF_OBJ_GET_INFO_BY_FD reports about it and what the runtime will run. */
public final class BpfProgram extends BpfObject {

    private final ProgramType type;
    private final int expectedAttachType;
    private final String name;
    private final byte[] insns;
    private final List<Instruction> instructions;
    private final byte[] tag;
    private final long loadTimeNs;
    private final int createdByUid;
    private final boolean gplCompatible;
    private final int verifiedInsns;
    private List<BpfObject> usedMaps = List.of();
    private java.util.Map<Integer, Integer> mapReferences = java.util.Map.of();
    private ProgramImage image;

    public BpfProgram(ProgramType type, int expectedAttachType, String name, byte[] insns,
            List<Instruction> instructions, byte[] tag, long loadTimeNs, int createdByUid, boolean gplCompatible,
            int verifiedInsns) {
        super(ObjectKind.PROG);
        this.type = type;
        this.expectedAttachType = expectedAttachType;
        this.name = name;
        this.insns = insns.clone();
        this.instructions = List.copyOf(instructions);
        this.tag = tag.clone();
        this.loadTimeNs = loadTimeNs;
        this.createdByUid = createdByUid;
        this.gplCompatible = gplCompatible;
        this.verifiedInsns = verifiedInsns;
    }

    public ProgramType type() {
        return type;
    }

    public int expectedAttachType() {
        return expectedAttachType;
    }

    public String name() {
        return name;
    }

    /** The instructions as loaded; also what the kernel calls "xlated" until a verifier rewrites them. */
    public byte[] insns() {
        return insns.clone();
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    public byte[] tag() {
        return tag.clone();
    }

    public long loadTimeNs() {
        return loadTimeNs;
    }

    public int createdByUid() {
        return createdByUid;
    }

    public boolean gplCompatible() {
        return gplCompatible;
    }

    public int verifiedInsns() {
        return verifiedInsns;
    }

    /** What traced processes run (ProgramImages), or null for a program made without one (tests). */
    public ProgramImage image() {
        return image;
    }

    public void image(ProgramImage image) {
        this.image = image;
    }

    /** Takes a reference on each map the program refers to, as the kernel's prog->aux->used_maps. */
    public void holdMaps(List<BpfObject> maps) {
        for (BpfObject m : maps) {
            m.retain();
        }
        this.usedMaps = List.copyOf(maps);
    }

    /** BPF_PROG_BIND_MAP: the map joins the used maps (with a reference) unless it is one already. */
    public void bindMap(BpfObject map) {
        if (usedMaps.contains(map)) {
            return;
        }
        map.retain();
        List<BpfObject> more = new java.util.ArrayList<>(usedMaps);
        more.add(map);
        usedMaps = List.copyOf(more);
    }

    /** The maps the program holds, in order of first reference. */
    public List<BpfObject> usedMaps() {
        return usedMaps;
    }

    /** Which map (index in {@link #usedMaps()}) each map-referencing lddw names, by instruction slot. */
    public java.util.Map<Integer, Integer> mapReferences() {
        return mapReferences;
    }

    public void setMapReferences(java.util.Map<Integer, Integer> bySlot) {
        this.mapReferences = java.util.Map.copyOf(bySlot);
    }

    /** The ids of the maps the program holds, in order of first reference (bpf_prog_info.map_ids). */
    public int[] mapIds() {
        return usedMaps.stream().mapToInt(BpfObject::id).toArray();
    }

    @Override
    protected void free() {
        for (BpfObject m : usedMaps) {
            m.release();
        }
        usedMaps = List.of();
    }
}
