/*
 * agent_probes.bpf.c with 500 more array maps, read by ten more programs of 50 maps each (the
 * kernel's limit is 64 maps per program): the service sends every loaded program with its maps to
 * each agent, so a target gets 500 MAP messages with their memfds at once, more than a socket's
 * queue holds (net.unix.max_dgram_qlen). The extra programs are loaded, not attached.
 */
#include "agent_probes.bpf.c"

#define MAP(i)                                         \
	struct {                                       \
		__uint(type, BPF_MAP_TYPE_ARRAY);      \
		__uint(max_entries, 1);                \
		__type(key, __u32);                    \
		__type(value, __u64);                  \
	} m##i SEC(".maps");
#define READ(i)                                         \
	{                                               \
		__u64 *v = bpf_map_lookup_elem(&m##i, &zero); \
		if (v)                                  \
			sum += *v;                      \
	}
/* Ten ids h t 0 .. h t 9; five tens of a hundred h (t = a .. a + 4). */
#define UNITS(f, h, t) f(h##t##0) f(h##t##1) f(h##t##2) f(h##t##3) f(h##t##4) \
		       f(h##t##5) f(h##t##6) f(h##t##7) f(h##t##8) f(h##t##9)
#define FIVE_TENS_LO(f, h) UNITS(f, h, 0) UNITS(f, h, 1) UNITS(f, h, 2) UNITS(f, h, 3) UNITS(f, h, 4)
#define FIVE_TENS_HI(f, h) UNITS(f, h, 5) UNITS(f, h, 6) UNITS(f, h, 7) UNITS(f, h, 8) UNITS(f, h, 9)
#define HUNDRED(f, h) FIVE_TENS_LO(f, h) FIVE_TENS_HI(f, h)

HUNDRED(MAP, 1)
HUNDRED(MAP, 2)
HUNDRED(MAP, 3)
HUNDRED(MAP, 4)
HUNDRED(MAP, 5)

#define PROGRAM(h, half)                                   \
	SEC("uprobe")                                      \
	int reads_##h##_##half(struct regs *ctx)           \
	{                                                  \
		__u32 zero = 0;                            \
		__u64 sum = 0;                             \
		FIVE_TENS_##half(READ, h)                  \
		return sum == 1;                           \
	}

PROGRAM(1, LO)
PROGRAM(1, HI)
PROGRAM(2, LO)
PROGRAM(2, HI)
PROGRAM(3, LO)
PROGRAM(3, HI)
PROGRAM(4, LO)
PROGRAM(4, HI)
PROGRAM(5, LO)
PROGRAM(5, HI)
