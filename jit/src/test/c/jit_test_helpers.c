/*
 * Helpers for the JIT's tests: a helper table of C functions that programs call by id, and the tail-call
 * resolver over a simple prog array. Each helper checks one part of the calling convention.
 */
#include <stddef.h>
#include <stdint.h>

#define API __attribute__((visibility("default")))

#define HELPER_COUNT 16
#define HELPER_TAIL_CALL 12 /* BPF_FUNC_tail_call */

/* Unknown ids: a value no test expects. */
static uint64_t stub(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    return 0xdeadbeefULL;
}

/* 1: shows that each of r1..r5 arrived in its place. */
static uint64_t weighted_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    return r1 + r2 * 10 + r3 * 100 + r4 * 1000 + r5 * 10000;
}

/* 2: trashes every caller-saved register, as the ABI allows, and returns r1 + 1. */
static uint64_t clobber(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    uint64_t result = r1 + 1;
    __asm__ volatile("mov $-1, %%rdi\n\t"
                     "mov $-1, %%rsi\n\t"
                     "mov $-1, %%rdx\n\t"
                     "mov $-1, %%rcx\n\t"
                     "mov $-1, %%r8\n\t"
                     "mov $-1, %%r9\n\t"
                     "mov $-1, %%r10\n\t"
                     "mov $-1, %%r11\n\t"
                     :
                     :
                     : "rdi", "rsi", "rdx", "rcx", "r8", "r9", "r10", "r11", "memory");
    return result;
}

/* 3: rsp modulo 16 on entry; 8 when the caller had rsp 16-byte aligned at its call, as the ABI requires. */
uint64_t bpftime_jit_test_rsp_mod16(void);
__asm__(".text\n"
        ".hidden bpftime_jit_test_rsp_mod16\n"
        ".type bpftime_jit_test_rsp_mod16, @function\n"
        "bpftime_jit_test_rsp_mod16:\n"
        "\tmov %rsp, %rax\n"
        "\tand $15, %eax\n"
        "\tret\n"
        ".size bpftime_jit_test_rsp_mod16, .-bpftime_jit_test_rsp_mod16\n");

static uint64_t rsp_mod16(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    return bpftime_jit_test_rsp_mod16();
}

/* 4: the sum of the r2 bytes at r1: reads memory a program passes, such as its stack. */
static uint64_t sum_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)r1;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < r2; i++)
        sum += p[i];
    return sum;
}

/* 5: the bpf_conformance suite's unwind helper: returns its argument; 0 makes the program stop. */
static uint64_t unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    return r1;
}

/* 6: fills r3 bytes at r1 with the byte r2; returns r3. */
static uint64_t fill_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    uint8_t *p = (uint8_t *)(uintptr_t)r1;
    for (uint64_t i = 0; i < r3; i++)
        p[i] = (uint8_t)r2;
    return r3;
}

/* A prog array: count slots, each the tail-call entry of a program and the frames it needs. */
struct bpftime_jit_test_prog_array {
    uint64_t count;
    struct {
        uint64_t entry;
        uint64_t frames;
    } slots[];
};

/* 12: resolves bpf_tail_call(ctx, array, index) for a program with frames_free frames left. */
static uint64_t tail_call_resolve(uint64_t ctx, uint64_t array, uint64_t index, uint64_t frames_free, uint64_t r5)
{
    const struct bpftime_jit_test_prog_array *a = (const void *)(uintptr_t)array;
    uint32_t i = (uint32_t)index;
    if (a == NULL || i >= a->count || a->slots[i].entry == 0 || a->slots[i].frames > frames_free)
        return 0;
    return a->slots[i].entry;
}

typedef uint64_t (*helper_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static helper_fn table[HELPER_COUNT] = {
    stub, weighted_sum, clobber, rsp_mod16, sum_bytes, unwind, fill_bytes, stub,
    stub, stub, stub, stub, tail_call_resolve, stub, stub, stub,
};

API void *bpftime_jit_test_helper_table(void)
{
    return table;
}

API uint32_t bpftime_jit_test_helper_count(void)
{
    return HELPER_COUNT;
}

/*
 * uint64_t bpftime_jit_test_call_checking_saved(entry, r1): calls entry(r1, 0) with rbx, rbp and
 * r12-r15 holding known values, and returns a mask of those the call changed (bit 0 rbx, 1 rbp,
 * 2-5 r12-r15): what the System V ABI requires of the image's C entry is that it be 0.
 */
__asm__(".globl bpftime_jit_test_call_checking_saved\n"
	".type bpftime_jit_test_call_checking_saved, @function\n"
	"bpftime_jit_test_call_checking_saved:\n"
	"	push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15\n"
	"	sub $8, %rsp\n" /* 16-byte alignment at the call */
	"	mov %rdi, %rax; mov %rsi, %rdi; xor %esi, %esi\n"
	"	movabs $0x1111111111111111, %rbx; movabs $0x2222222222222222, %rbp\n"
	"	movabs $0x3333333333333333, %r12; movabs $0x4444444444444444, %r13\n"
	"	movabs $0x5555555555555555, %r14; movabs $0x6666666666666666, %r15\n"
	"	call *%rax\n"
	"	xor %eax, %eax\n"
	"	movabs $0x1111111111111111, %rcx; cmp %rcx, %rbx; setne %dl; or %dl, %al\n"
	"	movabs $0x2222222222222222, %rcx; cmp %rcx, %rbp; setne %dl; shl $1, %dl; or %dl, %al\n"
	"	movabs $0x3333333333333333, %rcx; cmp %rcx, %r12; setne %dl; shl $2, %dl; or %dl, %al\n"
	"	movabs $0x4444444444444444, %rcx; cmp %rcx, %r13; setne %dl; shl $3, %dl; or %dl, %al\n"
	"	movabs $0x5555555555555555, %rcx; cmp %rcx, %r14; setne %dl; shl $4, %dl; or %dl, %al\n"
	"	movabs $0x6666666666666666, %rcx; cmp %rcx, %r15; setne %dl; shl $5, %dl; or %dl, %al\n"
	"	add $8, %rsp\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp\n"
	"	ret\n"
	".size bpftime_jit_test_call_checking_saved, . - bpftime_jit_test_call_checking_saved\n");
