/* The assembly probe targets (targets.S). */
#ifndef TARGETS_H
#define TARGETS_H

#include <stdint.h>

long t_inline(long a, long b, long c, long d, long e, long f);
int t_short(int x);
long t_riprel(long a);
long t_branch_first(long a);
long t_loop_target(long a, long n);
long t_call_first(long a);
long t_jmp_first(long a);
long t_fact(long n);
double t_float_args(double x0, double x1, double x2, double x3, double x4, double x5, double x6, double x7);
void t_ymm_store(void);
void call_ymm_store(const void *in, void *out);
void t_vec_mid(const void *in, void *out);
long t_flags_mid(long a, long b);
long t_redzone_mid(long a, long b);
void t_zmm_mid(const void *in, void *out);
long call_t_inline_regs(void);

extern char t_vec_mid_probe[], t_flags_mid_probe[], t_redzone_mid_probe[], t_zmm_mid_probe[];
extern char call_t_inline_regs_ret[];
extern volatile long t_inline_body, t_counter;
extern uint64_t t_call_sp;

#endif
