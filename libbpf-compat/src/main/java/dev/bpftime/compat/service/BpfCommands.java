package dev.bpftime.compat.service;

import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.btf.BtfInfoWriter;
import dev.bpftime.compat.btf.BtfLoadCommand;
import dev.bpftime.compat.info.MapInfoWriter;
import dev.bpftime.compat.info.TaskFdQueryCommand;
import dev.bpftime.compat.objects.EnableStatsCommand;
import dev.bpftime.compat.objects.IterCreateCommand;
import dev.bpftime.compat.progattach.ProgAttachCommand;
import dev.bpftime.compat.progattach.ProgDetachCommand;
import dev.bpftime.compat.progattach.ProgQueryCommand;
import dev.bpftime.compat.link.AttachRegistry;
import dev.bpftime.compat.link.InMemoryAttachRegistry;
import dev.bpftime.compat.link.LinkCommands;
import dev.bpftime.compat.link.LinkInfoWriter;
import dev.bpftime.compat.maps.InnerMapPublisher;
import dev.bpftime.compat.maps.MapBatchCommands;
import dev.bpftime.compat.maps.MapCreateCommand;
import dev.bpftime.compat.maps.MapElemCommands;
import dev.bpftime.compat.maps.MapFdById;
import dev.bpftime.compat.objects.IdCommands;
import dev.bpftime.compat.perf.PerfEvent;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.pin.BpfFs;
import dev.bpftime.compat.pin.ObjGetCommand;
import dev.bpftime.compat.pin.ObjPinCommand;
import dev.bpftime.compat.posix.Clock;
import dev.bpftime.compat.prog.ProgInfoWriter;
import dev.bpftime.compat.prog.ProgLoadCommand;
import dev.bpftime.compat.prog.ProgTag;
import dev.bpftime.compat.prog.ProgramVerifier;
import dev.bpftime.compat.syscall.Dispatcher;
import dev.bpftime.compat.syscall.GetInfoCommand;
import dev.bpftime.compat.testrun.ProgramEngine;
import dev.bpftime.compat.testrun.TestRunCommand;
import dev.bpftime.maps.MapFactory;
import dev.bpftime.maps.SharedMemoryBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Which handler answers which command: the one place a new command is wired in. */
public final class BpfCommands {

    /** Whether PROG_LOAD's verifier proves memory safety, which running JIT code in the service needs. */
    private static final boolean PROGRAMS_VERIFIED_MEMORY_SAFE = false;

    private BpfCommands() {
    }

    public static Dispatcher create(ObjectTable objects, Consumer<String> refusalLog,
            BiConsumer<String, RuntimeException> bugLog) {
        return create(objects, new InMemoryAttachRegistry(), refusalLog, bugLog);
    }

    public static Dispatcher create(ObjectTable objects, AttachRegistry attachments, Consumer<String> refusalLog,
            BiConsumer<String, RuntimeException> bugLog) {
        return create(objects, attachments, new BpfFs(), refusalLog, bugLog);
    }

    /** @param bpffs the service's one emulated bpffs: pins live as long as the service (docs/PROTOCOL.md, "Pins") */
    public static Dispatcher create(ObjectTable objects, AttachRegistry attachments, BpfFs bpffs,
            Consumer<String> refusalLog, BiConsumer<String, RuntimeException> bugLog) {
        return create(objects, attachments, bpffs, InnerMapPublisher.NONE, refusalLog, bugLog);
    }

    /**
     * @param innerMaps what an update of a map of maps runs before its slot names the inner map: the
     *     service pushes it to the agents that have the outer map (agent/AgentHub#placeInner)
     */
    public static Dispatcher create(ObjectTable objects, AttachRegistry attachments, BpfFs bpffs,
            InnerMapPublisher innerMaps, Consumer<String> refusalLog, BiConsumer<String, RuntimeException> bugLog) {
        Dispatcher dispatcher = new Dispatcher(refusalLog, bugLog);
        dispatcher.register(BpfCmd.PROG_LOAD, new ProgLoadCommand(objects, ProgramVerifier.STRUCTURAL_ONLY,
                        Clock::boottimeNanos, ProgTag.Algorithm.forKernelRelease(hostKernelRelease())))
                .register(BpfCmd.OBJ_GET_INFO_BY_FD, new GetInfoCommand().with(ObjectKind.PROG, new ProgInfoWriter())
                        .with(ObjectKind.BTF, new BtfInfoWriter())
                        .with(ObjectKind.MAP, new MapInfoWriter())
                        .with(ObjectKind.LINK, new LinkInfoWriter()))
                .register(BpfCmd.PROG_GET_NEXT_ID, IdCommands.nextId(objects, ObjectKind.PROG))
                .register(BpfCmd.PROG_GET_FD_BY_ID, IdCommands.fdById(objects, ObjectKind.PROG))
                .register(BpfCmd.BTF_LOAD, new BtfLoadCommand(objects))
                .register(BpfCmd.BTF_GET_NEXT_ID, IdCommands.nextId(objects, ObjectKind.BTF))
                .register(BpfCmd.BTF_GET_FD_BY_ID, IdCommands.btfFdById(objects))
                .register(BpfCmd.OBJ_PIN, new ObjPinCommand(bpffs))
                .register(BpfCmd.OBJ_GET, new ObjGetCommand(bpffs))
                .register(BpfCmd.PROG_BIND_MAP, new dev.bpftime.compat.prog.ProgBindMapCommand())
                .register(BpfCmd.TOKEN_CREATE, new dev.bpftime.compat.objects.TokenCreateCommand())
                .register(BpfCmd.PROG_STREAM_READ_BY_FD, new dev.bpftime.compat.prog.ProgStreamReadCommand())
                .register(BpfCmd.PROG_TEST_RUN, new TestRunCommand(
                        () -> ProgramEngine.configured(PROGRAMS_VERIFIED_MEMORY_SAFE)));
        registerMaps(dispatcher, objects, innerMaps);
        registerQueries(dispatcher);
        LinkCommands.register(dispatcher, objects, attachments);
        return dispatcher;
    }

    /** The map commands (compat/maps), on the maps module's shared-memory maps. */
    private static void registerMaps(Dispatcher dispatcher, ObjectTable objects, InnerMapPublisher innerMaps) {
        // A PERF_EVENT_ARRAY slot takes a perf event of perf_event_open (compat/perf).
        MapElemCommands elem = new MapElemCommands(o -> o instanceof PerfEvent e ? e.id() : null, innerMaps);
        MapBatchCommands batch = new MapBatchCommands(innerMaps);
        dispatcher.register(BpfCmd.MAP_CREATE, new MapCreateCommand(objects,
                        () -> new MapFactory(SharedMemoryBudget.fromSystemProperties())))
                .register(BpfCmd.MAP_LOOKUP_ELEM, elem.lookup())
                .register(BpfCmd.MAP_UPDATE_ELEM, elem.update())
                .register(BpfCmd.MAP_DELETE_ELEM, elem.delete())
                .register(BpfCmd.MAP_GET_NEXT_KEY, elem.nextKey())
                .register(BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM, elem.lookupAndDelete())
                .register(BpfCmd.MAP_FREEZE, elem.freeze())
                .register(BpfCmd.MAP_LOOKUP_BATCH, batch.lookup(false))
                .register(BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH, batch.lookup(true))
                .register(BpfCmd.MAP_UPDATE_BATCH, batch.update())
                .register(BpfCmd.MAP_DELETE_BATCH, batch.delete())
                // bpftool btf show walks the maps too (for their btf ids)
                .register(BpfCmd.MAP_GET_NEXT_ID, IdCommands.nextId(objects, ObjectKind.MAP))
                .register(BpfCmd.MAP_GET_FD_BY_ID, new MapFdById(objects));
    }

    /** The commands on hooks the runtime has none of, and the introspection ones (bpftool perf). */
    private static void registerQueries(Dispatcher dispatcher) {
        dispatcher.register(BpfCmd.PROG_ATTACH, new ProgAttachCommand())
                .register(BpfCmd.PROG_DETACH, new ProgDetachCommand())
                .register(BpfCmd.PROG_QUERY, new ProgQueryCommand())
                .register(BpfCmd.TASK_FD_QUERY, new TaskFdQueryCommand())
                .register(BpfCmd.ITER_CREATE, new IterCreateCommand())
                .register(BpfCmd.ENABLE_STATS, new EnableStatsCommand());
    }

    /** The running kernel's release (uname -r), or "" when /proc is not there. */
    static String hostKernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
