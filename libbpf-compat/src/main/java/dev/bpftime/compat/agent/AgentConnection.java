package dev.bpftime.compat.agent;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** One connected agent: its process, and what it has been sent so far. */
final class AgentConnection {

    final int fd;
    final int pid;
    final String exe;
    final Set<Integer> maps = new HashSet<>();
    final Set<Integer> perfBuffers = new HashSet<>();
    final Set<Integer> programs = new HashSet<>();
    final Set<Long> attachments = new LinkedHashSet<>();

    AgentConnection(int fd, int pid, String exe) {
        this.fd = fd;
        this.pid = pid;
        this.exe = exe;
    }

    @Override
    public String toString() {
        return "agent pid " + pid + " (" + exe + ")";
    }
}
