/*
 * libbpf's own attach functions (libbpf-dev 1.1) on attach.bpf.o: bpf_program__attach for a
 * tracepoint and a raw tracepoint, bpf_program__attach_uprobe (entry and return, through the uprobe
 * PMU) on a function of this binary, and with "kprobe" as the last argument also
 * bpf_program__attach_kprobe, which must fail as for an unknown function. libbpf's messages are
 * printed as observations, so a warning shows in the transcript. With "hold" as the last argument the
 * attachments stay until stdin ends (a running session for `bpftool perf`); with "pin" the loaded
 * programs are pinned with bpf_program__pin into a folder of bpffs instead (libbpf's make_parent_dir
 * mkdirs it, its check_path statfs's it for BPF_FS_MAGIC), looked at and unpinned.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	printf("libbpf %s: ", level == LIBBPF_WARN ? "warn" : "info");
	return vprintf(fmt, ap);
}

__attribute__((noinline, used)) int attach_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2;
}

static long own_offset(char *exe, size_t len)
{
	char line[512];
	unsigned long start = 0;
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);
	FILE *maps;

	if (n <= 0)
		return -1;
	exe[n] = 0;
	maps = fopen("/proc/self/maps", "re");
	while (maps && fgets(line, sizeof(line), maps)) {
		if (strstr(line, exe)) {
			sscanf(line, "%lx-", &start);
			break;
		}
	}
	if (maps)
		fclose(maps);
	return start ? (long)((unsigned long)attach_target - start) : -1;
}

static void check(const char *what, struct bpf_link *link, int want_errno)
{
	int err = link ? 0 : errno;

	printf("%s: %s\n", what, link ? "attached" : strerror(err));
	if (err != want_errno) {
		fprintf(stderr, "UNEXPECTED %s: actual errno %d vs expected %d\n", what, err, want_errno);
		failures++;
	}
}

/* bpf_program__pin of each loaded program into a new folder, stat of each pin, unpin, rmdir. */
static int pin_programs(struct bpf_object *obj)
{
	struct bpf_program *prog;
	char dir[64], path[128];
	struct stat st;

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/bpftime_attach_%d", (int)getpid());
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__fd(prog) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_program__name(prog));
		int err = bpf_program__pin(prog, path);
		printf("pin %s: %s\n", bpf_program__name(prog), err ? strerror(-err) : "ok");
		if (err) {
			failures++;
			continue;
		}
		printf("stat %s: %s\n", bpf_program__name(prog),
		       stat(path, &st) ? strerror(errno) : S_ISREG(st.st_mode) ? "regular file" : "not a regular file");
		err = bpf_program__unpin(prog, path);
		printf("unpin %s: %s\n", bpf_program__name(prog), err ? strerror(-err) : "ok");
	}
	printf("rmdir: %s\n", rmdir(dir) ? strerror(errno) : "ok");
	return 0;
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX];
	struct bpf_object *obj;
	long off;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s attach.bpf.o [kprobe|hold|pin]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	int hold = argc >= 3 && !strcmp(argv[2], "hold");
	int pin = argc >= 3 && !strcmp(argv[2], "pin");

	if (argc < 3 || hold || pin)
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, "on_kprobe"), false);
	err = bpf_object__load(obj);
	printf("load: %s\n", err ? strerror(-err) : "ok");
	if (err)
		return 1;
	if (pin) {
		pin_programs(obj);
		bpf_object__close(obj);
		return failures ? 1 : 0;
	}
	check("tracepoint", bpf_program__attach(bpf_object__find_program_by_name(obj, "on_openat")), 0);
	check("raw_tracepoint", bpf_program__attach(bpf_object__find_program_by_name(obj, "on_sys_enter")), 0);
	off = own_offset(exe, sizeof(exe));
	check("uprobe", bpf_program__attach_uprobe(bpf_object__find_program_by_name(obj, "on_entry"), false, -1, exe,
						   (size_t)off), 0);
	check("uretprobe", bpf_program__attach_uprobe(bpf_object__find_program_by_name(obj, "on_return"), true, -1, exe,
						      (size_t)off), 0);
	if (argc >= 3 && !hold && !pin)
		check("kprobe", bpf_program__attach(bpf_object__find_program_by_name(obj, "on_kprobe")), ENOENT);
	if (hold) {
		char c;
		printf("holding %d\n", (int)getpid());
		while (read(0, &c, 1) > 0)
			;
	}
	bpf_object__close(obj);
	printf("closed\n");
	return failures ? 1 : 0;
}
