/*
 * The attachments the service sent: each installs its program at a uprobe or uretprobe (the probe
 * engine, bpftime_probe.h) or at a syscall tracepoint (syscall_tracepoints.c). Only the control
 * thread touches this table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpftime_probe.h"
#include "control.h"

#define MAX_ATTACHMENTS 4096

struct attachment {
	uint32_t id;
	uint32_t hook;
	int engine_id;          /* uprobes: bpftime_probe_attach's id */
	uint16_t *semaphore;    /* USDT: the counter this attachment holds up */
	int confirmed;
};

static struct attachment table[MAX_ATTACHMENTS];
static unsigned count;

static struct attachment *find(uint32_t id)
{
	for (unsigned i = 0; i < count; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

static int attach_uprobe(struct attachment *a, const struct agent_msg *m, const struct agent_prog *p, const char *path)
{
	struct bpftime_probe_spec spec = {
		.kind = (m->flags & AGENT_MSG_F_EXIT) ? BPFTIME_PROBE_RETURN : BPFTIME_PROBE_ENTRY,
		.path = path, .offset = m->a[2],
	};
	struct bpftime_probe_prog prog = { .jit = p->entry, .vm = p->vm,
					   .flags = p->calls_nothing ? BPFTIME_PROBE_PROG_F_GPR_ONLY |
									       BPFTIME_PROBE_PROG_F_NO_HELPERS
									     : 0 };
	int err = 0;

	if (m->a[3]) {
		a->semaphore = usdt_semaphore(path, m->a[3], &err);
		if (!a->semaphore) {
			agent_log("attachment %u: USDT semaphore at offset %#llx of %s not found: %s", m->id,
				  (unsigned long long)m->a[3], path, strerror(-err));
			return err;
		}
	}
	a->engine_id = bpftime_probe_attach(&spec, prog, m->a[4]);
	if (a->engine_id < 0)
		return a->engine_id;
	if (a->semaphore)
		__atomic_add_fetch(a->semaphore, 1, __ATOMIC_RELAXED);
	return 0;
}

int attachments_add(const struct agent_msg *m, const char *path)
{
	struct attachment *a = find(m->id);
	const struct agent_prog *p = objects_prog((uint32_t)m->a[0]);
	int err;

	if (a) {
		a->confirmed = 1; /* inherited across fork: already installed */
		return 0;
	}
	if (!p) {
		agent_log("attachment %u: program %llu unknown", m->id, (unsigned long long)m->a[0]);
		return -ENOENT;
	}
	if (count == MAX_ATTACHMENTS)
		return -ENOSPC;
	a = &table[count];
	*a = (struct attachment){ .id = m->id, .hook = (uint32_t)m->a[1], .engine_id = -1, .confirmed = 1 };
	switch (a->hook) {
	case AGENT_HOOK_UPROBE:
		err = attach_uprobe(a, m, p, path);
		break;
	case AGENT_HOOK_SYSCALL_TRACEPOINT:
	case AGENT_HOOK_RAW_SYSCALL:
		err = syscall_tp_add(m->id, p, a->hook == AGENT_HOOK_RAW_SYSCALL, (int)m->a[2],
				     (m->flags & AGENT_MSG_F_EXIT) != 0, m->a[4]);
		break;
	default:
		err = -EINVAL;
	}
	if (err) {
		agent_log("attachment %u of program %u (hook %u, %s%s%#llx): not installed: %s", m->id, p->id, a->hook,
			  path ? path : "", path ? "+" : "nr ", (unsigned long long)m->a[2], strerror(-err));
		return err;
	}
	count++;
	agent_log("attachment %u of program %u installed (hook %u, %s%s%#llx%s)", m->id, p->id, a->hook,
		  path ? path : "", path ? "+" : "nr ", (unsigned long long)m->a[2],
		  (m->flags & AGENT_MSG_F_EXIT) ? ", exit" : "");
	return 0;
}

static void uninstall(struct attachment *a)
{
	if (a->hook == AGENT_HOOK_UPROBE) {
		if (a->engine_id >= 0)
			bpftime_probe_detach(a->engine_id);
		if (a->semaphore)
			__atomic_sub_fetch(a->semaphore, 1, __ATOMIC_RELAXED);
	} else {
		syscall_tp_remove(a->id);
	}
	agent_log("attachment %u removed", a->id);
	*a = table[--count];
}

int attachments_remove(uint32_t id)
{
	struct attachment *a = find(id);

	if (!a)
		return -ENOENT;
	uninstall(a);
	return 0;
}

void attachments_remove_all(void)
{
	while (count)
		uninstall(&table[count - 1]);
}

void attachments_unconfirm_all(void)
{
	for (unsigned i = 0; i < count; i++)
		table[i].confirmed = 0;
}

void attachments_remove_unconfirmed(void)
{
	for (unsigned i = count; i-- > 0;)
		if (!table[i].confirmed)
			uninstall(&table[i]);
}
