package dev.bpftime.compat.attr;

/** BPF_MAP_{LOOKUP,LOOKUP_AND_DELETE,UPDATE,DELETE}_BATCH: union bpf_attr's {@code batch}. */
public final class MapBatchAttr {

    public static final AttrField IN_BATCH = new AttrField("batch.in_batch", 0, 8);
    public static final AttrField OUT_BATCH = new AttrField("batch.out_batch", 8, 8);
    public static final AttrField KEYS = new AttrField("batch.keys", 16, 8);
    public static final AttrField VALUES = new AttrField("batch.values", 24, 8);
    public static final AttrField COUNT = new AttrField("batch.count", 32, 4);
    public static final AttrField MAP_FD = new AttrField("batch.map_fd", 36, 4);
    public static final AttrField ELEM_FLAGS = new AttrField("batch.elem_flags", 40, 8);
    public static final AttrField FLAGS = new AttrField("batch.flags", 48, 8);

    /** BPF_MAP_BATCH_LAST_FIELD batch.flags. */
    public static final AttrLayout LAYOUT = AttrLayout.of("batch", IN_BATCH, OUT_BATCH, KEYS, VALUES, COUNT, MAP_FD,
            ELEM_FLAGS, FLAGS);

    private MapBatchAttr() {
    }
}
