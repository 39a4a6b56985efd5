/*
 * Random bpf() calls: random commands (known and unknown), sizes (zero, short, the union, beyond it,
 * beyond a page), attr bytes mostly zero with fields set to random numbers, small fd numbers,
 * pointers to scratch buffers, NULL or unmapped memory. Every pointer leads to a 64 KiB scratch
 * buffer followed by an inaccessible page, so whatever the answerer writes through it lands there
 * or faults (EFAULT), never in this program's own data. The only claims: every call returns a value
 * or an errno, and no descriptor is left open afterwards.
 */
#include "bpf_case.h"

#include <sys/mman.h>

#define SCRATCH (64 * 1024)
#define BUFFERS 4

static char *scratch[BUFFERS];
static char *hole;

static uint64_t random_pointer(void)
{
	switch (below(5)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)hole + page_size(); /* the inaccessible page */
	case 2:
		return (uintptr_t)hole + page_size() - below(16);
	default:
		return (uintptr_t)scratch[below(BUFFERS)];
	}
}

static uint64_t random_value(void)
{
	switch (below(6)) {
	case 0:
		return below(12); /* small numbers: fds, types, counts */
	case 1:
		return random_pointer();
	case 2:
		return next_random();
	case 3:
		return 1u << below(32);
	default:
		return 0;
	}
}

static unsigned long random_size(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return below(144) + 1;
	case 2:
		return sizeof(union bpf_attr);
	case 3:
		return 145 + below(300);
	case 4:
		return page_size() + below(3);
	default:
		return below(4096);
	}
}

static void fill_scratch(void)
{
	/* Valid-looking programs and strings sometimes, so that loads get past the first checks. */
	for (int b = 0; b < BUFFERS; b++) {
		switch (below(4)) {
		case 0:
			memset(scratch[b], 0, SCRATCH);
			memcpy(scratch[b], prog_ret0, sizeof(prog_ret0));
			break;
		case 1:
			memset(scratch[b], 0, SCRATCH);
			strcpy(scratch[b], "GPL");
			break;
		case 2:
			for (int i = 0; i < 512; i++)
				((uint64_t *)scratch[b])[i] = next_random();
			break;
		default:
			memset(scratch[b], 0, 4096);
		}
	}
}

/* A program of random slots drawn mostly from valid forms, so that some pass the structural checks. */
static unsigned random_program(struct bpf_insn *out, unsigned max)
{
	static const uint8_t codes[] = { 0xb7, 0x07, 0xbf, 0x0f, 0x05, 0x15, 0x25, 0x85, 0x95, 0x18, 0x61, 0x7a, 0xff };
	unsigned n = below(max) + 1;

	for (unsigned i = 0; i < n; i++) {
		struct bpf_insn in = { .code = codes[below(sizeof(codes))], .dst_reg = below(11), .src_reg = 0 };
		if (in.code == 0x05 || in.code == 0x15 || in.code == 0x25)
			in.off = (int16_t)(below(n + 2)) - (int16_t)i - 1;
		else if (in.code == 0x85)
			in.imm = below(3) ? (int)below(200) + 1 : (int)next_random();
		else if (in.code == 0xbf || in.code == 0x0f || in.code == 0x61)
			in.src_reg = below(11);
		else if (in.code == 0x7a)
			in.dst_reg = 10, in.off = -8 * (int)(below(8) + 1);
		else
			in.imm = below(100);
		if (in.code == 0x18 && i + 1 < n) {
			out[i++] = in;
			in = (struct bpf_insn){ .imm = (int)next_random() };
		}
		out[i] = in;
	}
	out[n - 1] = (struct bpf_insn){ .code = 0x95 };
	return n;
}

static int kept[8];

static void structured(union bpf_attr *a, long *cmd)
{
	memset(a, 0, sizeof(*a));
	switch (below(3)) {
	case 0:
		*cmd = BPF_PROG_LOAD;
		a->prog_type = below(8);
		a->insn_cnt = random_program((struct bpf_insn *)scratch[0], 64);
		a->insns = below(10) ? (uintptr_t)scratch[0] : random_pointer();
		strcpy(scratch[1], "GPL");
		a->license = below(10) ? (uintptr_t)scratch[1] : random_pointer();
		if (below(2)) {
			a->log_level = below(20);
			a->log_buf = random_pointer();
			a->log_size = below(3) ? below(200) : below(SCRATCH + 8192);
		}
		if (below(3) == 0)
			memcpy(a->prog_name, &random_state, sizeof(a->prog_name) < 8 ? sizeof(a->prog_name) : 8);
		break;
	case 1:
		*cmd = BPF_OBJ_GET_INFO_BY_FD;
		a->info.bpf_fd = below(2) ? kept[below(8)] : below(12);
		a->info.info = random_pointer();
		a->info.info_len = below(4) ? below(300) : (unsigned)next_random();
		break;
	default:
		*cmd = below(2) ? BPF_PROG_GET_FD_BY_ID : BPF_PROG_GET_NEXT_ID;
		a->prog_id = below(40);
		break;
	}
}

int cases_fuzz(long calls, uint64_t seed)
{
	static unsigned char attr[8192];
	long page = page_size(), ok = 0, failed = 0, fds_left = 0, bad_errno = 0;
	int open_before;

	random_state = seed ? seed : 1;
	hole = page_before_hole();
	for (int b = 0; b < BUFFERS; b++) {
		scratch[b] = mmap(NULL, SCRATCH + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (scratch[b] == MAP_FAILED || mprotect(scratch[b] + SCRATCH, page, PROT_NONE) != 0)
			exit(2);
	}
	open_before = open_descriptors_above(2);
	for (long i = 0; i < calls; i++) {
		long cmd = below(10) == 0 ? (long)(int)next_random() : (long)below(40);
		unsigned long size = random_size();
		void *where = attr;
		long r;

		memset(attr, 0, sizeof(attr));
		for (int f = 0, n = below(8); f < n; f++) {
			uint64_t v = random_value();
			memcpy(attr + 4 * below(40), &v, below(2) ? 8 : 4);
		}
		if (below(20) == 0)
			attr[144 + below(200)] = 1;
		fill_scratch();
		if (below(3) == 0) {
			structured((union bpf_attr *)attr, &cmd);
			size = below(8) ? sizeof(union bpf_attr) : random_size();
		}
		if (below(15) == 0)
			where = (void *)(uintptr_t)random_pointer();
		errno = 0;
		r = sys_bpf(cmd, where, size);
		if (r >= 0) {
			ok++;
			if (r > 2 && fcntl_is_open((int)r)) {
				/* Keep a few objects alive for the info calls; close the one it replaces. */
				int slot = below(8);
				if (kept[slot] > 2)
					close(kept[slot]);
				kept[slot] = (int)r;
				fds_left++;
			}
		} else {
			failed++;
			if (errno <= 0 || errno > 600)
				bad_errno++;
		}
	}
	for (int k = 0; k < 8; k++)
		if (kept[k] > 2)
			close(kept[k]);
	observe("fuzz.calls", "%ld", calls);
	expect_long("fuzz.bad_errno", 0, bad_errno);
	observe("fuzz.outcomes", "%ld ok, %ld failed, %ld descriptors returned", ok, failed, fds_left);
	expect_long("fuzz.open_after_minus_before", 0, open_descriptors_above(2) - open_before);
	return 0;
}
