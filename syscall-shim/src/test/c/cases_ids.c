/*
 * BPF_PROG_GET_NEXT_ID and BPF_PROG_GET_FD_BY_ID (kernel/bpf/syscall.c bpf_obj_get_next_id,
 * bpf_prog_get_fd_by_id). Ids are global in the kernel, so the cases print relations: our program is
 * found by the walk, the fd from its id names the same program.
 */
#include "bpf_case.h"

static long next_id(unsigned start, unsigned *next)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start;
	r = sys_bpf(BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr));
	*next = attr.next_id;
	return r;
}

static long fd_by_id(unsigned id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
}

static int walk_finds(unsigned want)
{
	unsigned id = 0, next;
	int found = 0, steps = 0;

	while (next_id(id, &next) == 0 && steps++ < 100000) {
		if (next <= id)
			return -1; /* the walk must go up */
		if (next == want)
			found = 1;
		id = next;
	}
	return errno == ENOENT ? found : -2;
}

int cases_ids(void)
{
	unsigned next;
	char tag_a[17], tag_b[17];
	long fd, again, r;
	int id;

	fd = load_prog(prog_lddw, 4, "ids_probe", NULL);
	expect_ret("ids.load", 3, 0, fd, errno);
	id = prog_id_of((int)fd);
	expect_long("ids.walk_finds_ours", 1, walk_finds((unsigned)id));

	again = fd_by_id((unsigned)id);
	expect_ret("ids.fd_by_id", 4, 0, again, errno);
	expect_long("ids.fd_by_id.same_id", 1, prog_id_of((int)again) == id);
	tag_hex((int)fd, tag_a);
	tag_hex((int)again, tag_b);
	expect_str("ids.fd_by_id.same_tag", tag_a, tag_b);

	/* One fd closed, the other still holds the program. */
	close((int)fd);
	expect_long("ids.still_found_after_one_close", 1, walk_finds((unsigned)id));
	close((int)again);
	expect_long("ids.gone_after_last_close", 0, walk_finds((unsigned)id));
	r = fd_by_id((unsigned)id);
	expect_ret("ids.fd_by_id_after_close", 0, ENOENT, r, errno);

	r = fd_by_id(0);
	expect_ret("ids.fd_by_id_0", 0, ENOENT, r, errno);
	r = next_id(0x7fffffffu, &next);
	expect_ret("ids.next_id_from_int_max", 0, EINVAL, r, errno);
	r = next_id(0xffffffffu, &next);
	expect_ret("ids.next_id_from_u32_max", 0, EINVAL, r, errno);
	r = next_id(0x7ffffffeu, &next);
	expect_ret("ids.next_id_past_last", 0, ENOENT, r, errno);
	return 0;
}
