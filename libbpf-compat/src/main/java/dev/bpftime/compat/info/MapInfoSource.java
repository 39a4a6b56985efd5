package dev.bpftime.compat.info;

/**
 * What BPF_OBJ_GET_INFO_BY_FD reports about a map. The map object of the maps commands implements it
 * (a thin seam, so that the info writer does not depend on how map objects are built).
 */
public interface MapInfoSource {

    /** enum bpf_map_type number. */
    int mapType();

    int keySize();

    int valueSize();

    int maxEntries();

    int mapFlags();

    /** map_name as created, at most 15 bytes. */
    String name();

    /** The id of the BTF object given at creation (btf_fd), 0 for none. */
    default int btfId() {
        return 0;
    }

    default int btfKeyTypeId() {
        return 0;
    }

    default int btfValueTypeId() {
        return 0;
    }

    default int btfVmlinuxValueTypeId() {
        return 0;
    }

    default long mapExtra() {
        return 0;
    }
}
