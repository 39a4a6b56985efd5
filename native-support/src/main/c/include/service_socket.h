/*
 * Where this user's service listens and the connection to it (docs/PROTOCOL.md, "Where the service
 * listens"), the rule RuntimeDir.java follows too. One implementation for the syscall shim
 * (syscall-shim/src/main/c/shim_runtime_dir.c, shim_connect.c: it also creates the directory and
 * starts a service) and the agent (agent/src/main/c/control/service_link.c: it only waits for one).
 */
#ifndef BPFTIME_SERVICE_SOCKET_H
#define BPFTIME_SERVICE_SOCKET_H

#include <sys/socket.h> /* struct ucred: _GNU_SOURCE */
#include <sys/types.h>

/* The service's socket in the runtime directory. */
#define SERVICE_SOCKET_NAME "service.sock"

/*
 * The runtime directory's path for uid into out (PATH_MAX bytes): $BPFTIME_RUNTIME_DIR when set, else
 * $XDG_RUNTIME_DIR/bpftime when XDG_RUNTIME_DIR is an absolute path to a directory of uid's (a setpriv
 * or su keeps the old user's variable: it must not be followed), else /tmp/bpftime-<uid>.
 * 0 or -ENAMETOOLONG.
 */
int runtime_dir_path(char *out, uid_t uid);

/*
 * 0 when path is a real directory (not a symlink) owned by uid with no group or other access; -EPERM
 * for anything else (in /tmp another user could have prepared it), -errno when it cannot be lstat'ed.
 */
int runtime_dir_private(const char *path, uid_t uid);

/*
 * A SOCK_SEQPACKET connection (close-on-exec) to <runtime_dir>/service.sock whose peer runs as our
 * effective uid (SO_PEERCRED): the descriptor, or -errno. A peer of another uid is -EPERM, its
 * credentials in *peer for the caller's log (uid (uid_t)-1 when they could not be read).
 */
int service_socket_connect(const char *runtime_dir, struct ucred *peer);

#endif
