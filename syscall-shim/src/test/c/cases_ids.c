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

static long btf_next_id(unsigned start, unsigned *next)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start;
	r = sys_bpf(BPF_BTF_GET_NEXT_ID, &attr, sizeof(attr));
	*next = attr.next_id;
	return r;
}

/*
 * The kernel's own BTF is an object like a loaded one (kernel/bpf/btf.c btf_parse_vmlinux allocates it
 * an id before any BTF_LOAD can): bpftrace walks BTF ids for the one named "vmlinux" to read the
 * kernel's types. Found by the walk, it is a kernel BTF whose blob is /sys/kernel/btf/vmlinux.
 */
static void btf_vmlinux(void)
{
	static unsigned char sysfs[16 << 20], blob[16 << 20];
	struct bpf_btf_info info;
	union bpf_attr attr;
	char name[64];
	unsigned id = 0, next, lowest = 0, found = 0;
	long sysfs_size = -1, r;
	int fd, steps = 0;
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "re");

	if (f) {
		sysfs_size = (long)fread(sysfs, 1, sizeof(sysfs), f);
		fclose(f);
	}
	while (btf_next_id(id, &next) == 0 && steps++ < 100000 && !found) {
		if (!lowest)
			lowest = next;
		id = next;
		memset(&attr, 0, sizeof(attr));
		attr.btf_id = id;
		fd = (int)sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr, sizeof(attr));
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		memset(name, 0, sizeof(name));
		info.name = (uint64_t)(unsigned long)name;
		info.name_len = sizeof(name);
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uint64_t)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0 && !strcmp(name, "vmlinux")) {
			found = id;
			observe("ids.btf_vmlinux.kernel_btf", "%u name_len %u", info.kernel_btf, info.name_len);
			expect_long("ids.btf_vmlinux.size_is_sysfs_file", 1, (long)info.btf_size == sysfs_size);
			memset(&info, 0, sizeof(info));
			info.btf = (uint64_t)(unsigned long)blob;
			info.btf_size = sizeof(blob);
			r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
			expect_long("ids.btf_vmlinux.blob_is_sysfs_file", 1,
				    r == 0 && (long)info.btf_size == sysfs_size && !memcmp(blob, sysfs, (size_t)sysfs_size));
		}
		close(fd);
	}
	observe("ids.btf_vmlinux.found", "%s", !found ? "no" : found == lowest ? "lowest id" : "not lowest");
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
	btf_vmlinux();
	return 0;
}
