/*
 * The ALU operations whose result C leaves undefined or the ISA defines specially (RFC 9669
 * section 4.1; the kernel's fixups in kernel/bpf/verifier.c do_misc_fixups and the interpreter in
 * kernel/bpf/core.c):
 *   - division by zero gives 0; modulo by zero leaves the dividend (for 32 bits: its low half);
 *   - signed INT_MIN / -1 gives INT_MIN and INT_MIN % -1 gives 0 (the verifier turns both into a
 *     negation and a zeroing); signed modulo takes the sign of the dividend, as C's %;
 *   - shift amounts are masked to the operand width.
 * Every 32-bit result is zero-extended into the 64-bit register by the caller.
 */
#ifndef BPFTIME_VM_ARITH_H
#define BPFTIME_VM_ARITH_H

#include <stdint.h>

static inline uint64_t udiv64(uint64_t a, uint64_t b)
{
    return b == 0 ? 0 : a / b;
}

static inline uint64_t umod64(uint64_t a, uint64_t b)
{
    return b == 0 ? a : a % b;
}

static inline uint32_t udiv32(uint32_t a, uint32_t b)
{
    return b == 0 ? 0 : a / b;
}

static inline uint32_t umod32(uint32_t a, uint32_t b)
{
    return b == 0 ? a : a % b;
}

static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return 0;
    }
    if ((int64_t)b == -1) {
        return 0 - a; /* wraps for INT64_MIN as the kernel's negation does */
    }
    return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return a;
    }
    if ((int64_t)b == -1) {
        return 0;
    }
    return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
    if (b == 0) {
        return 0;
    }
    if ((int32_t)b == -1) {
        return 0 - a;
    }
    return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t smod32(uint32_t a, uint32_t b)
{
    if (b == 0) {
        return a;
    }
    if ((int32_t)b == -1) {
        return 0;
    }
    return (uint32_t)((int32_t)a % (int32_t)b);
}

/* Arithmetic right shift without relying on implementation-defined signed shifts. */
static inline uint64_t arsh64(uint64_t a, unsigned n)
{
    n &= 63;
    return (int64_t)a < 0 ? ~(~a >> n) : a >> n;
}

static inline uint32_t arsh32(uint32_t a, unsigned n)
{
    n &= 31;
    return (int32_t)a < 0 ? ~(~a >> n) : a >> n;
}

/* Byte swaps of the low 16, 32 or 64 bits; the result is zero-extended (RFC 9669 section 4.2). */
static inline uint64_t bswap_width(uint64_t v, int32_t bits)
{
    switch (bits) {
    case 16:
        return __builtin_bswap16((uint16_t)v);
    case 32:
        return __builtin_bswap32((uint32_t)v);
    default:
        return __builtin_bswap64(v);
    }
}

/* Truncation to the low 16, 32 or 64 bits: "to little-endian" on a little-endian host. */
static inline uint64_t truncate_width(uint64_t v, int32_t bits)
{
    switch (bits) {
    case 16:
        return (uint16_t)v;
    case 32:
        return (uint32_t)v;
    default:
        return v;
    }
}

#endif
