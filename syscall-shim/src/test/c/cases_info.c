/*
 * BPF_OBJ_GET_INFO_BY_FD on programs (kernel/bpf/syscall.c bpf_obj_get_info_by_fd and
 * bpf_prog_get_info_by_fd): EBADFD for a closed fd, EINVAL for a non-BPF one, info_len's tail rules,
 * the fields a loader and bpftool read, the tag (SHA-1 of the instructions) and the xlated copy.
 */
#include "bpf_case.h"

#include <fcntl.h>

int cases_info(void)
{
	struct bpf_prog_info info;
	unsigned char big[400];
	struct bpf_insn xlated[8];
	char tag[17];
	unsigned len;
	int pipefd[2];
	long fd, r;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)prog_lddw;
	attr.insn_cnt = 4;
	attr.license = (uintptr_t)"Dual BSD/GPL";
	strcpy(attr.prog_name, "info_probe");
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	expect_ret("info.load", 3, 0, fd, errno);

	memset(&info, 0, sizeof(info));
	r = obj_info((int)fd, &info, sizeof(info), &len);
	expect_ret("info.get", 0, 0, r, errno);
	expect_long("info.info_len", sizeof(info), len);
	expect_long("info.type", BPF_PROG_TYPE_SOCKET_FILTER, info.type);
	expect_long("info.id_positive", 1, info.id > 0);
	expect_str("info.name", "info_probe", info.name);
	expect_long("info.gpl_compatible", 1, info.gpl_compatible);
	expect_long("info.created_by_uid_is_caller", 1, info.created_by_uid == getuid());
	expect_long("info.xlated_prog_len", 4 * 8, info.xlated_prog_len);
	expect_long("info.nr_map_ids", 0, info.nr_map_ids);
	expect_long("info.load_time_positive", 1, info.load_time > 0);
	expect_long("info.nr_jited_ksyms", 1, info.nr_jited_ksyms);
	expect_long("info.nr_jited_func_lens", 1, info.nr_jited_func_lens);
	expect_long("info.nr_prog_tags", 1, info.nr_prog_tags);
	expect_long("info.func_info_rec_size", 8, info.func_info_rec_size);
	expect_long("info.line_info_rec_size", 16, info.line_info_rec_size);
	expect_long("info.jited_line_info_rec_size", 8, info.jited_line_info_rec_size);
	expect_long("info.run_cnt", 0, info.run_cnt);
	expect_long("info.verified_insns", 3, info.verified_insns);
	tag_hex((int)fd, tag);
	observe("info.tag", "%s", tag);

	memset(&info, 0, sizeof(info));
	memset(xlated, 0xee, sizeof(xlated));
	info.xlated_prog_len = sizeof(xlated);
	info.xlated_prog_insns = (uintptr_t)xlated;
	r = obj_info((int)fd, &info, sizeof(info), NULL);
	expect_ret("info.xlated", 0, 0, r, errno);
	expect_long("info.xlated_equals_loaded", 0, memcmp(xlated, prog_lddw, sizeof(prog_lddw)));
	expect_long("info.xlated_rest_untouched", 0xee, ((unsigned char *)xlated)[sizeof(prog_lddw)]);
	memset(&info, 0, sizeof(info));
	memset(xlated, 0xee, sizeof(xlated));
	info.xlated_prog_len = 12;
	info.xlated_prog_insns = (uintptr_t)xlated;
	r = obj_info((int)fd, &info, sizeof(info), NULL);
	expect_long("info.xlated_partial.len", 32, info.xlated_prog_len);
	expect_long("info.xlated_partial.stops_at_12", 0xee, ((unsigned char *)xlated)[12]);

	memset(&info, 0xab, sizeof(info));
	r = obj_info((int)fd, &info, 8, &len);
	expect_ret("info.short_len", 0, 0, r, errno);
	expect_long("info.short_len.info_len", 8, len);
	expect_long("info.short_len.id_written", 1, info.id > 0 && info.id != 0xabababab);
	expect_long("info.short_len.rest_untouched", 0xab, ((unsigned char *)&info)[8]);

	memset(big, 0, sizeof(big));
	r = obj_info((int)fd, big, sizeof(big), &len);
	expect_ret("info.long_zero_tail", 0, 0, r, errno);
	expect_long("info.long_zero_tail.info_len", sizeof(info), len);
	memset(big, 0, sizeof(big));
	big[sizeof(big) - 1] = 1;
	r = obj_info((int)fd, big, sizeof(big), &len);
	expect_ret("info.long_nonzero_tail", 0, E2BIG, r, errno);
	r = obj_info((int)fd, big, 4097, &len);
	expect_ret("info.len_over_page", 0, E2BIG, r, errno);
	r = obj_info((int)fd, NULL, sizeof(info), &len);
	expect_ret("info.null_info", 0, EFAULT, r, errno);
	r = obj_info((int)fd, NULL, 0, &len);
	expect_ret("info.null_info_len_0", 0, 0, r, errno);
	expect_long("info.null_info_len_0.info_len", 0, len);

	memset(&info, 0, sizeof(info));
	info.func_info_rec_size = 3;
	r = obj_info((int)fd, &info, sizeof(info), NULL);
	expect_ret("info.bad_func_info_rec_size", 0, EINVAL, r, errno);

	r = obj_info(900, &info, sizeof(info), NULL);
	expect_ret("info.closed_fd", 0, EBADFD, r, errno);
	r = obj_info(-1, &info, sizeof(info), NULL);
	expect_ret("info.negative_fd", 0, EBADFD, r, errno);
	if (pipe(pipefd) == 0) {
		r = obj_info(pipefd[0], &info, sizeof(info), NULL);
		expect_ret("info.pipe_fd", 0, EINVAL, r, errno);
		close(pipefd[0]);
		close(pipefd[1]);
	}

	/* The tag is the kernel's: SHA-1 over the instructions (kernel/bpf/core.c bpf_prog_calc_tag). */
	close((int)fd);
	fd = load_prog(prog_ret0, 2, NULL, NULL);
	tag_hex((int)fd, tag);
	observe("info.tag_ret0", "%s", tag);
	close((int)fd);
	return 0;
}
