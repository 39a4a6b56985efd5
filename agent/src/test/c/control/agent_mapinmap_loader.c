/*
 * The loader of the agent's map-of-maps end-to-end test, an ordinary libbpf application: it loads
 * agent_mapinmap.bpf.o, attaches its uprobe on target_fn of the target binary (every process) and
 * says "attached"; once the file "insert" exists in its directory it creates two inner maps, puts them
 * into outer_array[0] and outer_hash[5], closes their descriptors (the slots keep them) and says
 * "inserted"; at SIGTERM it finds them again by id and prints their counts and the misses.
 *
 *   agent_mapinmap_loader OBJECT TARGET_BINARY
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int fail(const char *what, int err)
{
	printf("%s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

static __u32 id_of(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

static long long count_of_id(__u32 id)
{
	__u32 zero = 0;
	__u64 n = 0;
	int fd = bpf_map_get_fd_by_id(id);

	if (fd < 0)
		return -1;
	if (bpf_map_lookup_elem(fd, &zero, &n))
		n = (__u64)-1;
	close(fd);
	return (long long)n;
}

int main(int argc, char **argv)
{
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	struct bpf_object *obj;
	__u32 zero = 0, array_key = 0, hash_key = 5, ids[2];
	__u64 misses = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJECT TARGET_BINARY\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	libbpf_set_print(silent);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return fail("open", errno);
	int err = bpf_object__load(obj);
	if (err)
		return fail("load", err);
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .func_name = "target_fn");
	struct bpf_link *up = bpf_program__attach_uprobe_opts(bpf_object__find_program_by_name(obj, "on_target_fn"),
							      -1, argv[2], 0, &uo);
	if (!up)
		return fail("attach uprobe target_fn", errno);
	printf("attached\n");
	while (!stop && access("insert", F_OK) != 0)
		nanosleep(&tick, NULL);
	int outer[2] = { bpf_object__find_map_fd_by_name(obj, "outer_array"),
			 bpf_object__find_map_fd_by_name(obj, "outer_hash") };
	__u32 *keys[2] = { &array_key, &hash_key };
	for (int i = 0; i < 2; i++) {
		int inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, i ? "by_hash" : "by_array", 4, 8, 1, NULL);
		if (inner < 0)
			return fail("create inner map", errno);
		ids[i] = id_of(inner);
		if (bpf_map_update_elem(outer[i], keys[i], &inner, BPF_ANY))
			return fail(i ? "update outer_hash" : "update outer_array", errno);
		close(inner);
	}
	printf("inserted\n");
	while (!stop)
		nanosleep(&tick, NULL);
	bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "misses"), &zero, &misses);
	printf("counts array=%lld hash=%lld misses=%llu\n", count_of_id(ids[0]), count_of_id(ids[1]),
	       (unsigned long long)misses);
	bpf_link__destroy(up);
	bpf_object__close(obj);
	return 0;
}
