package dev.bpftime.compat.link;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of one service, confined to its event-loop thread like the object table. */
public final class InMemoryAttachRegistry implements AttachRegistry {

    private final Map<Long, Attachment> byId = new LinkedHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    private long nextId = 1;

    @Override
    public Attachment attach(Hook hook, int progId, int pid, int cpu, long cookie) {
        if (hook == null) {
            throw new IllegalArgumentException("attach: hook actual null vs expected a hook");
        }
        Attachment a = new Attachment(nextId++, hook, progId, pid, cpu, cookie);
        byId.put(a.id(), a);
        for (Listener l : List.copyOf(listeners)) {
            l.attached(a);
        }
        return a;
    }

    @Override
    public boolean detach(long attachmentId) {
        Attachment a = byId.remove(attachmentId);
        if (a == null) {
            return false;
        }
        for (Listener l : List.copyOf(listeners)) {
            l.detached(a);
        }
        return true;
    }

    @Override
    public List<Attachment> attachments() {
        return List.copyOf(byId.values());
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }
}
