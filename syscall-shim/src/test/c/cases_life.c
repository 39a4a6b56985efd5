/*
 * Descriptor lifetime as the kernel's (a program lives while any fd of any process refers to it):
 * dup, fork, exec with and without close-on-exec, passing over a unix socket, the death of the owner,
 * and two processes whose equal fd numbers name different programs.
 */
#include "bpf_case.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static long fd_by_id(unsigned id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	return sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
}

/* ENOENT when the program is gone; "ok" (the probe fd is closed again) while it lives. */
static void expect_alive(const char *name, int id, int alive)
{
	long r = fd_by_id((unsigned)id);
	int e = errno;
	expect_str(name, alive ? "alive" : "gone", r >= 0 ? "alive" : e == ENOENT ? "gone" : errno_name(e));
	if (r >= 0)
		close((int)r);
}

/* For a release another process makes without our knowing when it is done: the exec'ing task closes
 * its close-on-exec files at exec but releases them (__fput) only on its way back to user space, after
 * the pipe that told us about the exec may already read as closed. */
static void expect_gone_soon(const char *name, int id)
{
	for (int i = 0; i < 200; i++) {
		long r = fd_by_id((unsigned)id);
		if (r < 0 && errno == ENOENT)
			break;
		if (r >= 0)
			close((int)r);
		usleep(10000);
	}
	expect_alive(name, id, 0);
}

static int wait_status(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void dup_cases(void)
{
	long fd = load_prog(prog_ret0, 2, NULL, NULL);
	int id = prog_id_of((int)fd);
	int copy = dup((int)fd);

	close((int)fd);
	expect_long("life.dup.copy_names_it", 1, prog_id_of(copy) == id);
	expect_alive("life.dup.alive_with_copy", id, 1);
	expect_long("life.dup2.high", 100, dup2(copy, 100));
	expect_long("life.dup2.names_it", 1, prog_id_of(100) == id);
	close(copy);
	expect_alive("life.dup.alive_with_dup2", id, 1);
	close(100);
	expect_alive("life.dup.gone_after_last", id, 0);
}

static void fork_case(void)
{
	long fd = load_prog(prog_ret0, 2, NULL, NULL);
	int id = prog_id_of((int)fd);
	int go[2];
	pid_t pid;
	char c;

	if (pipe(go) != 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		_exit(prog_id_of((int)fd) == id ? 0 : 1);
	}
	close(go[0]);
	close((int)fd);
	expect_alive("life.fork.alive_in_child", id, 1);
	if (write(go[1], "g", 1) != 1)
		exit(2);
	close(go[1]);
	expect_long("life.fork.child_saw_it", 0, wait_status(pid));
	expect_alive("life.fork.gone_after_child_exit", id, 0);
}

static void exec_cloexec_case(void)
{
	long fd = load_prog(prog_ret0, 2, NULL, NULL);
	int id = prog_id_of((int)fd);
	int execd[2];
	pid_t pid;
	char c;

	/* The write end closes at exec (O_CLOEXEC): end of file on the read end means "exec happened". */
	if (pipe2(execd, O_CLOEXEC) != 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	close(execd[1]);
	close((int)fd);
	if (read(execd[0], &c, 1) != 0)
		exit(2);
	close(execd[0]);
	expect_gone_soon("life.exec.cloexec_gone_while_child_runs", id);
	kill(pid, SIGKILL);
	wait_status(pid);
}

static void exec_keep_case(const char *self)
{
	long fd = load_prog(prog_ret0, 2, NULL, NULL);
	int id = prog_id_of((int)fd);
	char fd_arg[16], id_arg[16];
	pid_t pid;

	fcntl((int)fd, F_SETFD, 0);
	snprintf(fd_arg, sizeof(fd_arg), "%ld", fd);
	snprintf(id_arg, sizeof(id_arg), "%d", id);
	pid = fork();
	if (pid == 0) {
		execl(self, self, "life-exec-holder", fd_arg, id_arg, (char *)NULL);
		_exit(127);
	}
	close((int)fd);
	expect_long("life.exec.kept_fd_works_after_exec", 0, wait_status(pid));
	expect_alive("life.exec.gone_after_holder_exit", id, 0);
}

static void scm_rights_case(void)
{
	long fd = load_prog(prog_ret0, 2, NULL, NULL);
	int id = prog_id_of((int)fd);
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		char byte, control[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				      .msg_controllen = sizeof(control) };
		int got;

		close(sv[0]);
		close((int)fd);
		if (recvmsg(sv[1], &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg))
			_exit(3);
		memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
		_exit(prog_id_of(got) == id ? 0 : 1);
	} else {
		char byte = 'f', control[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
				      .msg_controllen = sizeof(control) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		int sent = (int)fd;

		close(sv[1]);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &sent, sizeof(int));
		if (sendmsg(sv[0], &msg, 0) != 1)
			exit(2);
		close((int)fd);
		close(sv[0]);
	}
	expect_long("life.scm_rights.receiver_saw_it", 0, wait_status(pid));
	expect_alive("life.scm_rights.gone_after_receiver_exit", id, 0);
}

static void killed_owner_case(void)
{
	int ready[2];
	int id = 0;
	pid_t pid;

	if (pipe(ready) != 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		long fd;
		int child_id;

		close(ready[0]);
		fd = load_prog(prog_ret0, 2, NULL, NULL);
		child_id = fd >= 0 ? prog_id_of((int)fd) : -1;
		if (write(ready[1], &child_id, sizeof(child_id)) != sizeof(child_id))
			_exit(3);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &id, sizeof(id)) != sizeof(id) || id <= 0)
		exit(2);
	close(ready[0]);
	expect_alive("life.killed.alive_while_owner_runs", id, 1);
	kill(pid, SIGKILL);
	expect_long("life.killed.owner_status", 128 + SIGKILL, wait_status(pid));
	expect_alive("life.killed.gone_after_kill", id, 0);
}

static void two_processes_case(void)
{
	long fd = load_prog(prog_ret0, 2, "parent_prog", NULL);
	int id = prog_id_of((int)fd);
	int result[2];
	pid_t pid;

	if (pipe(result) != 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		long mine;
		int answer[2];

		close(result[0]);
		close((int)fd);
		mine = load_prog(prog_lddw, 4, "child_prog", NULL);
		answer[0] = (int)mine;
		answer[1] = mine >= 0 ? prog_id_of((int)mine) : -1;
		if (write(result[1], answer, sizeof(answer)) != sizeof(answer))
			_exit(3);
		_exit(0);
	}
	close(result[1]);
	{
		int answer[2] = { -1, -1 };
		if (read(result[0], answer, sizeof(answer)) != sizeof(answer))
			exit(2);
		expect_long("life.two.same_fd_number", fd, answer[0]);
		expect_long("life.two.different_programs", 1, answer[1] > 0 && answer[1] != id);
	}
	close(result[0]);
	expect_long("life.two.child_exit", 0, wait_status(pid));
	expect_long("life.two.parent_fd_still_its_own", 1, prog_id_of((int)fd) == id);
	close((int)fd);
}

static long link_by_id(unsigned id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_id = id;
	return sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr, sizeof(attr));
}

static void expect_link_alive(const char *name, unsigned id, int alive)
{
	long r = link_by_id(id);
	int e = errno;
	expect_str(name, alive ? "alive" : "gone", r >= 0 ? "alive" : e == ENOENT ? "gone" : errno_name(e));
	if (r >= 0)
		close((int)r);
}

/* close, dup2 and close_range on a link keep their errnos and results through the shim's interposition
 * (which tells the service of a closed link), and only the last close ends the link. */
static void link_close_case(void)
{
	struct bpf_insn ret0[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_link_info info;
	union bpf_attr attr;
	long prog, link;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	attr.insns = (uintptr_t)ret0;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	prog = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = (uintptr_t)"sys_enter";
	attr.raw_tracepoint.prog_fd = (unsigned)prog;
	link = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
	expect_long("life.link.made", 1, prog >= 0 && link >= 0);
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (unsigned)link;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));

	EXPECT_CALL("life.link.close_minus_one", -1, EBADF, close(-1));
	EXPECT_CALL("life.link.dup2_onto_itself", link, 0, dup2((int)link, (int)link));
	expect_link_alive("life.link.after_dup2_onto_itself", info.id, 1);
	EXPECT_CALL("life.link.close_range_above", 0, 0, syscall(__NR_close_range, link + 100, link + 200, 0));
	EXPECT_CALL("life.link.close_range_cloexec", 0, 0, syscall(__NR_close_range, link, link, 4 /* CLOEXEC */));
	expect_link_alive("life.link.after_close_range_cloexec", info.id, 1);
	EXPECT_CALL("life.link.close", 0, 0, close((int)link));
	EXPECT_CALL("life.link.close_again", -1, EBADF, close((int)link));
	expect_link_alive("life.link.after_close", info.id, 0);
	close((int)prog);
}

int cases_life(int argc, char **argv)
{
	if (!strcmp(argv[1], "life-exec-holder")) {
		/* Exec'd by exec_keep_case: the inherited fd must still name the program. */
		if (argc < 4)
			exit(2);
		exit(prog_id_of(atoi(argv[2])) == atoi(argv[3]) ? 0 : 1);
	}
	dup_cases();
	fork_case();
	exec_cloexec_case();
	exec_keep_case("/proc/self/exe");
	scm_rights_case();
	killed_owner_case();
	two_processes_case();
	link_close_case();
	return 0;
}
