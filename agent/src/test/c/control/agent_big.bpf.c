/*
 * agent_probes.bpf.c with 120,000 more instructions in its uprobe program: about 1 MB of instructions
 * and as much JIT image, so that its PROG message is larger than a socket buffer holds by default
 * (net.core.wmem_max, 208 KiB) and must reach the agent in a memfd (AgentWire.PAYLOAD). The padding
 * computes a value nothing reads; the counts are agent_probes.bpf.c's.
 */
#define AGENT_PROBES_PADDING(x) asm volatile(".rept 60000\n\t%0 *= 3\n\t%0 += 7\n\t.endr" : "+r"(x))
#include "agent_probes.bpf.c"
