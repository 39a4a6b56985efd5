/*
 * The runtime's own descriptors in an application's process (the shim's service socket and buffer
 * descriptors, the agent's): the kernel gives each new descriptor the lowest free number, so a low
 * descriptor of ours would shift every number the application sees from then on. Ours live near the
 * top of min(RLIMIT_NOFILE, 1024) instead, close-on-exec so that an exec leaks none of them.
 */
#ifndef BPFTIME_FD_HIGH_H
#define BPFTIME_FD_HIGH_H

/*
 * Moves fd to the lowest free number at or above top - below_top (top/2 when top is at most
 * 2 * below_top), top being min(RLIMIT_NOFILE, 1024), close-on-exec; each user keeps its own band
 * (below_top) so that their descriptors do not crowd each other. The new descriptor (fd is closed),
 * or -errno with fd left as it was.
 */
int fd_move_high(int fd, int below_top);

#endif
