package dev.bpftime.agent.control;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints the end of agent.log and service.log of every session the test made, so a
 * failure under load (seen once in many runs) is explained by the run that had it, not by a rerun.
 */
final class SessionLogsOnFailure implements BeforeTestExecutionCallback, TestWatcher {

    private static final List<AgentSession> SESSIONS = new ArrayList<>();

    static synchronized void opened(AgentSession s) {
        SESSIONS.add(s);
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        synchronized (SessionLogsOnFailure.class) {
            SESSIONS.clear();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        synchronized (SessionLogsOnFailure.class) {
            for (AgentSession s : SESSIONS) {
                try {
                    System.err.println("=== " + context.getDisplayName() + " failed; logs of " + s.runtimeDir + s.logs());
                } catch (IOException e) {
                    System.err.println("=== logs of " + s.runtimeDir + " unreadable: " + e);
                }
            }
        }
    }
}
