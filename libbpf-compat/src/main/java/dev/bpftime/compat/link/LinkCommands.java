package dev.bpftime.compat.link;

import dev.bpftime.compat.attr.BpfCmd;
import dev.bpftime.compat.objects.IdCommands;
import dev.bpftime.compat.objects.ObjectKind;
import dev.bpftime.compat.objects.ObjectTable;
import dev.bpftime.compat.syscall.Dispatcher;

/** The link commands, wired into the dispatcher in one place. */
public final class LinkCommands {

    private LinkCommands() {
    }

    public static Dispatcher register(Dispatcher d, ObjectTable objects, AttachRegistry registry) {
        return d.register(BpfCmd.LINK_CREATE, new LinkCreateCommand(objects))
                .register(BpfCmd.RAW_TRACEPOINT_OPEN, new RawTracepointOpenCommand(objects, registry))
                .register(BpfCmd.LINK_DETACH, LinkDetachUpdate.detach())
                .register(BpfCmd.LINK_UPDATE, LinkDetachUpdate.update())
                .register(BpfCmd.LINK_GET_NEXT_ID, IdCommands.nextId(objects, ObjectKind.LINK))
                .register(BpfCmd.LINK_GET_FD_BY_ID, IdCommands.fdById(objects, ObjectKind.LINK));
    }
}
