package dev.bpftime.compat.link;

import java.util.List;

/**
 * Which program runs at which hook for which target: what links and PERF_EVENT_IOC_SET_BPF create and
 * what the agents of traced processes install. A listener sees every change, in order, so the agent
 * can push them live to the processes it serves.
 */
public interface AttachRegistry {

    /** Records an attachment and returns it with its id (unique for the registry's life). */
    Attachment attach(Hook hook, int progId, int pid, int cpu, long cookie);

    /** Removes it; false when it was not there. */
    boolean detach(long attachmentId);

    /** The current attachments in the order they were made. */
    List<Attachment> attachments();

    void addListener(Listener listener);

    /** Told of each change after it happened. */
    interface Listener {

        void attached(Attachment a);

        void detached(Attachment a);
    }
}
