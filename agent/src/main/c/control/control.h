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
#include <sys/types.h>

#include "agent_wire.h"

/* ---- agent_log.c: <runtime dir>/agent.log, never the process's stdout/stderr ---- */
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens the log and the trace pipe (bpf_trace_printk's lines) of the runtime directory, once. */
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
	uint32_t frames;                 /* the 512-byte stack frames its image needs (JitImage.frames) */
	struct bpftime_jit_image *image;
	struct bpftime_vm *vm;           /* the interpreter's program (always loaded: tail calls from it) */
	int calls_nothing;               /* no call instruction (helper, subprogram, kfunc): as a JIT image it
					    reads nothing of the hit (BPFTIME_PROBE_PROG_F_NO_HELPERS) */
	int gpr_only;                    /* as a JIT image, with every helper it calls, it touches no vector
					    register nor errno: it calls only subprograms and helpers
					    bpftime_helper_gpr_safe says are (BPFTIME_PROBE_PROG_F_GPR_ONLY) */
};
int objects_add_map(uint32_t id, int memfd, int eventfd);
int objects_add_perf_buffer(uint32_t id, int memfd, int eventfd);
struct bpftime_map *objects_map(uint32_t id);
int objects_add_prog(const struct agent_msg *m, const uint8_t *payload);
struct agent_prog *objects_prog(uint32_t id);
/* After every attachment is gone: frees every program, closes every map and perf buffer (and their
 * descriptors), once no thread can still be running a program. */
void objects_release_all(void);
/* The service freed it: unpublished, then freed once no thread can be running a program. */
void objects_free_prog(uint32_t id);
void objects_free_map(uint32_t id);
void objects_free_perf_buffer(uint32_t id);
/* BPFTIME_NO_JIT=1: every program runs on the interpreter. */
extern int agent_no_jit;

/* ---- program_run.c ---- */
uint64_t agent_prog_run(const struct agent_prog *p, void *ctx);
/* Tells the helpers how this process finds a tail call's target (bpftime_helpers.h). */
void agent_tail_calls_init(void);

/* ---- attachments.c ---- */
int attachments_add(const struct agent_msg *m, const char *path);
int attachments_remove(uint32_t id);
void attachments_remove_all(void);
/* After a fork: every inherited attachment is unconfirmed until the service names it again. */
void attachments_unconfirm_all(void);
void attachments_remove_unconfirmed(void);
/* After the dynamic loader mapped or unmapped objects: uprobes on files mapped since are installed,
 * those on files unmapped wait until the file is mapped again (the kernel's uprobe_mmap), moved ones
 * follow. Never waits for a grace period (the loading thread waits inside a probe of ours): what the
 * engine must forget is forgotten by attachments_release_stale, not waiting for that thread, before
 * it is let go (once it was let go it may be back at once with the next dlopen, inside the probe
 * again, and a grace period waiting for it would stall both until its request timed out). */
long attachments_remap(void);
void attachments_release_stale(pid_t loading_thread);
/* Whether any uprobe attachment names a file (read by application threads: a hint only). */
int attachments_on_files(void);

/* ---- syscall_tracepoints.c ---- */
int syscall_tp_install(void);   /* from the constructor, before any thread */
/* The engine's id (> 0) or -errno; the attachment keeps it in engine_id for syscall_tp_remove. */
int syscall_tp_add(const struct agent_prog *p, int raw, int nr, int exit, uint64_t cookie);
int syscall_tp_remove(int engine_id);


/* ---- usdt_semaphore.c ---- */
/* The address of the 2-byte USDT semaphore at file offset off of path in this process (a writable
 * mapping of that file), or 0 with *err set. */
uint16_t *usdt_semaphore(const char *path, uint64_t off, int *err);

/* ---- control_requests.c: work an application thread hands to the control thread and waits for ---- */
enum control_request_kind {
	CONTROL_REQUEST_CREDENTIALS = 1,     /* cred_mirror.c: make the same capset or prctl */
	CONTROL_REQUEST_MAPPINGS_CHANGED = 2, /* dl_watch.c: the dynamic loader mapped or unmapped objects */
};
struct control_request {
	int kind;
	uint32_t capability_version;   /* capset: the header's version */
	long args[6];                  /* the system call number and its arguments */
	uint32_t capability_data[6];   /* capset: up to two struct __user_cap_data_struct */
	long result;                   /* 0 or -errno, from the control thread */
	pid_t requester;               /* the waiting thread, set by control_request */
};
int control_requests_init(void);
int control_requests_fd(void);   /* readable when a request waits */
void control_requests_thread_created(int created);
void control_requests_thread_started(void); /* from the control thread itself */
void control_requests_after_fork_child(void);
/* On the control thread: runs the waiting request, if any. */
void control_requests_serve(void);
/* From an application thread: 0 once the control thread ran r (r->result set), -ESRCH when there is
 * no control thread to ask (or the caller is it), -ETIMEDOUT. errno is kept. */
int control_request(struct control_request *r);

/* ---- dl_watch.c: the dynamic loader's debugger hook, watched once a uprobe names a file ---- */
void dl_watch_start(void);

/* ---- cred_mirror.c ---- */
void cred_mirror_init(void);
long cred_mirror_apply(const struct control_request *r);

/* ---- control_thread.c ---- */
void control_sync_before_main(void);
void control_start(void);
/* In a forked child: the parent's connection and thread are not ours. */
void control_after_fork_child(void);

#endif
