/*
 * Bad input per bpf() command (bpf_cases badinput N SEED): for every command of enum bpf_cmd (Linux
 * 6.18's 0..37; MAP_CREATE twice, of an array with BTF and of a map of maps; two unknown numbers), N cases that each take a valid call of that command and
 * break one thing:
 *   size     the attr size: 0, short (fields cut off), the union, longer with a zero or a non-zero
 *            tail (E2BIG), beyond a page (E2BIG)
 *   attr     the attr pointer into or just before unmapped memory (EFAULT)
 *   unused   a non-zero byte after the command's last field, up to Linux 6.18's union (168 bytes;
 *            this host's 6.1 header has 144): EINVAL from CHECK_ATTR, or what the kernel makes of a
 *            field 6.1 lacks
 *   pointer  one of the command's pointers (key, value, insns, log, info, path...) to unmapped memory
 *            or straddling into it (EFAULT)
 *   fd       one of its descriptors closed, -1 or huge (EBADF)
 *   kind     one of its descriptors of the wrong kind: a map for a program, a pipe, a BTF... (EINVAL)
 * Each case prints "bad.COMMAND.I.CATEGORY: outcome"; the harness compares the transcript with the
 * kernel's (as root) and counts the service's descriptors and objects before and after. A call that
 * makes a descriptor has it closed at once; no case makes a pin, attaches to a real hook or enables
 * kernel statistics, so running it against the kernel changes nothing on the host.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>

enum field_kind { NONE, FD_MAP, FD_PROG, FD_BTF, FD_LINK, FD_ANY, FD_ZERO, PTR };

struct field {
	unsigned off;
	enum field_kind kind;
};

#define TAIL_START 256
/* sizeof(union bpf_attr) of Linux 6.18, whose fields the service follows. */
#define UNION_6_18 168

#define FIELD(name, kind) { offsetof(union bpf_attr, name), kind }
#define MAX_FIELDS 6

struct objects {
	int array, hash, freezable, prog, tp_prog, raw_prog, btf, link, pipe;
	unsigned prog_id, map_id, btf_id, link_id;
};

struct command {
	long cmd;
	const char *name;
	/* The end of the command's last field: bytes from here to the union's end must be zero. */
	unsigned used;
	void (*fill)(union bpf_attr *a, const struct objects *o);
	struct field fields[MAX_FIELDS];
	int makes_fd;
};

/* Buffers the valid calls point to; a pointer case replaces one with an address in the hole. */
static unsigned char key_buf[64], value_buf[256], out_buf[4096], info_buf[512], log_buf[4096];
static unsigned char btf_buf[256];
static unsigned btf_len;
static char *hole; /* a page followed by an inaccessible one */

static uint64_t ptr(const void *p)
{
	return (uintptr_t)p;
}

static void put_u32(union bpf_attr *a, unsigned off, uint32_t v)
{
	memcpy((char *)a + off, &v, sizeof(v));
}

static void put_u64(union bpf_attr *a, unsigned off, uint64_t v)
{
	memcpy((char *)a + off, &v, sizeof(v));
}

#define END(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* An array typed by the BTF object (btf_blob: 1 int, 2 a pointer to it, 3 struct pair of two ints). */
static void fill_map_create(union bpf_attr *a, const struct objects *o)
{
	a->map_type = BPF_MAP_TYPE_ARRAY;
	a->key_size = 4;
	a->value_size = 8;
	a->max_entries = 2;
	a->btf_fd = o->btf;
	a->btf_key_type_id = 1;
	a->btf_value_type_id = 3;
}

static void fill_map_of_maps(union bpf_attr *a, const struct objects *o)
{
	a->map_type = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	a->key_size = 4;
	a->value_size = 4;
	a->max_entries = 2;
	a->inner_map_fd = o->array;
}

static void fill_elem(union bpf_attr *a, int fd)
{
	a->map_fd = fd;
	a->key = ptr(key_buf);
	a->value = ptr(value_buf);
}

static void fill_lookup(union bpf_attr *a, const struct objects *o)
{
	fill_elem(a, o->array);
}

static void fill_update(union bpf_attr *a, const struct objects *o)
{
	fill_elem(a, o->hash);
}

static void fill_delete(union bpf_attr *a, const struct objects *o)
{
	fill_elem(a, o->hash);
	a->value = 0;
}

static void fill_next_key(union bpf_attr *a, const struct objects *o)
{
	a->map_fd = o->array;
	a->key = ptr(key_buf);
	a->next_key = ptr(value_buf);
}

static void fill_freeze(union bpf_attr *a, const struct objects *o)
{
	a->map_fd = o->freezable;
}

static void fill_prog_load(union bpf_attr *a, const struct objects *o)
{
	(void)o;
	a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a->insns = ptr(prog_ret0);
	a->insn_cnt = 2;
	a->license = ptr("GPL");
	a->log_level = 1;
	a->log_buf = ptr(log_buf);
	a->log_size = sizeof(log_buf);
}

/* A pin path whose parent does not exist: no case can make a pin. */
static const char missing_path[] = "/sys/fs/bpf/bpftime-badinput-no-such-dir/pin";

static void fill_obj_pin(union bpf_attr *a, const struct objects *o)
{
	a->bpf_fd = o->array;
	a->pathname = ptr(missing_path);
}

static void fill_obj_get(union bpf_attr *a, const struct objects *o)
{
	(void)o;
	a->pathname = ptr(missing_path);
}

static void fill_prog_attach(union bpf_attr *a, const struct objects *o)
{
	/* A cgroup attach type with a pipe as the cgroup: never a real attachment. */
	a->target_fd = o->pipe;
	a->attach_bpf_fd = o->prog;
	a->attach_type = BPF_CGROUP_INET_INGRESS;
}

static void fill_prog_detach(union bpf_attr *a, const struct objects *o)
{
	a->target_fd = o->pipe;
	a->attach_type = BPF_CGROUP_INET_INGRESS;
}

static void fill_test_run(union bpf_attr *a, const struct objects *o)
{
	a->test.prog_fd = o->prog;
	a->test.data_in = ptr(value_buf);
	a->test.data_size_in = 60;
	a->test.data_out = ptr(out_buf);
	a->test.data_size_out = 60;
	a->test.repeat = 1;
}

static void fill_next_id(union bpf_attr *a, const struct objects *o)
{
	(void)o;
	a->start_id = 0;
}

static void fill_prog_by_id(union bpf_attr *a, const struct objects *o)
{
	a->prog_id = o->prog_id;
}

static void fill_map_by_id(union bpf_attr *a, const struct objects *o)
{
	a->map_id = o->map_id;
}

static void fill_btf_by_id(union bpf_attr *a, const struct objects *o)
{
	a->btf_id = o->btf_id;
}

static void fill_link_by_id(union bpf_attr *a, const struct objects *o)
{
	a->link_id = o->link_id;
}

static void fill_info(union bpf_attr *a, const struct objects *o)
{
	a->info.bpf_fd = o->prog;
	a->info.info = ptr(info_buf);
	a->info.info_len = 64;
}

static void fill_query(union bpf_attr *a, const struct objects *o)
{
	a->query.target_fd = o->pipe;
	a->query.attach_type = BPF_CGROUP_INET_INGRESS;
	a->query.prog_ids = ptr(out_buf);
	a->query.prog_cnt = 4;
}

static void fill_raw_tp(union bpf_attr *a, const struct objects *o)
{
	a->raw_tracepoint.name = ptr("sys_enter");
	a->raw_tracepoint.prog_fd = o->raw_prog;
}

static void fill_btf_load(union bpf_attr *a, const struct objects *o)
{
	(void)o;
	a->btf = ptr(btf_buf);
	a->btf_size = btf_len;
	a->btf_log_buf = ptr(log_buf);
	a->btf_log_size = sizeof(log_buf);
	a->btf_log_level = 1;
}

static void fill_task_fd_query(union bpf_attr *a, const struct objects *o)
{
	a->task_fd_query.pid = (unsigned)getpid();
	a->task_fd_query.fd = o->link;
	a->task_fd_query.buf = ptr(out_buf);
	a->task_fd_query.buf_len = 64;
}

static void fill_batch(union bpf_attr *a, const struct objects *o)
{
	a->batch.map_fd = o->hash;
	a->batch.out_batch = ptr(info_buf);
	a->batch.keys = ptr(key_buf);
	a->batch.values = ptr(value_buf);
	a->batch.count = 1;
}

static void fill_link_create(union bpf_attr *a, const struct objects *o)
{
	/* The target is a pipe, not a perf event: the link can never be made. */
	a->link_create.prog_fd = o->tp_prog;
	a->link_create.target_fd = o->pipe;
	a->link_create.attach_type = BPF_PERF_EVENT;
}

static void fill_link_update(union bpf_attr *a, const struct objects *o)
{
	a->link_update.link_fd = o->link;
	a->link_update.new_prog_fd = o->raw_prog;
}

static void fill_enable_stats(union bpf_attr *a, const struct objects *o)
{
	/* Never a valid type: a case must not switch the kernel's run-time statistics on. */
	(void)o;
	a->enable_stats.type = 1000;
}

static void fill_link_fd(union bpf_attr *a, const struct objects *o)
{
	a->link_detach.link_fd = o->link;
}

static void fill_bind(union bpf_attr *a, const struct objects *o)
{
	a->prog_bind_map.prog_fd = o->prog;
	a->prog_bind_map.map_fd = o->array;
}

/* BPF_TOKEN_CREATE (Linux 6.9): flags @0, bpffs_fd @4; a pipe is no bpffs, so no token is ever made. */
static void fill_token_create(union bpf_attr *a, const struct objects *o)
{
	put_u32(a, 4, (uint32_t)o->pipe);
}

/* BPF_PROG_STREAM_READ_BY_FD (Linux 6.17): stream_buf @0, stream_buf_len @8, stream_id @12, prog_fd @16. */
static void fill_stream_read(union bpf_attr *a, const struct objects *o)
{
	put_u64(a, 0, ptr(out_buf));
	put_u32(a, 8, 64);
	put_u32(a, 12, 1);
	put_u32(a, 16, (uint32_t)o->prog);
}

static void fill_nothing(union bpf_attr *a, const struct objects *o)
{
	(void)a;
	(void)o;
}

#define ELEM_FIELDS { FIELD(map_fd, FD_MAP), FIELD(key, PTR), FIELD(value, PTR) }
#define BATCH_FIELDS { FIELD(batch.map_fd, FD_MAP), FIELD(batch.out_batch, PTR), FIELD(batch.keys, PTR), \
		       FIELD(batch.values, PTR) }

static const struct command commands[] = {
	{ BPF_MAP_CREATE, "MAP_CREATE", END(map_extra), fill_map_create,
	  { FIELD(btf_fd, FD_BTF) }, 1 },
	{ BPF_MAP_CREATE, "MAP_CREATE_OF_MAPS", END(map_extra), fill_map_of_maps,
	  { FIELD(inner_map_fd, FD_MAP) }, 1 },
	{ BPF_MAP_LOOKUP_ELEM, "MAP_LOOKUP_ELEM", END(flags), fill_lookup, ELEM_FIELDS, 0 },
	{ BPF_MAP_UPDATE_ELEM, "MAP_UPDATE_ELEM", END(flags), fill_update, ELEM_FIELDS, 0 },
	{ BPF_MAP_DELETE_ELEM, "MAP_DELETE_ELEM", END(flags), fill_delete,
	  { FIELD(map_fd, FD_MAP), FIELD(key, PTR) }, 0 },
	{ BPF_MAP_GET_NEXT_KEY, "MAP_GET_NEXT_KEY", END(next_key), fill_next_key,
	  { FIELD(map_fd, FD_MAP), FIELD(key, PTR), FIELD(next_key, PTR) }, 0 },
	{ BPF_PROG_LOAD, "PROG_LOAD", END(core_relo_rec_size), fill_prog_load,
	  { FIELD(insns, PTR), FIELD(license, PTR), FIELD(log_buf, PTR) }, 1 },
	{ BPF_OBJ_PIN, "OBJ_PIN", END(file_flags), fill_obj_pin,
	  { FIELD(bpf_fd, FD_ANY), FIELD(pathname, PTR) }, 0 },
	{ BPF_OBJ_GET, "OBJ_GET", END(file_flags), fill_obj_get,
	  { FIELD(bpf_fd, FD_ZERO), FIELD(pathname, PTR) }, 1 },
	{ BPF_PROG_ATTACH, "PROG_ATTACH", END(replace_bpf_fd), fill_prog_attach,
	  { FIELD(target_fd, FD_ANY), FIELD(attach_bpf_fd, FD_PROG) }, 0 },
	{ BPF_PROG_DETACH, "PROG_DETACH", END(attach_type), fill_prog_detach,
	  { FIELD(target_fd, FD_ANY) }, 0 },
	{ BPF_PROG_TEST_RUN, "PROG_TEST_RUN", END(test.batch_size), fill_test_run,
	  { FIELD(test.prog_fd, FD_PROG), FIELD(test.data_in, PTR), FIELD(test.data_out, PTR) }, 0 },
	{ BPF_PROG_GET_NEXT_ID, "PROG_GET_NEXT_ID", END(open_flags), fill_next_id, { { 0, NONE } }, -1 },
	{ BPF_MAP_GET_NEXT_ID, "MAP_GET_NEXT_ID", END(open_flags), fill_next_id, { { 0, NONE } }, -1 },
	{ BPF_PROG_GET_FD_BY_ID, "PROG_GET_FD_BY_ID", END(open_flags), fill_prog_by_id, { { 0, NONE } }, 1 },
	{ BPF_MAP_GET_FD_BY_ID, "MAP_GET_FD_BY_ID", END(open_flags), fill_map_by_id, { { 0, NONE } }, 1 },
	{ BPF_OBJ_GET_INFO_BY_FD, "OBJ_GET_INFO_BY_FD", END(info.info), fill_info,
	  { FIELD(info.bpf_fd, FD_ANY), FIELD(info.info, PTR) }, 0 },
	{ BPF_PROG_QUERY, "PROG_QUERY", END(query.prog_cnt), fill_query,
	  { FIELD(query.target_fd, FD_ANY), FIELD(query.prog_ids, PTR) }, 0 },
	{ BPF_RAW_TRACEPOINT_OPEN, "RAW_TRACEPOINT_OPEN", END(raw_tracepoint.prog_fd), fill_raw_tp,
	  { FIELD(raw_tracepoint.name, PTR), FIELD(raw_tracepoint.prog_fd, FD_PROG) }, 1 },
	{ BPF_BTF_LOAD, "BTF_LOAD", END(btf_log_level), fill_btf_load,
	  { FIELD(btf, PTR), FIELD(btf_log_buf, PTR) }, 1 },
	{ BPF_BTF_GET_FD_BY_ID, "BTF_GET_FD_BY_ID", END(open_flags), fill_btf_by_id, { { 0, NONE } }, 1 },
	{ BPF_TASK_FD_QUERY, "TASK_FD_QUERY", END(task_fd_query.probe_addr), fill_task_fd_query,
	  { FIELD(task_fd_query.fd, FD_ANY), FIELD(task_fd_query.buf, PTR) }, 0 },
	{ BPF_MAP_LOOKUP_AND_DELETE_ELEM, "MAP_LOOKUP_AND_DELETE_ELEM", END(flags), fill_lookup, ELEM_FIELDS, 0 },
	{ BPF_MAP_FREEZE, "MAP_FREEZE", END(map_fd), fill_freeze, { FIELD(map_fd, FD_MAP) }, 0 },
	{ BPF_BTF_GET_NEXT_ID, "BTF_GET_NEXT_ID", END(open_flags), fill_next_id, { { 0, NONE } }, -1 },
	{ BPF_MAP_LOOKUP_BATCH, "MAP_LOOKUP_BATCH", END(batch.flags), fill_batch, BATCH_FIELDS, 0 },
	{ BPF_MAP_LOOKUP_AND_DELETE_BATCH, "MAP_LOOKUP_AND_DELETE_BATCH", END(batch.flags), fill_batch, BATCH_FIELDS, 0 },
	{ BPF_MAP_UPDATE_BATCH, "MAP_UPDATE_BATCH", END(batch.flags), fill_batch, BATCH_FIELDS, 0 },
	{ BPF_MAP_DELETE_BATCH, "MAP_DELETE_BATCH", END(batch.flags), fill_batch, BATCH_FIELDS, 0 },
	{ BPF_LINK_CREATE, "LINK_CREATE", sizeof(union bpf_attr), fill_link_create,
	  { FIELD(link_create.prog_fd, FD_PROG), FIELD(link_create.target_fd, FD_ANY) }, 1 },
	{ BPF_LINK_UPDATE, "LINK_UPDATE", END(link_update.old_prog_fd), fill_link_update,
	  { FIELD(link_update.link_fd, FD_LINK), FIELD(link_update.new_prog_fd, FD_PROG) }, 0 },
	{ BPF_LINK_GET_FD_BY_ID, "LINK_GET_FD_BY_ID", END(open_flags), fill_link_by_id, { { 0, NONE } }, 1 },
	{ BPF_LINK_GET_NEXT_ID, "LINK_GET_NEXT_ID", END(open_flags), fill_next_id, { { 0, NONE } }, -1 },
	{ BPF_ENABLE_STATS, "ENABLE_STATS", END(enable_stats.type), fill_enable_stats, { { 0, NONE } }, 1 },
	{ BPF_ITER_CREATE, "ITER_CREATE", END(iter_create.flags), fill_link_fd, { FIELD(iter_create.link_fd, FD_LINK) }, 1 },
	{ BPF_LINK_DETACH, "LINK_DETACH", END(link_detach.link_fd), fill_link_fd, { FIELD(link_detach.link_fd, FD_LINK) }, 0 },
	{ BPF_PROG_BIND_MAP, "PROG_BIND_MAP", END(prog_bind_map.flags), fill_bind,
	  { FIELD(prog_bind_map.prog_fd, FD_PROG), FIELD(prog_bind_map.map_fd, FD_MAP) }, 0 },
	{ 36, "TOKEN_CREATE", 8, fill_token_create, { { 4, FD_ANY } }, 1 },
	{ 37, "PROG_STREAM_READ_BY_FD", 20, fill_stream_read, { { 0, PTR }, { 16, FD_PROG } }, 0 },
	{ 1000, "UNKNOWN_1000", 0, fill_nothing, { { 0, NONE } }, 0 },
	{ -1, "UNKNOWN_MINUS_1", 0, fill_nothing, { { 0, NONE } }, 0 },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static unsigned field_count(const struct command *c)
{
	unsigned n = 0;
	while (n < MAX_FIELDS && c->fields[n].kind != NONE)
		n++;
	return n;
}

/* Whether the command's valid call names one of our objects by id (its first four bytes). */
static int carries_id(const struct command *c)
{
	return c->fill == fill_prog_by_id || c->fill == fill_map_by_id || c->fill == fill_btf_by_id ||
	       c->fill == fill_link_by_id;
}

static int wrong_kind(const struct objects *o, enum field_kind want)
{
	const int pool[] = { o->array, o->hash, o->prog, o->raw_prog, o->btf, o->link, o->pipe, 0 };
	for (;;) {
		int fd = pool[below(sizeof(pool) / sizeof(pool[0]))];
		int is_map = fd == o->array || fd == o->hash;
		int is_prog = fd == o->prog || fd == o->raw_prog;
		if ((want == FD_MAP && is_map) || (want == FD_PROG && is_prog) || (want == FD_BTF && fd == o->btf) ||
		    (want == FD_LINK && fd == o->link) || (want == FD_ZERO && fd == 0))
			continue;
		return fd;
	}
}

static const char *const category_names[] = { "size", "attr", "unused", "pointer", "fd", "kind" };

/* One case: returns the category it made (a command without pointers or fds gets another kind). */
static int make_case(const struct command *c, const struct objects *o, union bpf_attr *a, void **where,
		     unsigned long *size, int category)
{
	unsigned nf = field_count(c);
	long page = page_size();

	/* Every case starts from clean buffers: what a faulting case half-wrote must not steer the next. */
	memset(a, 0, 2 * page);
	memset(hole, 0, page);
	memset(key_buf, 0, sizeof(key_buf));
	memset(value_buf, 0, sizeof(value_buf));
	memset(out_buf, 0, sizeof(out_buf));
	memset(info_buf, 0, sizeof(info_buf));
	memset(log_buf, 0, sizeof(log_buf));
	c->fill(a, o);
	*where = a;
	*size = sizeof(union bpf_attr);
	if ((category == 3 || category >= 4) && nf == 0)
		category = below(3);
	if (category == 3) {
		/* A pointer field, if the command has one. */
		unsigned pick = below(nf);
		for (unsigned i = 0; i < nf && c->fields[pick].kind != PTR; i++)
			pick = (pick + 1) % nf;
		if (c->fields[pick].kind != PTR)
			category = 4;
		else
			put_u64(a, c->fields[pick].off, ptr(hole + page - (below(2) ? 0 : 1 + below(8))));
	}
	if (category >= 4) {
		unsigned pick = below(nf);
		for (unsigned i = 0; i < nf && c->fields[pick].kind == PTR; i++)
			pick = (pick + 1) % nf;
		if (c->fields[pick].kind == PTR) {
			category = 0;
		} else if (category == 4) {
			static const uint32_t bad[] = { 700, 0xffffffffu, 0x7fffffffu, 1023 };
			put_u32(a, c->fields[pick].off, bad[below(4)]);
		} else {
			put_u32(a, c->fields[pick].off, (uint32_t)wrong_kind(o, c->fields[pick].kind));
		}
	}
	if (c->cmd == BPF_ENABLE_STATS && (category == 0 || category == 1)) {
		/* Zeros there would read as type 0, BPF_STATS_RUN_TIME, and switch the kernel's statistics on. */
		category = 2;
	}
	if (category == 0) {
		switch (below(6)) {
		case 0:
			*size = 0;
			break;
		case 1:
			*size = 1 + below(sizeof(union bpf_attr) - 1);
			/* A size that cuts an object id in two leaves a different id on each side (ids are not
			 * the kernel's): keep the id whole or drop it. */
			if (carries_id(c) && *size < 4)
				*size = 0;
			break;
		case 2:
			*size = sizeof(union bpf_attr) + 1 + below(page - sizeof(union bpf_attr));
			break;
		case 3:
			/* A non-zero byte beyond any kernel's union (6.1: 144 bytes, later ones a little more):
			 * E2BIG on every kernel. */
			*size = TAIL_START + 1 + below(page - TAIL_START);
			((char *)a)[TAIL_START + below(*size - TAIL_START)] = 1;
			break;
		case 4:
			*size = page + 1 + below(page);
			break;
		default:
			*size = c->used ? c->used : sizeof(union bpf_attr);
		}
	} else if (category == 1) {
		static const unsigned sizes[] = { 8, 48, sizeof(union bpf_attr) };
		*where = hole + page - (below(2) ? 0 : 8 * below(6));
		*size = sizes[below(3)];
	} else if (category == 2) {
		if (c->used >= UNION_6_18)
			return make_case(c, o, a, where, size, 4);
		((char *)a)[c->used + below(UNION_6_18 - c->used)] = (char)(1 + below(255));
		if (*size < UNION_6_18)
			*size = UNION_6_18;
	}
	return category;
}

static unsigned id_of(int fd)
{
	/* Every info struct starts with type (progs, maps: id second) or id: read a bpf_prog_info-sized one. */
	struct bpf_prog_info info;

	memset(&info, 0, sizeof(info));
	return obj_info(fd, &info, sizeof(info), NULL) == 0 ? info.id : 0;
}

static unsigned link_id_of(int fd)
{
	struct bpf_link_info info;

	memset(&info, 0, sizeof(info));
	return obj_info(fd, &info, sizeof(info), NULL) == 0 ? info.id : 0;
}

static int prog_load_typed(unsigned type)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = ptr(prog_ret0);
	a.insn_cnt = 2;
	a.license = ptr("GPL");
	return (int)sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

static void make_objects(struct objects *o)
{
	union bpf_attr a;
	int p[2];

	o->array = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0, NULL);
	o->hash = (int)map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, NULL);
	o->freezable = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0, NULL);
	o->prog = prog_load_typed(BPF_PROG_TYPE_SOCKET_FILTER);
	o->tp_prog = prog_load_typed(BPF_PROG_TYPE_TRACEPOINT);
	o->raw_prog = prog_load_typed(BPF_PROG_TYPE_RAW_TRACEPOINT);
	btf_len = (unsigned)btf_blob(btf_buf, sizeof(btf_buf));
	o->btf = (int)load_btf(btf_buf, btf_len, NULL, 0, 0, NULL);
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = ptr("sys_enter");
	a.raw_tracepoint.prog_fd = o->raw_prog;
	o->link = (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a));
	if (pipe2(p, O_CLOEXEC) != 0)
		exit(2);
	o->pipe = p[0];
	close(p[1]);
	o->prog_id = id_of(o->prog);
	o->map_id = id_of(o->array);
	o->link_id = link_id_of(o->link);
	{
		struct bpf_btf_info info;
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = o->btf;
		a.info.info = ptr(&info);
		a.info.info_len = sizeof(info);
		o->btf_id = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) == 0 ? info.id : 0;
	}
	if (o->array < 0 || o->hash < 0 || o->freezable < 0 || o->prog < 0 || o->tp_prog < 0 || o->raw_prog < 0 ||
	    o->btf < 0 || o->link < 0 || !o->prog_id || !o->map_id || !o->link_id || !o->btf_id) {
		fprintf(stderr, "badinput: cannot make the objects the cases refer to\n");
		exit(2);
	}
}

static void close_objects(const struct objects *o)
{
	const int fds[] = { o->array, o->hash, o->freezable, o->prog, o->tp_prog, o->raw_prog, o->btf, o->link, o->pipe };
	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}

int cases_badinput(long per_command, uint64_t seed)
{
	long page = page_size(), cases = 0;
	int open_before = open_descriptors_above(2);
	struct objects o;
	union bpf_attr *a;
	char *area;

	hole = page_before_hole();
	/* Two writable pages for the attr (sizes up to a page and beyond), then an inaccessible one. */
	area = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || mprotect(area + 2 * page, page, PROT_NONE) != 0)
		exit(2);
	a = (union bpf_attr *)area;
	make_objects(&o);
	for (unsigned c = 0; c < COMMAND_COUNT; c++) {
		const struct command *cmd = &commands[c];
		random_state = (seed ? seed : 1) ^ ((uint64_t)(c + 1) * 0x9e3779b97f4a7c15ULL);
		for (long i = 0; i < per_command; i++) {
			void *where;
			unsigned long size;
			int category = make_case(cmd, &o, a, &where, &size, (int)(i % 6));
			char name[96], buf[64];
			long r;
			int e;

			errno = 0;
			r = sys_bpf(cmd->cmd, where, size);
			e = errno;
			snprintf(name, sizeof(name), "bad.%s.%ld.%s", cmd->name, i, category_names[category]);
			if (r >= 0) {
				/* A value, not a descriptor: the kernel's and ours are numbered alike but their
				 * next ids are not comparable, so print only that it worked. */
				observe(name, "ok");
				if (cmd->makes_fd > 0 && r > 2)
					close((int)r);
			} else {
				observe(name, "%s", outcome(r, e, buf, sizeof(buf)));
			}
			cases++;
		}
	}
	close_objects(&o);
	munmap(area, 3 * page);
	munmap(hole, 2 * page);
	fprintf(stdout, "badinput.summary: %ld cases, %ld commands\n", cases, (long)COMMAND_COUNT);
	expect_long("badinput.open_after_minus_before", 0, open_descriptors_above(2) - open_before);
	return 0;
}
