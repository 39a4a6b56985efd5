/*
 * Operand-encoding attributes of every opcode of the legacy maps in 64-bit mode, from the Intel SDM
 * Volume 2, Appendix A, tables A-2 (one-byte map), A-3 (0F map), A-4 (0F 38) and A-5 (0F 3A).
 * Only what decides the length is kept: ModR/M present, immediate kind, invalid in 64-bit mode.
 * Opcodes with irregular encodings (prefixes, escapes, moffs, groups whose immediate depends on
 * ModR/M.reg) are marked X86_OP_SPECIAL and handled in x86_decode.c.
 */
#include "x86_opcode_tables.h"

#define M X86_OP_MODRM
#define B X86_OP_IMM8
#define W X86_OP_IMM16
#define Z X86_OP_IMMZ
#define V X86_OP_IMMV
#define X X86_OP_INVALID
#define S X86_OP_SPECIAL

const uint8_t x86_map0[256] = {
	/* 00-3F: ALU ops Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz; 06/07 0E 16/17 1E/1F 27 2F 37 3F are
	 * invalid in 64-bit mode; 26 2E 36 3E are segment prefixes; 0F is the escape. */
	[0x00 ... 0x03] = M, [0x04] = B, [0x05] = Z, [0x06 ... 0x07] = X,
	[0x08 ... 0x0b] = M, [0x0c] = B, [0x0d] = Z, [0x0e] = X, [0x0f] = S,
	[0x10 ... 0x13] = M, [0x14] = B, [0x15] = Z, [0x16 ... 0x17] = X,
	[0x18 ... 0x1b] = M, [0x1c] = B, [0x1d] = Z, [0x1e ... 0x1f] = X,
	[0x20 ... 0x23] = M, [0x24] = B, [0x25] = Z, [0x26] = S, [0x27] = X,
	[0x28 ... 0x2b] = M, [0x2c] = B, [0x2d] = Z, [0x2e] = S, [0x2f] = X,
	[0x30 ... 0x33] = M, [0x34] = B, [0x35] = Z, [0x36] = S, [0x37] = X,
	[0x38 ... 0x3b] = M, [0x3c] = B, [0x3d] = Z, [0x3e] = S, [0x3f] = X,
	/* 40-4F REX prefixes; 50-5F push/pop r64 */
	[0x40 ... 0x4f] = S, [0x50 ... 0x5f] = 0,
	/* 60/61 pusha/popa invalid; 62 EVEX; 63 movsxd; 64-67 prefixes; 68 push Iz; 69 imul Gv,Ev,Iz;
	 * 6A push Ib; 6B imul Gv,Ev,Ib; 6C-6F ins/outs */
	[0x60 ... 0x61] = X, [0x62] = S, [0x63] = M, [0x64 ... 0x67] = S,
	[0x68] = Z, [0x69] = M | Z, [0x6a] = B, [0x6b] = M | B, [0x6c ... 0x6f] = 0,
	/* 70-7F jcc rel8 */
	[0x70 ... 0x7f] = B,
	/* 80 grp1 Eb,Ib; 81 grp1 Ev,Iz; 82 invalid; 83 grp1 Ev,Ib; 84-8E test xchg mov lea mov-sreg;
	 * 8F grp1A pop Ev, or the XOP escape */
	[0x80] = M | B, [0x81] = M | Z, [0x82] = X, [0x83] = M | B, [0x84 ... 0x8e] = M, [0x8f] = S,
	/* 90-9F xchg/nop, cbw/cwd, fwait, pushf/popf, sahf/lahf; 9A far call invalid */
	[0x90 ... 0x99] = 0, [0x9a] = X, [0x9b ... 0x9f] = 0,
	/* A0-A3 mov with a moffs (address-sized offset); A8 test AL,Ib; A9 test rAX,Iz */
	[0xa0 ... 0xa3] = S, [0xa4 ... 0xa7] = 0, [0xa8] = B, [0xa9] = Z, [0xaa ... 0xaf] = 0,
	/* B0-B7 mov r8,Ib; B8-BF mov r,Iv (imm64 with REX.W) */
	[0xb0 ... 0xb7] = B, [0xb8 ... 0xbf] = V,
	/* C0/C1 grp2 Ib; C2 ret Iw; C3 ret; C4/C5 VEX; C6/C7 grp11 mov Ib/Iz; C8 enter Iw,Ib; C9 leave;
	 * CA retf Iw; CB retf; CC int3; CD int Ib; CE into invalid; CF iret */
	[0xc0 ... 0xc1] = M | B, [0xc2] = W, [0xc3] = 0, [0xc4 ... 0xc5] = S, [0xc6] = M | B,
	[0xc7] = M | Z, [0xc8] = S, [0xc9] = 0, [0xca] = W, [0xcb ... 0xcc] = 0, [0xcd] = B,
	[0xce] = X, [0xcf] = 0,
	/* D0-D3 grp2 by 1/CL; D4-D6 invalid; D7 xlat; D8-DF x87 */
	[0xd0 ... 0xd3] = M, [0xd4 ... 0xd6] = X, [0xd7] = 0, [0xd8 ... 0xdf] = M,
	/* E0-E3 loop/jrcxz rel8; E4-E7 in/out Ib; E8 call rel32; E9 jmp rel32; EA invalid; EB jmp rel8;
	 * EC-EF in/out dx */
	[0xe0 ... 0xe7] = B, [0xe8 ... 0xe9] = S, [0xea] = X, [0xeb] = B, [0xec ... 0xef] = 0,
	/* F0 lock, F2/F3 rep prefixes; F1 int1; F4 hlt; F5 cmc; F6/F7 grp3 (test has an immediate);
	 * F8-FD flag ops; FE grp4; FF grp5 */
	[0xf0] = S, [0xf1] = 0, [0xf2 ... 0xf3] = S, [0xf4 ... 0xf5] = 0, [0xf6 ... 0xf7] = S,
	[0xf8 ... 0xfd] = 0, [0xfe ... 0xff] = M,
};

const uint8_t x86_map1[256] = {
	/* 00 grp6; 01 grp7; 02/03 lar/lsl; 04 invalid; 05 syscall; 06 clts; 07 sysret; 08 invd;
	 * 09 wbinvd; 0A invalid; 0B ud2; 0C invalid; 0D prefetchw; 0E femms; 0F 3DNow! (ModR/M, then
	 * an imm8 that selects the operation) */
	[0x00 ... 0x03] = M, [0x04] = X, [0x05 ... 0x09] = 0, [0x0a] = X, [0x0b] = 0, [0x0c] = X,
	[0x0d] = M, [0x0e] = 0, [0x0f] = M | B,
	/* 10-17 SSE moves; 18-1F hints, nop Ev, endbr */
	[0x10 ... 0x1f] = M,
	/* 20-23 mov to/from CR/DR; 24-27 invalid; 28-2F SSE */
	[0x20 ... 0x23] = M, [0x24 ... 0x27] = X, [0x28 ... 0x2f] = M,
	/* 30-37 wrmsr rdtsc rdmsr rdpmc sysenter sysexit (36 invalid) getsec; 38/3A escapes */
	[0x30 ... 0x35] = 0, [0x36] = X, [0x37] = 0, [0x38] = S, [0x39] = X, [0x3a] = S,
	[0x3b ... 0x3f] = X,
	/* 40-4F cmovcc; 50-6F SSE/MMX; 70 pshuf Ib; 71-73 shift groups Ib; 74-76 pcmpeq; 77 emms;
	 * 78 vmread (66: extrq Ib,Ib; F2: insertq Ib,Ib, see x86_decode.c); 79 vmwrite; 7A/7B invalid */
	[0x40 ... 0x6f] = M, [0x70 ... 0x73] = M | B, [0x74 ... 0x76] = M, [0x77] = 0, [0x78] = S,
	[0x79] = M, [0x7a ... 0x7b] = X, [0x7c ... 0x7f] = M,
	/* 80-8F jcc rel32; 90-9F setcc */
	[0x80 ... 0x8f] = S, [0x90 ... 0x9f] = M,
	/* A0/A1 push/pop fs; A2 cpuid; A3 bt; A4 shld Ib; A5 shld cl; A6/A7 VIA PadLock
	 * (xsha*, montmul, xstore, xcrypt-*: ModR/M, no immediate; libgcrypt has them); A8/A9 push/pop gs;
	 * AA rsm; AB bts; AC shrd Ib; AD shrd cl; AE grp15; AF imul */
	[0xa0 ... 0xa2] = 0, [0xa3] = M, [0xa4] = M | B, [0xa5] = M, [0xa6 ... 0xa7] = M,
	[0xa8 ... 0xaa] = 0, [0xab] = M, [0xac] = M | B, [0xad ... 0xaf] = M,
	/* B0-BF cmpxchg lss btr lfs lgs movzx popcnt ud1 grp8(Ib) btc bsf bsr movsx */
	[0xb0 ... 0xb9] = M, [0xba] = M | B, [0xbb ... 0xbf] = M,
	/* C0/C1 xadd; C2 cmpps Ib; C3 movnti; C4 pinsrw Ib; C5 pextrw Ib; C6 shufps Ib; C7 grp9;
	 * C8-CF bswap */
	[0xc0 ... 0xc1] = M, [0xc2] = M | B, [0xc3] = M, [0xc4 ... 0xc6] = M | B, [0xc7] = M,
	[0xc8 ... 0xcf] = 0,
	/* D0-FF SSE/MMX; FF ud0 */
	[0xd0 ... 0xff] = M,
};
