/*
 * The size rules of every call (kernel/bpf/syscall.c, __sys_bpf and bpf_check_uarg_tail_zero):
 * more than a page is E2BIG; bytes beyond the kernel's union must be zero (E2BIG) and readable
 * (EFAULT); the copied part must be readable (EFAULT); an unknown command is EINVAL; a non-zero byte
 * after the command's last field is EINVAL (CHECK_ATTR).
 */
#include "bpf_case.h"

#include <sys/mman.h>

static void get_fd_by_id_zero(const char *name, void *attr, unsigned long size, int expected_errno)
{
	long r = sys_bpf(BPF_PROG_GET_FD_BY_ID, attr, size);
	int e = errno;
	expect_ret(name, 0, expected_errno, r, e);
	if (r >= 0)
		close((int)r);
}

int cases_attr(void)
{
	long page = page_size();
	char *big = calloc(1, page + 16);
	char *hole = page_before_hole();
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	r = sys_bpf(999, &attr, sizeof(attr));
	expect_ret("attr.unknown_cmd_999", 0, EINVAL, r, errno);
	r = sys_bpf(-1, &attr, sizeof(attr));
	expect_ret("attr.unknown_cmd_minus1", 0, EINVAL, r, errno);

	/* prog_id 0 never exists: ENOENT shows the call got past the size rules. */
	get_fd_by_id_zero("attr.get_fd_by_id_0", &attr, sizeof(attr), ENOENT);
	get_fd_by_id_zero("attr.size_0_null", NULL, 0, ENOENT);
	get_fd_by_id_zero("attr.size_page_zero_tail", big, page, ENOENT);
	get_fd_by_id_zero("attr.size_over_page", big, page + 1, E2BIG);
	big[page - 1] = 1;
	get_fd_by_id_zero("attr.nonzero_at_page_end", big, page, E2BIG);
	big[page - 1] = 0;
	big[1000] = 7;
	get_fd_by_id_zero("attr.nonzero_at_1000", big, page, E2BIG);
	get_fd_by_id_zero("attr.nonzero_beyond_size", big, 999, ENOENT);
	big[1000] = 0;

	get_fd_by_id_zero("attr.null_attr", NULL, 8, EFAULT);
	/* 8 readable bytes, then the hole: the copy of the first bytes faults. */
	get_fd_by_id_zero("attr.copy_faults", hole + page - 8, 16, EFAULT);
	/* A readable head but a tail (beyond the union) running into the hole. */
	get_fd_by_id_zero("attr.tail_faults", hole + page - 300, 400, EFAULT);
	/* Exactly up to the hole is fine. */
	get_fd_by_id_zero("attr.ends_at_hole", hole + page - 8, 8, ENOENT);

	/* CHECK_ATTR: BPF_PROG_GET_FD_BY_ID uses prog_id only; next_id must be zero. */
	memset(&attr, 0, sizeof(attr));
	attr.next_id = 1;
	get_fd_by_id_zero("attr.check_attr_next_id", &attr, sizeof(attr), EINVAL);
	/* ... but a short size that leaves it out never sees it. */
	get_fd_by_id_zero("attr.check_attr_short_size", &attr, 4, ENOENT);

	/* BPF_OBJ_GET_INFO_BY_FD's last field is info.info (bytes 8..16). */
	memset(&attr, 0, sizeof(attr));
	((char *)&attr)[16] = 1;
	attr.info.bpf_fd = 0;
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
	expect_ret("attr.check_attr_info", 0, EINVAL, r, errno);

	/* Unknown command beats a bad size? No: the size rules come first. */
	r = sys_bpf(999, big, page + 1);
	expect_ret("attr.unknown_cmd_over_page", 0, E2BIG, r, errno);
	r = sys_bpf(999, NULL, 8);
	expect_ret("attr.unknown_cmd_null", 0, EFAULT, r, errno);

	free(big);
	munmap(hole, 2 * page);
	return 0;
}
