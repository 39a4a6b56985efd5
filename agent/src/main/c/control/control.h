/*
 * The agent's control part, inside libbpftime-agent.so: the connection to the service, the objects
 * it sent (maps, perf buffers, programs) and the attachments installed from them. One control
 * thread per process receives and applies everything; probe hits only read what it published.
 */
#ifndef BPFTIME_AGENT_CONTROL_H
#define BPFTIME_AGENT_CONTROL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_wire.h"

/* ---- agent_log.c: <runtime dir>/agent.log, never the process's stdout/stderr ---- */
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reopens the log in a forked child (the inherited descriptor is shared, which is fine: O_APPEND). */
void agent_log_open(const char *runtime_dir);

/* ---- agent_fds.c ---- */
/* Moves fd above the application's descriptors, close-on-exec (the shim's rule); returns the new fd. */
int agent_fd_high(int fd);

/* ---- service_link.c ---- */
/* The runtime directory (docs/PROTOCOL.md): 0, or -errno when it is missing or not private to us. */
int agent_runtime_dir(char *out /* PATH_MAX */);
/* Connects to the service and says hello as an agent: a descriptor, or -errno. */
int service_connect(const char *runtime_dir);
/* Receives one message (payload into buf, up to cap bytes; up to 2 fds, -1 when absent):
 * 0, -ECONNRESET at the end of the connection, other -errno. */
int service_receive(int fd, struct agent_msg *m, uint8_t *buf, size_t cap, int fds[2]);

/* ---- objects.c: what the service sent, by id; never freed while the process lives ---- */
struct bpftime_map;
struct bpftime_vm;
struct bpftime_jit_image;
struct agent_prog {
	uint32_t id;
	uint32_t type;
	uint64_t (*entry)(void *ctx, uint64_t r2); /* the linked JIT image, or NULL */
	void *tail_call_entry;           /* its tail-call entry */
	struct bpftime_jit_image *image;
	struct bpftime_vm *vm;           /* the interpreter's program (always loaded: tail calls from it) */
	int calls_nothing;               /* no call instruction (helper, subprogram, kfunc): as a JIT image it
					    touches no vector register nor errno (BPFTIME_PROBE_PROG_F_GPR_ONLY) */
};
int objects_add_map(uint32_t id, int memfd, int eventfd);
int objects_add_perf_buffer(uint32_t id, int memfd, int eventfd);
struct bpftime_map *objects_map(uint32_t id);
int objects_add_prog(const struct agent_msg *m, const uint8_t *payload);
struct agent_prog *objects_prog(uint32_t id);
/* BPFTIME_NO_JIT=1: every program runs on the interpreter. */
extern int agent_no_jit;

/* ---- program_run.c ---- */
uint64_t agent_prog_run(const struct agent_prog *p, void *ctx);
/* The helper table programs are linked with, and its size. */
void *const *agent_helper_table(void);
uint32_t agent_helper_count(void);
/* The tail-call resolver (helper 12 of the JIT's table, jit/README.md). */
void *agent_tail_call_resolve(void *ctx, void *prog_array, uint32_t index, uint64_t frames_free);

/* ---- attachments.c ---- */
int attachments_add(const struct agent_msg *m, const char *path);
int attachments_remove(uint32_t id);
void attachments_remove_all(void);
/* After a fork: every inherited attachment is unconfirmed until the service names it again. */
void attachments_unconfirm_all(void);
void attachments_remove_unconfirmed(void);

/* ---- syscall_tracepoints.c ---- */
int syscall_tp_install(void);   /* from the constructor, before any thread */
int syscall_tp_add(uint32_t attach_id, const struct agent_prog *p, int raw, int nr, int exit, uint64_t cookie);
int syscall_tp_remove(uint32_t attach_id);

/* ---- usdt_semaphore.c ---- */
/* The address of the 2-byte USDT semaphore at file offset off of path in this process (a writable
 * mapping of that file), or 0 with *err set. */
uint16_t *usdt_semaphore(const char *path, uint64_t off, int *err);

/* ---- control_thread.c ---- */
void control_sync_before_main(void);
void control_start(void);
/* In a forked child: the parent's connection and thread are not ours. */
void control_after_fork_child(void);

#endif
