package dev.bpftime.compat.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryAttachRegistryTest {

    private final InMemoryAttachRegistry registry = new InMemoryAttachRegistry();
    private final List<String> events = new ArrayList<>();

    InMemoryAttachRegistryTest() {
        registry.addListener(new AttachRegistry.Listener() {
            @Override
            public void attached(Attachment a) {
                events.add("+" + a.id() + " prog " + a.progId());
            }

            @Override
            public void detached(Attachment a) {
                events.add("-" + a.id() + " prog " + a.progId());
            }
        });
    }

    @Test
    void attachmentsAreListedInOrderAndListenersSeeEveryChange() {
        Attachment a = registry.attach(new Hook.SyscallTracepoint("openat", 257, false), 3, -1, 0, 0);
        Attachment b = registry.attach(new Hook.Uprobe("/bin/bash", 0x1234, 0, true), 4, 77, -1, 99);
        assertNotEquals(a.id(), b.id());
        assertEquals(List.of(a, b), registry.attachments());
        assertEquals(99, b.cookie());
        assertTrue(registry.detach(a.id()));
        assertFalse(registry.detach(a.id()), "a second detach finds nothing");
        assertEquals(List.of(b), registry.attachments());
        assertEquals(List.of("+" + a.id() + " prog 3", "+" + b.id() + " prog 4", "-" + a.id() + " prog 3"), events);
    }

    @Test
    void idsAreNotReused() {
        Attachment a = registry.attach(new Hook.RawSyscall(false, true), 1, -1, -1, 0);
        registry.detach(a.id());
        Attachment b = registry.attach(new Hook.RawSyscall(false, true), 1, -1, -1, 0);
        assertTrue(b.id() > a.id());
    }

    @Test
    void nullHookIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.attach(null, 1, -1, 0, 0));
        assertEquals("attach: hook actual null vs expected a hook", e.getMessage());
    }
}
