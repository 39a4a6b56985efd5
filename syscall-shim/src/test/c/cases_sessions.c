/*
 * Loader sessions (bpf_cases sessions): two sessions at once each see only their own descriptors; a
 * session killed with SIGKILL in the middle of its calls leaves nothing behind but what it pinned
 * (its map, program, BTF and link ids vanish from GET_NEXT_ID); the pin survives and another process
 * reopens it and finds what the killed session wrote.
 */
#include "bpf_case.h"

#include <signal.h>
#include <sys/wait.h>

/* The object's id from OBJ_GET_INFO_BY_FD: every kind's info holds it in its first 8 bytes. */
static unsigned id_of(int fd, int link)
{
	unsigned char info[256];
	unsigned id;

	memset(info, 0, sizeof(info));
	if (obj_info(fd, info, link ? sizeof(struct bpf_link_info) : 8, NULL) != 0)
		return 0;
	/* bpf_prog_info and bpf_map_info: type, id; bpf_btf_info: btf, btf_size, id; bpf_link_info: type, id. */
	memcpy(&id, info + 4, sizeof(id));
	return id;
}

static unsigned btf_id_of(int fd)
{
	struct bpf_btf_info info;

	memset(&info, 0, sizeof(info));
	return obj_info(fd, &info, sizeof(info), NULL) == 0 ? info.id : 0;
}

static int walk_finds(int cmd, unsigned want)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	while (sys_bpf(cmd, &a, sizeof(a)) == 0) {
		if (a.next_id == want)
			return 1;
		a.start_id = a.next_id;
	}
	return 0;
}

/* The kernel frees a killed task's objects from its exit path and RCU callbacks: allow it 2 s. */
static int gone_soon(int cmd, unsigned want)
{
	for (int i = 0; i < 200 && walk_finds(cmd, want); i++)
		usleep(10000);
	return !walk_finds(cmd, want);
}

static int wait_status(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void read_all(int fd, void *buf, size_t len)
{
	if (read(fd, buf, len) != (ssize_t)len)
		exit(2);
}

static void write_all(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		_exit(3);
}

/*
 * A session: makes `maps` maps, writes its number into each, tells the parent, waits for the go, then
 * checks that its fds name its own maps and that the next fd numbers (the other session's) are not
 * open here. Exit 0 when all held.
 */
static void session(int maps, unsigned mark, int to_parent, int from_parent)
{
	int fds[4], ok = 1;
	char go;

	/* Only the two pipe ends stay, far up, so that this session's first descriptor is 3 as with a fresh loader. */
	if (dup2(to_parent, 60) != 60 || dup2(from_parent, 61) != 61)
		_exit(3);
	to_parent = 60;
	from_parent = 61;
	for (int fd = 3; fd < 60; fd++)
		close(fd);
	for (int i = 0; i < maps; i++) {
		unsigned key = 0;
		unsigned long long value = mark;
		fds[i] = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, NULL);
		ok &= fds[i] == 3 + i && map_elem(BPF_MAP_UPDATE_ELEM, fds[i], &key, &value, 0) == 0;
	}
	write_all(to_parent, &ok, sizeof(ok));
	read_all(from_parent, &go, 1);
	for (int i = 0; i < maps; i++) {
		unsigned key = 0;
		unsigned long long value = 0;
		ok &= map_elem(BPF_MAP_LOOKUP_ELEM, fds[i], &key, &value, 0) == 0 && value == mark;
	}
	for (int fd = 3 + maps; fd < 3 + 4; fd++) {
		unsigned key = 0;
		unsigned long long value = 0;
		ok &= map_elem(BPF_MAP_LOOKUP_ELEM, fd, &key, &value, 0) < 0 && errno == EBADF;
	}
	_exit(ok ? 0 : 1);
}

static void two_sessions_at_once(void)
{
	int up_a[2], up_b[2], down[2], ok_a = 0, ok_b = 0;
	pid_t a, b;

	if (pipe(up_a) || pipe(up_b) || pipe(down))
		exit(2);
	a = fork();
	if (a == 0)
		session(1, 0xa, up_a[1], down[0]);
	b = fork();
	if (b == 0)
		session(3, 0xb, up_b[1], down[0]);
	read_all(up_a[0], &ok_a, sizeof(ok_a));
	read_all(up_b[0], &ok_b, sizeof(ok_b));
	/* Both hold their maps now; each sees the same numbers 3.. for different objects. */
	expect_long("sessions.two.both_made_maps_from_fd_3", 1, ok_a && ok_b);
	write_all(down[1], "gg", 2);
	expect_long("sessions.two.a_sees_only_its_own", 0, wait_status(a));
	expect_long("sessions.two.b_sees_only_its_own", 0, wait_status(b));
	close(up_a[0]);
	close(up_a[1]);
	close(up_b[0]);
	close(up_b[1]);
	close(down[0]);
	close(down[1]);
}

struct killed_ids {
	unsigned map, prog, btf, link, pinned;
};

/* The killed session: map, program, BTF, link and a pinned map, then bpf() calls until killed. */
static void doomed_session(const char *pin, int to_parent)
{
	struct killed_ids ids = { 0 };
	unsigned char blob[256];
	union bpf_attr a;
	long map, prog, btf, link, pinned;
	unsigned key = 0;
	unsigned long long value = 0x5eed;

	map = map_create(BPF_MAP_TYPE_HASH, 4, 8, 8, 0, 0, NULL);
	pinned = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, NULL);
	prog = load_prog(prog_ret0, 2, "doomed", NULL);
	btf = load_btf(blob, btf_blob(blob, sizeof(blob)), NULL, 0, 0, NULL);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uintptr_t)prog_ret0;
	a.insn_cnt = 2;
	a.license = (uintptr_t)"GPL";
	{
		long raw = sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
		memset(&a, 0, sizeof(a));
		a.raw_tracepoint.name = (uintptr_t)"sys_enter";
		a.raw_tracepoint.prog_fd = (unsigned)raw;
		link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a));
		close((int)raw);
	}
	map_elem(BPF_MAP_UPDATE_ELEM, (int)pinned, &key, &value, 0);
	memset(&a, 0, sizeof(a));
	a.bpf_fd = (unsigned)pinned;
	a.pathname = (uintptr_t)pin;
	if (map < 0 || pinned < 0 || prog < 0 || btf < 0 || link < 0 || sys_bpf(BPF_OBJ_PIN, &a, sizeof(a)) != 0)
		_exit(3);
	ids.map = id_of((int)map, 0);
	ids.prog = id_of((int)prog, 0);
	ids.btf = btf_id_of((int)btf);
	ids.link = id_of((int)link, 1);
	ids.pinned = id_of((int)pinned, 0);
	write_all(to_parent, &ids, sizeof(ids));
	/* Mid-session: calls in flight when the kill comes. */
	for (unsigned long long i = 0;; i++)
		map_elem(BPF_MAP_UPDATE_ELEM, (int)map, &key, &i, 0);
}

static void killed_mid_session(void)
{
	char pin[128];
	struct killed_ids ids;
	int up[2];
	pid_t pid, reader;

	snprintf(pin, sizeof(pin), "/sys/fs/bpf/bpftime_session_%d", getpid());
	if (pipe(up))
		exit(2);
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		doomed_session(pin, up[1]);
	}
	close(up[1]);
	read_all(up[0], &ids, sizeof(ids));
	close(up[0]);
	expect_long("sessions.killed.made_everything", 1, ids.map && ids.prog && ids.btf && ids.link && ids.pinned);
	usleep(20000);
	kill(pid, SIGKILL);
	expect_long("sessions.killed.status", 128 + SIGKILL, wait_status(pid));
	expect_long("sessions.killed.map_gone", 1, gone_soon(BPF_MAP_GET_NEXT_ID, ids.map));
	expect_long("sessions.killed.prog_gone", 1, gone_soon(BPF_PROG_GET_NEXT_ID, ids.prog));
	expect_long("sessions.killed.btf_gone", 1, gone_soon(BPF_BTF_GET_NEXT_ID, ids.btf));
	expect_long("sessions.killed.link_gone", 1, gone_soon(BPF_LINK_GET_NEXT_ID, ids.link));
	expect_long("sessions.killed.pinned_map_stays", 1, walk_finds(BPF_MAP_GET_NEXT_ID, ids.pinned));
	/* Another process, started after the kill, reopens the pin and reads what the killed one wrote. */
	reader = fork();
	if (reader == 0) {
		union bpf_attr a;
		unsigned key = 0;
		unsigned long long value = 0;
		long fd;

		memset(&a, 0, sizeof(a));
		a.pathname = (uintptr_t)pin;
		fd = sys_bpf(BPF_OBJ_GET, &a, sizeof(a));
		_exit(fd >= 0 && id_of((int)fd, 0) == ids.pinned &&
				      map_elem(BPF_MAP_LOOKUP_ELEM, (int)fd, &key, &value, 0) == 0 && value == 0x5eed
			      ? 0
			      : 1);
	}
	expect_long("sessions.killed.pin_reopened_by_another_process", 0, wait_status(reader));
	unlink(pin);
}

int cases_sessions(void)
{
	two_sessions_at_once();
	killed_mid_session();
	return 0;
}
