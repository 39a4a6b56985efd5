package dev.bpftime.compat.maps;

import dev.bpftime.compat.objects.FileView;
import dev.bpftime.maps.BpfMap;

/**
 * One map descriptor's file: the maps module's view with the fd's access (map_get_sys_perms()), so
 * that the slots of a PERF_EVENT_ARRAY set through it go with it (perf_event_fd_array_release()).
 */
record MapView(EmulatedMap object, BpfMap map, boolean canRead, boolean canWrite) implements FileView {

    @Override
    public void close() {
        map.close();
    }
}
