/*
 * Tests of native-support's parsers and searches on synthetic input (the decoder is tested by its
 * users against objdump over whole libraries). Prints "ok N checks" and exits 0, or each failure
 * as "actual X vs expected Y" and exits 1. Run by `make check` (Maven's test phase).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fd_high.h"
#include "near_gap.h"
#include "proc_maps_line.h"
#include "reserved_signals.h"
#include "service_socket.h"
#include "x86_insn.h"

static int checks, failures;

#define EXPECT_STR(actual, expected, what)                                                                  \
	do {                                                                                                \
		checks++;                                                                                   \
		if (strcmp(actual, expected) != 0) {                                                        \
			failures++;                                                                         \
			printf("FAIL %s: actual \"%s\" vs expected \"%s\"\n", what, actual, expected);           \
		}                                                                                           \
	} while (0)

#define EXPECT_EQ(actual, expected, what)                                                                   \
	do {                                                                                                \
		unsigned long long a_ = (unsigned long long)(actual), e_ = (unsigned long long)(expected);      \
		checks++;                                                                                   \
		if (a_ != e_) {                                                                             \
			failures++;                                                                         \
			printf("FAIL %s: actual %#llx vs expected %#llx\n", what, a_, e_);                  \
		}                                                                                           \
	} while (0)

static void maps_lines(void)
{
	const char *text = "55d0c8a00000-55d0c8a01000 r--p 00000000 fd:01 1234567   /usr/bin/cat\n"
			   "7f0000000000-7f0000021000 rw-s 0000f000 00:05 42 /dev/shm/a b\n"
			   "garbage line\n"
			   "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
			   "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0";
	struct maps_line m;
	const char *p = text;

	EXPECT_EQ(maps_line_next(&p, &m), 1, "first line parsed");
	EXPECT_EQ(m.start, 0x55d0c8a00000ull, "start");
	EXPECT_EQ(m.end, 0x55d0c8a01000ull, "end");
	EXPECT_EQ(memcmp(m.perms, "r--p", 4), 0, "perms");
	EXPECT_EQ(m.dev_major, 0xfd, "major");
	EXPECT_EQ(m.dev_minor, 1, "minor");
	EXPECT_EQ(m.inode, 1234567, "inode");
	EXPECT_EQ(m.path_len == 12 && memcmp(m.path, "/usr/bin/cat", 12) == 0, 1, "path");
	EXPECT_EQ(maps_line_next(&p, &m), 1, "second line parsed");
	EXPECT_EQ(m.offset, 0xf000, "offset");
	EXPECT_EQ(m.perms[3], 's', "shared");
	EXPECT_EQ(m.path_len == 12 && memcmp(m.path, "/dev/shm/a b", 12) == 0, 1, "path with a space");
	EXPECT_EQ(maps_line_next(&p, &m), -1, "a malformed line is refused");
	EXPECT_EQ(maps_line_next(&p, &m), 1, "and skipped");
	EXPECT_EQ(m.path_len == 7 && memcmp(m.path, "[stack]", 7) == 0, 1, "padded path");
	EXPECT_EQ(maps_line_next(&p, &m), 1, "last line without a newline");
	EXPECT_EQ(m.start, 0xffffffffff600000ull, "vsyscall start");
	EXPECT_EQ(m.path_len, 0, "anonymous");
	EXPECT_EQ(maps_line_next(&p, &m), 0, "end of text");
}

static void gaps(void)
{
	/* code at 0x10000000-0x10001000, nothing free below it, a heap right above: the free space
	 * beyond the heap's growth margin */
	const char *text = "01000000-10000000 r--p 00000000 00:00 0\n"
			   "10000000-10001000 r-xp 00000000 fd:01 7 /bin/x\n"
			   "10001000-10002000 rw-p 00000000 00:00 0 [heap]\n"
			   "30000000-30001000 r--p 00000000 00:00 0\n"
			   "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n";
	uint64_t at = near_gap_find(text, 0x10000000, 0x10001000, 0x10000, 1ull << 30);

	EXPECT_EQ(at, 0x10002000ull + (64ull << 20) + 0x1000, "above the heap's growth margin and a guard page");
	EXPECT_EQ(near_gap_find(text, 0x10000000, 0x10001000, 0x10000, 1ull << 20), 0,
		  "nothing within a reach of 1 MiB");
	/* below the code: the top of the gap under it, a guard page below the code */
	const char *low = "40000000-40001000 r-xp 00000000 fd:01 7 /bin/x\n"
			  "40001000-7ffd00000000 rw-p 00000000 00:00 0\n";
	EXPECT_EQ(near_gap_find(low, 0x40000000, 0x40001000, 0x10000, 1ull << 30), 0x40000000ull - 0x1000 - 0x10000,
		  "below the code");
}

static void decoder(void)
{
	static const uint8_t syscall[] = { 0x0f, 0x05 }, lea[] = { 0x48, 0x8d, 0x47, 0x01 },
			     jmp[] = { 0xe9, 0x10, 0x00, 0x00, 0x00 }, padlock[] = { 0xf3, 0x0f, 0xa7, 0xc8 };
	struct x86_insn in;

	EXPECT_EQ(x86_decode(syscall, sizeof(syscall), &in), 2, "syscall length");
	EXPECT_EQ(x86_decode(lea, sizeof(lea), &in), 4, "lea length");
	EXPECT_EQ(in.rex, 0x48, "REX.W");
	EXPECT_EQ(x86_decode(jmp, sizeof(jmp), &in), 5, "jmp rel32 length");
	EXPECT_EQ(in.flow, X86_FLOW_JMP_REL, "jmp flow");
	EXPECT_EQ(in.rel, 0x10, "jmp target");
	EXPECT_EQ(x86_decode(padlock, sizeof(padlock), &in), 4, "xcrypt-ecb (VIA PadLock) length");
	EXPECT_EQ(x86_decode(jmp, 3, &in) < 0, 1, "a truncated instruction is refused");
}

static void signals(void)
{
	EXPECT_EQ(reserved_signals_mask(), 0, "nothing reserved at first");
	reserved_signals_add(5);  /* SIGTRAP */
	reserved_signals_add(31); /* SIGSYS */
	reserved_signals_add(0);  /* not a signal: ignored */
	reserved_signals_add(65);
	EXPECT_EQ(reserved_signals_mask(), (1ull << 4) | (1ull << 30), "the kernel's sigset bits of SIGTRAP and SIGSYS");
}

/*
 * A listener of user nobody's (65534) in dir: refused with EPERM, its uid reported. SO_PEERCRED gives
 * the credentials of listen()'s caller (net/unix/af_unix.c, init_peercred), so a child made nobody
 * listens on the socket root bound. Needs root to change uid: said and left out otherwise.
 */
static void another_uids_service(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred peer;
	int ready[2], listener, fd;
	char c = 0;
	pid_t child;

	if (geteuid() != 0) {
		printf("left out: a service of another uid (needs root to make one)\n");
		return;
	}
	listener = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" SERVICE_SOCKET_NAME, dir);
	EXPECT_EQ(bind(listener, (struct sockaddr *)&sa, sizeof(sa)) | pipe(ready), 0, "bind");
	child = fork();
	if (child < 0) {
		EXPECT_EQ(errno, 0, "fork");
		return;
	}
	if (child == 0) {
		if (setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0 && listen(listener, 1) == 0)
			c = 1;
		if (write(ready[1], &c, 1) == 1)
			pause();
		_exit(1);
	}
	EXPECT_EQ(read(ready[0], &c, 1) == 1 && c == 1, 1, "a listener as nobody");
	fd = service_socket_connect(dir, &peer);
	EXPECT_EQ(fd, -EPERM, "a service of another uid refused");
	EXPECT_EQ(peer.uid, 65534, "its uid reported");
	if (fd >= 0)
		close(fd);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[1]);
	close(ready[0]);
	close(listener);
	unlink(sa.sun_path);
}

/*
 * The runtime directory rule and the service socket in a scratch folder: the variables in their
 * order, a folder of another mode or a symlink refused, a listener of ours accepted, none ENOENT.
 */
static void runtime_dir(void)
{
	char scratch[] = "/tmp/native-support-test-XXXXXX", path[PATH_MAX], want[PATH_MAX + 32], link[PATH_MAX + 32];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred peer;
	uid_t uid = geteuid();
	int listener, fd;

	if (!mkdtemp(scratch)) {
		EXPECT_EQ(errno, 0, "mkdtemp");
		return;
	}
	unsetenv("BPFTIME_RUNTIME_DIR");
	setenv("XDG_RUNTIME_DIR", scratch, 1);
	EXPECT_EQ(runtime_dir_path(path, uid), 0, "path from XDG_RUNTIME_DIR");
	snprintf(want, sizeof(want), "%s/bpftime", scratch);
	EXPECT_STR(path, want, "XDG_RUNTIME_DIR/bpftime");
	EXPECT_EQ(runtime_dir_path(path, uid + 1), 0, "path for another uid");
	snprintf(want, sizeof(want), "/tmp/bpftime-%u", (unsigned)(uid + 1));
	EXPECT_STR(path, want, "another uid's XDG_RUNTIME_DIR is not followed");
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	EXPECT_EQ(runtime_dir_path(path, uid), 0, "path with a relative XDG_RUNTIME_DIR");
	snprintf(want, sizeof(want), "/tmp/bpftime-%u", (unsigned)uid);
	EXPECT_STR(path, want, "a relative XDG_RUNTIME_DIR is not followed");
	setenv("BPFTIME_RUNTIME_DIR", scratch, 1);
	EXPECT_EQ(runtime_dir_path(path, uid), 0, "path from BPFTIME_RUNTIME_DIR");
	EXPECT_STR(path, scratch, "BPFTIME_RUNTIME_DIR wins");

	EXPECT_EQ(runtime_dir_private(scratch, uid), 0, "mkdtemp's 0700 folder is private");
	EXPECT_EQ(runtime_dir_private(scratch, uid + 1), -EPERM, "another uid's folder");
	chmod(scratch, 0750);
	EXPECT_EQ(runtime_dir_private(scratch, uid), -EPERM, "a folder the group may enter");
	chmod(scratch, 0700);
	snprintf(link, sizeof(link), "%s/link", scratch);
	EXPECT_EQ(symlink(scratch, link), 0, "symlink");
	EXPECT_EQ(runtime_dir_private(link, uid), -EPERM, "a symlink to a private folder");
	unlink(link);
	snprintf(want, sizeof(want), "%s/missing", scratch);
	EXPECT_EQ(runtime_dir_private(want, uid), -ENOENT, "a missing folder");

	EXPECT_EQ(service_socket_connect(scratch, &peer), -ENOENT, "no service listening");
	listener = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" SERVICE_SOCKET_NAME, scratch);
	EXPECT_EQ(bind(listener, (struct sockaddr *)&sa, sizeof(sa)) | listen(listener, 1), 0, "listen");
	fd = service_socket_connect(scratch, &peer);
	EXPECT_EQ(fd >= 0, 1, "a service of ours accepted");
	EXPECT_EQ(peer.uid, uid, "its uid");
	EXPECT_EQ(peer.pid, getpid(), "its pid");
	if (fd >= 0)
		close(fd);
	close(listener);
	unlink(sa.sun_path);
	another_uids_service(scratch);
	memset(want, 'a', sizeof(sa.sun_path));
	want[sizeof(sa.sun_path)] = 0;
	EXPECT_EQ(service_socket_connect(want, &peer), -ENAMETOOLONG, "a socket path longer than sun_path");
	rmdir(scratch);
	unsetenv("BPFTIME_RUNTIME_DIR");
}

/* Under a soft RLIMIT_NOFILE of 512: 64 below it, then the next free number; at 100, from 50. */
static void fds_high(void)
{
	struct rlimit saved, lowered;
	int a, b, c, d;

	if (getrlimit(RLIMIT_NOFILE, &saved) != 0 || saved.rlim_cur < 512) {
		printf("left out: descriptors moved high (RLIMIT_NOFILE under 512)\n");
		return;
	}
	lowered = saved;
	lowered.rlim_cur = 512;
	setrlimit(RLIMIT_NOFILE, &lowered);
	a = fd_move_high(dup(0), 64);
	b = fd_move_high(dup(0), 64);
	EXPECT_EQ(a, 448, "first at 512 - 64");
	EXPECT_EQ(b, 449, "then the next free number");
	EXPECT_EQ(fcntl(a, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "close-on-exec");
	lowered.rlim_cur = 100;
	setrlimit(RLIMIT_NOFILE, &lowered);
	c = fd_move_high(dup(0), 64);
	EXPECT_EQ(c, 50, "a table of at most twice the band: from its half");
	d = fd_move_high(dup(0), 2000);
	EXPECT_EQ(d, 51, "a band wider than the table: from its half");
	EXPECT_EQ(fd_move_high(-1, 64), -EBADF, "a bad descriptor: -errno");
	close(a);
	close(b);
	close(c);
	close(d);
	setrlimit(RLIMIT_NOFILE, &saved);
}

int main(void)
{
	fds_high();
	runtime_dir();
	signals();
	maps_lines();
	gaps();
	decoder();
	if (failures) {
		printf("%d of %d checks failed\n", failures, checks);
		return 1;
	}
	printf("ok %d checks\n", checks);
	return 0;
}
