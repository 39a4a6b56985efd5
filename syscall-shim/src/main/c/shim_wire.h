/*
 * The wire protocol between libbpftime-syscall.so and the bpftime service; docs/PROTOCOL.md
 * explains every field and the reasons. The Java side (dev.bpftime.compat.service.Wire) mirrors
 * these layouts. Messages travel on a SOCK_SEQPACKET unix socket, one request and one reply at a
 * time per connection, in the host's byte order (both ends run on the same host).
 */
#ifndef BPFTIME_SHIM_WIRE_H
#define BPFTIME_SHIM_WIRE_H

#include <stdint.h>

#define WIRE_MAGIC 0x54465042u /* "BPFT" in little-endian byte order */
#define WIRE_VERSION 1

/* Upper bound of one message: a header plus at most one page of attr bytes (64 KiB pages exist). */
#define WIRE_MAX_MESSAGE (64 * 1024 + 256)

enum wire_kind {
	/* First message of a connection: proves the service can read this process's memory. */
	WIRE_HELLO = 1,
	/* One bpf(2) call: args = {cmd, attr address, size}; payload = the attr bytes the shim read. */
	WIRE_BPF = 2,
	/* Make sure the emulated files exist (docs/PROTOCOL.md, "Emulated files"): no args, no payload. */
	WIRE_FILES = 3,
	/* perf_event_open: args = {attr address, pid, cpu, group_fd, flags}; payload = the attr bytes read. */
	WIRE_PERF_OPEN = 4,
	/* ioctl on an emulated perf event fd: args = {fd, request, arg}; no payload. */
	WIRE_PERF_IOCTL = 5,
	/* mmap of a map fd: args = {fd, offset, length, prot, flags}; the reply carries the object's
	 * memfd and one struct wire_mmap_segment per piece, as write-back records. */
	WIRE_MAP_MMAP = 16,
	/* A writable mapping went away (it no longer blocks BPF_MAP_FREEZE): args = {id, 1, object kind}. */
	WIRE_MAP_UNMAP = 17,
	/* A ring (later perf) buffer's memfd (args[1] = 0) or eventfd (1): args = {fd, which}. */
	WIRE_MAP_BUFFER_FD = 18,
	/* The bpf lines of /proc/self/fdinfo/FD: args = {fd, buffer address, length}; result = bytes written. */
	WIRE_FDINFO = 19,
	/* unlink/unlinkat/rmdir of a path in the emulated bpffs: args = {removedir}; payload = the path. */
	WIRE_PIN_UNLINK = 20,
	/* This process closed (close, close_range, dup2/dup3 over) a link or perf event fd: args = {object
	 * kind, id}; no payload. The service reaps the hang-ups and, when that was the last copy, detaches
	 * in every agent before it answers (result 0). */
	WIRE_CLOSED = 21,
	/* stat/statfs of a path in the emulated bpffs: no args; payload = the path. The one write-back record
	 * is a struct wire_pin_stat (at offset 0 of the shim's buffer); PASS for a path that folds out of it. */
	WIRE_PIN_STAT = 22,
	/* mkdir/mkdirat of a path in the emulated bpffs: args = {mode}; payload = the path. */
	WIRE_PIN_MKDIR = 23,
};

/* Request flags. */
#define WIRE_F_PTRACER_SET 0x1u /* prctl(PR_SET_PTRACER, service pid) was done for this process */

struct wire_request {
	uint32_t magic;
	uint16_t version;
	uint16_t kind;
	uint32_t pid; /* getpid() of the caller, for the log; the service trusts SO_PEERCRED */
	uint32_t tid;
	uint32_t flags;
	uint32_t payload_len; /* bytes following this header */
	uint64_t args[6];
} __attribute__((packed));

enum wire_status {
	WIRE_DONE = 0,         /* result is the call's return value or -errno */
	WIRE_NEED_PTRACER = 1, /* HELLO only: call prctl(PR_SET_PTRACER, service pid) and say hello again */
	WIRE_PASS = 2,         /* PERF_OPEN only: not an event of ours, make the real syscall */
};

/* Reply flags. */
#define WIRE_R_FD 0x1u /* one file descriptor rides along (SCM_RIGHTS); it is the return value */

struct wire_reply {
	uint32_t magic;
	uint16_t version;
	uint16_t status;
	int64_t result;
	uint32_t flags;
	uint32_t object_kind; /* enum wire_object_kind of the attached fd, else 0 */
	uint32_t object_id;
	uint32_t writeback_count; /* struct wire_writeback records follow, each with its bytes */
} __attribute__((packed));

/* Bytes of the caller's attr the service changed (output fields), to copy back before returning. */
struct wire_writeback {
	uint32_t offset;
	uint32_t len;
} __attribute__((packed));

/* One piece of an mmap of a map fd: map length bytes of the memfd from memfd_offset at
 * address_offset from the start of the app's mapping (a ring's data area comes twice). */
struct wire_mmap_segment {
	uint64_t address_offset;
	uint64_t memfd_offset;
	uint64_t length;
	uint32_t writable;
	uint32_t reserved;
} __attribute__((packed));

/* A node of the emulated bpffs as stat shows it (the service's pin/PinStat). */
struct wire_pin_stat {
	uint64_t ino;
	uint32_t mode; /* S_IFDIR or S_IFREG with the permission bits */
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	int64_t mtime_ns; /* since the epoch; atime is shown equal */
	int64_t ctime_ns;
	int64_t reserved;
} __attribute__((packed));

enum wire_object_kind {
	WIRE_OBJ_NONE = 0,
	WIRE_OBJ_MAP = 1,
	WIRE_OBJ_PROG = 2,
	WIRE_OBJ_BTF = 3,
	WIRE_OBJ_LINK = 4,
	WIRE_OBJ_PERF_EVENT = 5,
};

_Static_assert(sizeof(struct wire_request) == 72, "wire_request layout");
_Static_assert(sizeof(struct wire_reply) == 32, "wire_reply layout");
_Static_assert(sizeof(struct wire_writeback) == 8, "wire_writeback layout");
_Static_assert(sizeof(struct wire_mmap_segment) == 32, "wire_mmap_segment layout");
_Static_assert(sizeof(struct wire_pin_stat) == 48, "wire_pin_stat layout");

#endif
