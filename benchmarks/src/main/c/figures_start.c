/*
 * Process start to the first bpf() answered: fork, exec of first-bpf (one BPF_MAP_CREATE, beside the
 * harness), its exit; against the kernel (as root), and with the shim preloaded when a service already
 * runs (warm) and when none does, so that the shim starts one (cold: each run gets a new runtime
 * directory, and the service it started is killed afterwards). The shim figures need
 * BPFTIME_BENCH_HOME, a bpftime home (dist/: bin/bpftime, lib/libbpftime-syscall.so), which
 * scripts/bench.sh sets.
 */
#include "figures.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct start_state {
	char program[PATH_MAX];
	char library[PATH_MAX];
	char home[PATH_MAX];
	char run_base[PATH_MAX / 2];
	int shim;
	int cold;
	unsigned next_dir;
};

static int beside_harness(char *out, size_t len, const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return snprintf(out, len, "%s/%s", self, name) < (int)len ? 0 : -1;
}

static int setup(void **state, char *why, size_t why_len, int shim, int cold)
{
	struct start_state *s = calloc(1, sizeof(*s));
	const char *home = getenv("BPFTIME_BENCH_HOME");

	if (!s)
		return -ENOMEM;
	s->shim = shim;
	s->cold = cold;
	if (beside_harness(s->program, sizeof(s->program), "first-bpf") || access(s->program, X_OK)) {
		snprintf(why, why_len, "first-bpf is not built beside the harness");
		free(s);
		return -ENOENT;
	}
	if (shim) {
		if (!home || !*home) {
			snprintf(why, why_len, "BPFTIME_BENCH_HOME (a bpftime home: bin/bpftime, lib/libbpftime-syscall.so) "
					       "is not set; scripts/bench.sh sets it to dist/");
			free(s);
			return BENCH_SKIP;
		}
		snprintf(s->home, sizeof(s->home), "%s", home);
		snprintf(s->library, sizeof(s->library), "%s/lib/libbpftime-syscall.so", home);
		if (access(s->library, R_OK)) {
			snprintf(why, why_len, "%s is missing (build the cli module: it assembles dist/)", s->library);
			free(s);
			return BENCH_SKIP;
		}
		snprintf(s->run_base, sizeof(s->run_base), "/tmp/bpftime-bench-start-%d", (int)getpid());
		if (mkdir(s->run_base, 0700) && errno != EEXIST) {
			snprintf(why, why_len, "mkdir %s: %s", s->run_base, strerror(errno));
			free(s);
			return -errno;
		}
	}
	*state = s;
	return 0;
}

static void run_dir(const struct start_state *s, unsigned n, char *out, size_t len)
{
	if (s->cold)
		snprintf(out, len, "%s/cold-%u", s->run_base, n);
	else
		snprintf(out, len, "%s/warm", s->run_base);
}

static void kill_service(const char *dir)
{
	char path[PATH_MAX + 16];
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/service.pid", dir);
	f = fopen(path, "re");
	if (f && fscanf(f, "%d", &pid) == 1 && pid > 1)
		kill(pid, SIGKILL);
	if (f)
		fclose(f);
}

/* One process start; returns 0 when first-bpf was answered with a map. */
static int start_once(struct start_state *s, char *why, size_t why_len)
{
	char dir[PATH_MAX];
	int status;
	pid_t pid;

	run_dir(s, s->next_dir, dir, sizeof(dir));
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (s->shim) {
			setenv("LD_PRELOAD", s->library, 1);
			setenv("BPFTIME_HOME", s->home, 1);
			setenv("BPFTIME_RUNTIME_DIR", dir, 1);
		}
		execl(s->program, s->program, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (s->cold) {
		kill_service(dir);
		s->next_dir++;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, why_len, "first-bpf %s failed (status %d; see %s/shim.log)", s->shim ? "under the shim" : "",
			 status, dir);
		return -EIO;
	}
	return 0;
}

static int run(void *state, uint64_t ops, char *why, size_t why_len)
{
	for (uint64_t i = 0; i < ops; i++) {
		int err = start_once(state, why, why_len);
		if (err)
			return err;
	}
	return 0;
}

static void teardown(void *state)
{
	struct start_state *s = state;

	if (s->shim && !s->cold) {
		char dir[PATH_MAX];
		run_dir(s, 0, dir, sizeof(dir));
		kill_service(dir);
	}
	free(s);
}

static int setup_kernel(void **state, char *why, size_t why_len)
{
	return setup(state, why, why_len, 0, 0);
}

static int setup_warm(void **state, char *why, size_t why_len)
{
	int err = setup(state, why, why_len, 1, 0);

	/* The first start starts the service; the figure times the ones after it. */
	return err ? err : start_once(*state, why, why_len);
}

static int setup_cold(void **state, char *why, size_t why_len)
{
	return setup(state, why, why_len, 1, 1);
}

const struct bench_figure fig_kernel_start_first_bpf = {
	.name = "kernel.start.first_bpf",
	.needs_root = 1,
	.setup = setup_kernel,
	.run = run,
	.teardown = teardown,
};

const struct bench_figure fig_bpftime_start_first_bpf_warm = {
	.name = "bpftime.start.first_bpf.warm",
	.kernel = "kernel.start.first_bpf",
	.setup = setup_warm,
	.run = run,
	.teardown = teardown,
};

const struct bench_figure fig_bpftime_start_first_bpf_cold = {
	.name = "bpftime.start.first_bpf.cold",
	.kernel = "kernel.start.first_bpf",
	/* One start is most of a second: a run of one, not calibrated upwards to the 50 ms minimum only. */
	.max_ops = 1,
	.setup = setup_cold,
	.run = run,
	.teardown = teardown,
};
