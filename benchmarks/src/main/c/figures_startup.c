#include "figures.h"
#include "kernel_probe.h"
#include "probe_programs.h"
#include "startup.h"

#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Start-up: one operation is a process started (posix_spawn), running to its exit and reaped; the
 * process (startup_target.c) calls ten small functions once each. Under the agent's probe engine
 * (startup_preload.c, LD_PRELOAD: the engine, maps and interpreter loaded and initialised) with
 * nothing attached, and with ten probes attached at start-up, each counting its call; against the
 * kernel with ten uprobes on the same functions (which the kernel installs in every new mapping of
 * the file, kernel/events/uprobes.c uprobe_mmap), each running the same counting program. Net of
 * baseline.process.start. And under the agent itself (libbpftime-agent.so, LD_PRELOAD) with no
 * service to connect to (BPFTIME_RUNTIME_DIR an empty folder): its syscall hooks installed (every
 * syscall site of the loaded objects scanned and rewritten) and its control thread started. Ten
 * probes under the agent need a service and a loader attaching them: the engine-only figure stands
 * for that part.
 */

/* Built by agent/ (s2-agent-control's libbpftime-agent.so); the Makefile passes its path. */
#ifndef BENCH_AGENT_SO
#define BENCH_AGENT_SO "libbpftime-agent.so"
#endif

extern char **environ;

enum startup_kind { START_PLAIN, START_ENGINE, START_KERNEL, START_AGENT };

struct startup_config {
	enum startup_kind kind;
	int probes;
};

struct startup_state {
	const struct startup_config *cfg;
	char target[PATH_MAX + 32], preload[PATH_MAX + 64], probes[64], runtime_dir[PATH_MAX + 32];
	char **envp;
	struct kernel_probe_maps kmaps;
	int prog_fd, event_fd[STARTUP_TARGETS];
};

static void startup_teardown(void *state)
{
	struct startup_state *s = state;

	if (!s)
		return;
	for (int i = 0; i < STARTUP_TARGETS; i++)
		if (s->event_fd[i] >= 0)
			close(s->event_fd[i]);
	if (s->prog_fd >= 0)
		close(s->prog_fd);
	kernel_probe_maps_close(&s->kmaps);
	if (s->runtime_dir[0])
		rmdir(s->runtime_dir + strlen("BPFTIME_RUNTIME_DIR="));
	free(s->envp);
	free(s);
}

/* Ten kernel uprobes on the target's functions, system-wide (any process mapping the file). */
static int attach_kernel(struct startup_state *s, char *why, size_t why_len)
{
	char cmd[PATH_MAX + 64], line[64];
	uint64_t offsets[STARTUP_TARGETS];
	long type;
	int n = 0, err;

	snprintf(cmd, sizeof(cmd), "'%s' --offsets", s->target);
	FILE *p = popen(cmd, "r");
	while (p && n < STARTUP_TARGETS && fgets(line, sizeof(line), p))
		offsets[n++] = strtoull(line, NULL, 10);
	if (!p || pclose(p) != 0 || n != STARTUP_TARGETS) {
		snprintf(why, why_len, "%s --offsets: actual %d offsets vs expected %d", s->target, n, STARTUP_TARGETS);
		return -EINVAL;
	}
	FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "r");
	err = !f || fscanf(f, "%ld", &type) != 1;
	if (f)
		fclose(f);
	if (err) {
		snprintf(why, why_len, "no uprobe PMU in /sys/bus/event_source/devices");
		return -ENOENT;
	}
	if ((err = kernel_probe_maps_create(&s->kmaps, why, why_len)))
		return err;
	if ((s->prog_fd = kernel_probe_prog_load(PROBE_PROG_COUNT, BPF_PROG_TYPE_KPROBE, &s->kmaps, why, why_len)) < 0)
		return s->prog_fd;
	for (int i = 0; i < STARTUP_TARGETS; i++) {
		struct perf_event_attr pa;
		memset(&pa, 0, sizeof(pa));
		pa.size = sizeof(pa);
		pa.type = (uint32_t)type;
		pa.config1 = (uintptr_t)s->target;
		pa.config2 = offsets[i];
		pa.sample_period = 1;
		/* pid -1 needs a cpu; the program runs on every hit, whatever the cpu (uprobe_perf_func) */
		s->event_fd[i] = (int)syscall(__NR_perf_event_open, &pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
		if (s->event_fd[i] < 0 || ioctl(s->event_fd[i], PERF_EVENT_IOC_SET_BPF, s->prog_fd) ||
		    ioctl(s->event_fd[i], PERF_EVENT_IOC_ENABLE, 0)) {
			err = -errno;
			snprintf(why, why_len, "kernel uprobe on startup_fn%d: %s", i, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int startup_setup(const struct startup_config *c, void **state, char *why, size_t why_len)
{
	struct startup_state *s = calloc(1, sizeof(*s));
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int err = 0;

	if (!s || len < 0) {
		free(s);
		snprintf(why, why_len, "out of memory or no /proc/self/exe");
		return -ENOMEM;
	}
	if (c->kind == START_KERNEL && (err = probe_figure_kernel_allowed("uprobes", why, why_len))) {
		free(s);
		return err;
	}
	s->cfg = c;
	s->prog_fd = -1;
	for (int i = 0; i < STARTUP_TARGETS; i++)
		s->event_fd[i] = -1;
	for (int i = 0; i < PROBE_MAP_ALL; i++)
		s->kmaps.fd[i] = -1;
	exe[len] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(s->target, sizeof(s->target), "%s/startup_target", exe);
	snprintf(s->preload, sizeof(s->preload), "LD_PRELOAD=%s/libbpftime-bench-preload.so", exe);
	snprintf(s->probes, sizeof(s->probes), "%s=%d", STARTUP_PROBES_ENV, c->probes);

	size_t n = 0;
	while (environ[n])
		n++;
	s->envp = calloc(n + 3, sizeof(char *));
	if (!s->envp) {
		startup_teardown(s);
		return -ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			s->envp[k++] = environ[i];
	if (c->kind == START_ENGINE) {
		s->envp[k++] = s->preload;
		s->envp[k++] = s->probes;
	}
	if (c->kind == START_AGENT) {
		if (access(BENCH_AGENT_SO, R_OK) != 0) {
			snprintf(why, why_len, "%s: not built (agent/, mvn -B package -DskipTests -pl benchmarks -am)",
				 BENCH_AGENT_SO);
			startup_teardown(s);
			return BENCH_SKIP;
		}
		snprintf(s->preload, sizeof(s->preload), "LD_PRELOAD=%s", BENCH_AGENT_SO);
		snprintf(s->runtime_dir, sizeof(s->runtime_dir), "BPFTIME_RUNTIME_DIR=/tmp/bpftime-bench-XXXXXX");
		if (!mkdtemp(s->runtime_dir + strlen("BPFTIME_RUNTIME_DIR="))) {
			err = -errno;
			snprintf(why, why_len, "mkdtemp: %s", strerror(-err));
			s->runtime_dir[0] = '\0';
			startup_teardown(s);
			return err;
		}
		s->envp[k++] = s->preload;
		s->envp[k++] = s->runtime_dir;
	}
	if (c->kind == START_KERNEL)
		err = attach_kernel(s, why, why_len);
	if (err) {
		startup_teardown(s);
		return err;
	}
	*state = s;
	return 0;
}

static int startup_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct startup_state *s = state;
	char *argv[] = { s->target, NULL };
	int64_t before = s->cfg->kind == START_KERNEL ? kernel_probe_count(&s->kmaps) : 0;

	for (uint64_t i = 0; i < ops; i++) {
		pid_t pid;
		int status, err = posix_spawn(&pid, s->target, NULL, NULL, argv, s->envp);
		if (err) {
			snprintf(why, why_len, "posix_spawn %s: %s", s->target, strerror(err));
			return -err;
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			snprintf(why, why_len, "%s: exit status %#x%s", s->target, status,
				 WIFEXITED(status) && WEXITSTATUS(status) == STARTUP_PRELOAD_FAILED
					 ? " (the preload failed or a probe did not count its call: see stderr)"
					 : "");
			return -EIO;
		}
	}
	if (s->cfg->kind == START_KERNEL)
		return probe_figure_check_hits(before, kernel_probe_count(&s->kmaps), ops * STARTUP_TARGETS, why, why_len);
	return 0;
}

#define STARTUP_FIGURE(var, fig_name, counterpart, base, ...) \
	BENCH_CONFIGURED_FIGURE(var, struct startup_config, startup_setup, startup_run, startup_teardown, \
				fig_name, counterpart, base, 0, __VA_ARGS__)

#define START "baseline.process.start"

STARTUP_FIGURE(baseline_process_start, START, NULL, NULL, START_PLAIN, 0);
STARTUP_FIGURE(kernel_process_start_10, "kernel.process.start.10uprobes", NULL, START, START_KERNEL, 10);
STARTUP_FIGURE(bpftime_process_start_agent, "bpftime.process.start.agent", NULL, START, START_AGENT, 0);
STARTUP_FIGURE(bpftime_process_start_engine, "bpftime.process.start.engine", NULL, START, START_ENGINE, 0);
STARTUP_FIGURE(bpftime_process_start_engine_10, "bpftime.process.start.engine.10probes",
	       "kernel.process.start.10uprobes", START, START_ENGINE, 10);
