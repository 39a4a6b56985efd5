/*
 * The agent's side of the protocol with the service (docs/PROTOCOL.md, "Agents"); the Java side is
 * dev.bpftime.compat.agent.AgentWire and service.Wire. The agent says hello with the shim's request
 * header (kind AGENT_HELLO), gets the shim's reply header, and from then on receives, answering only
 * each BARRIER with an ACK (the loader's attach returns once every agent applied it).
 */
#ifndef BPFTIME_AGENT_WIRE_H
#define BPFTIME_AGENT_WIRE_H

#include <stdint.h>

#define AGENT_REQ_MAGIC 0x54465042u /* "BPFT": the shim's request and reply */
#define AGENT_REQ_VERSION 1
#define AGENT_KIND_HELLO 32

struct agent_request {
	uint32_t magic;
	uint16_t version;
	uint16_t kind;
	uint32_t pid;
	uint32_t tid;
	uint32_t flags;
	uint32_t payload_len;
	uint64_t args[6];
} __attribute__((packed));

struct agent_reply {
	uint32_t magic;
	uint16_t version;
	uint16_t status;
	int64_t result;
	uint32_t flags;
	uint32_t object_kind;
	uint32_t object_id;
	uint32_t writeback_count;
} __attribute__((packed));

#define AGENT_MSG_MAGIC 0x41465042u /* "BPFA" */
#define AGENT_MSG_VERSION 1

enum agent_msg_type {
	AGENT_MSG_MAP = 1,         /* id = map id, a[0] = map type; fds: memfd [, eventfd] */
	AGENT_MSG_PERF_BUFFER = 2, /* id = perf event id, a[0] = cpu; fds: memfd, eventfd */
	AGENT_MSG_PROG = 3,        /* id = prog id, a[0] type, a[1] slots, a[2] code bytes, a[3] entry, a[4] tail-call entry; flags = the image's frames */
	AGENT_MSG_ATTACH = 4,      /* id = attachment id, a[0] prog id, a[1] hook, a[2] nr/offset, a[3] ref_ctr, a[4] cookie */
	AGENT_MSG_DETACH = 5,      /* id = attachment id */
	AGENT_MSG_SYNCED = 6,      /* the state at connect time is complete */
	AGENT_MSG_PROG_FREE = 7,   /* id = a program the service freed */
	AGENT_MSG_MAP_FREE = 8,    /* id = a map the service freed */
	AGENT_MSG_PERF_BUFFER_FREE = 9, /* id = a perf event the service freed */
	AGENT_MSG_BARRIER = 10,    /* id = a sequence number: answer ACK once everything before is applied */
	AGENT_MSG_ACK = 11,        /* agent to service, the only message it sends after hello: id = the BARRIER's */
	AGENT_MSG_PAYLOAD = 12,    /* the next message's payload (larger than a socket buffer may hold), in a
				      memfd: a[0] = its length; the next message has payload_len 0 */
};

enum agent_hook {
	AGENT_HOOK_SYSCALL_TRACEPOINT = 1,
	AGENT_HOOK_RAW_SYSCALL = 2,
	AGENT_HOOK_UPROBE = 3,
};

#define AGENT_MSG_F_EXIT 0x1u /* sys_exit / uretprobe */

struct agent_msg {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t id;
	uint32_t flags;
	uint64_t a[5];
	uint32_t payload_len;
	uint32_t nfds;
};

/* One relocation of a program's JIT image: struct bpftime_jit_reloc's layout. */
struct agent_reloc {
	uint32_t offset;
	uint32_t kind;
	int32_t key;
	uint32_t pad;
	int64_t addend;
};

_Static_assert(sizeof(struct agent_request) == 72, "request header");
_Static_assert(sizeof(struct agent_reply) == 32, "reply header");
_Static_assert(sizeof(struct agent_msg) == 64, "agent message header");
_Static_assert(sizeof(struct agent_reloc) == 24, "relocation");

#endif
