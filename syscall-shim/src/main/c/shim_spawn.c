/*
 * Starting the service when none runs: `<bpftime home>/bin/bpftime service`, where the home is
 * $BPFTIME_HOME or the folder two levels above this library (<home>/lib/libbpftime-syscall.so,
 * found with dladdr). It is detached from the app by a double fork and setsid, so it is neither
 * the app's child (the app's wait() cannot reap it) nor in its session (the app's terminal
 * signals do not reach it). Its stdout and stderr go to <runtime dir>/service.log.
 *
 * The forks are raw clone() calls rather than fork(): fork() would run the app's pthread_atfork
 * handlers, which are none of our business. Between fork and exec the children call only
 * async-signal-safe functions, as a multithreaded parent requires.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h"

extern char **environ;

static int launcher_path(char *out)
{
	const char *home = getenv("BPFTIME_HOME");
	char lib[PATH_MAX];
	Dl_info info;
	char *slash;
	int n;

	if (home && *home) {
		n = snprintf(out, PATH_MAX, "%s/bin/bpftime", home);
		return n < PATH_MAX ? 0 : -ENAMETOOLONG;
	}
	if (!dladdr((void *)launcher_path, &info) || !info.dli_fname || !realpath(info.dli_fname, lib))
		return -ENOENT;
	/* <home>/lib/libbpftime-syscall.so -> <home> */
	for (int up = 0; up < 2; up++) {
		slash = strrchr(lib, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
	n = snprintf(out, PATH_MAX, "%s/bin/bpftime", lib[0] ? lib : "");
	return n < PATH_MAX ? 0 : -ENAMETOOLONG;
}

/* The app's environment without LD_PRELOAD (the service must not load this shim, nor any other
 * preload of the app) and with the runtime directory the shim chose, so both agree on it. */
static char **service_environment(const char *runtime_dir, char **owned)
{
	size_t n = 0, k = 0;
	char **env, *dir;

	while (environ && environ[n])
		n++;
	env = calloc(n + 2, sizeof(char *));
	dir = malloc(strlen(runtime_dir) + sizeof("BPFTIME_RUNTIME_DIR="));
	if (!env || !dir) {
		free(env);
		free(dir);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "LD_PRELOAD=", 11) == 0 || strncmp(environ[i], "BPFTIME_RUNTIME_DIR=", 20) == 0)
			continue;
		env[k++] = environ[i];
	}
	strcpy(dir, "BPFTIME_RUNTIME_DIR=");
	strcat(dir, runtime_dir);
	env[k++] = dir;
	env[k] = NULL;
	*owned = dir;
	return env;
}

static pid_t raw_fork(void)
{
	return (pid_t)shim_real_syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
}

static void reset_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* Handlers reset at exec, but an ignored signal stays ignored and the mask stays: undo both. */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Closes every descriptor from 3 up but keep, with close_range where the kernel has it (5.9+). */
static void close_all_but(int keep, int max_fd)
{
	int low = keep <= 3 || shim_real_syscall(SYS_close_range, 3, keep - 1, 0, 0, 0, 0) == 0;
	int high = shim_real_syscall(SYS_close_range, keep + 1, ~0U, 0, 0, 0, 0) == 0;

	if (low && high)
		return;
	for (int fd = 3; fd < max_fd; fd++)
		if (fd != keep)
			close(fd);
}

static void become_service(const char *launcher, char *const argv[], char *const envp[], const char *log,
			   int max_fd, int report_fd)
{
	int null_fd, log_fd;
	pid_t self;

	if (setsid() < 0)
		_exit(127);
	if (raw_fork() != 0)
		_exit(0); /* the intermediate ends at once; the grandchild is adopted by init */
	/* Tell the starter who we are, so it can stop waiting if we die (report_fd closes at exec). */
	self = (pid_t)shim_real_syscall(SYS_getpid, 0, 0, 0, 0, 0, 0);
	if (write(report_fd, &self, sizeof(self)) != sizeof(self))
		_exit(127);
	/* An app with closed stdio gets 0..2 for new descriptors: keep ours above before dup2 onto them. */
	if (report_fd < 3)
		report_fd = fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
	null_fd = fcntl(open("/dev/null", O_RDWR), F_DUPFD, 3);
	log_fd = fcntl(open(log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600), F_DUPFD, 3);
	if (null_fd < 0)
		_exit(127);
	if (log_fd < 0)
		log_fd = null_fd;
	dup2(null_fd, 0);
	dup2(log_fd, 1);
	dup2(log_fd, 2);
	close_all_but(report_fd, max_fd);
	reset_signals();
	umask(077);
	if (chdir("/") != 0)
		_exit(127);
	execve(launcher, argv, envp);
	_exit(127);
}

int shim_spawn_service(const char *runtime_dir, pid_t *service_pid)
{
	char launcher[PATH_MAX], log[PATH_MAX + 16];
	char *argv[] = { launcher, "service", NULL };
	struct rlimit rl;
	char **envp, *owned = NULL;
	int max_fd = 65536, err, status, report[2];
	pid_t pid;

	err = launcher_path(launcher);
	if (err || access(launcher, X_OK) != 0) {
		shim_log("cannot start the service: no executable launcher at %s (set BPFTIME_HOME to the bpftime "
			 "folder that holds bin/bpftime)", err ? "(unknown: dladdr failed)" : launcher);
		return -ENOENT;
	}
	snprintf(log, sizeof(log), "%s/service.log", runtime_dir);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536)
		max_fd = (int)rl.rlim_cur;
	envp = service_environment(runtime_dir, &owned);
	if (!envp)
		return -ENOMEM;
	if (pipe2(report, O_CLOEXEC) != 0) {
		err = -errno;
		free(owned);
		free(envp);
		return err;
	}
	*service_pid = 0;
	pid = raw_fork();
	if (pid == 0)
		become_service(launcher, argv, envp, log, max_fd, report[1]);
	err = pid < 0 ? -errno : 0;
	close(report[1]);
	if (pid > 0) {
		/* Reap the intermediate; an app that reaps all children itself may beat us (ECHILD). */
		while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
		}
		/* The grandchild wrote its pid before exec; nothing to read means it failed before that. */
		if (read(report[0], service_pid, sizeof(*service_pid)) != sizeof(*service_pid))
			*service_pid = 0;
		shim_log("started the service: %s service (pid %d, runtime dir %s)", launcher, (int)*service_pid,
			 runtime_dir);
	} else {
		shim_log("cannot fork to start the service: %s", strerror(-err));
	}
	close(report[0]);
	free(owned);
	free(envp);
	return err;
}
