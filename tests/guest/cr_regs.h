/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two register holders (cr-target's cr_spin, cr-threads'
 * thr_hold) share: the pieces of their assembly that are the same but for
 * offsets, and the C that fills and checks what they hold. Each program
 * keeps its own struct and offsets; the pieces take them as arguments.
 */
#ifndef CR_REGS_H
#define CR_REGS_H

#include <signal.h>
#include <stdint.h>

#include "cr_common.h"

#define L(x) x "\n\t"

#define IRP_0_15 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"
#define IRP_0_63 ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63"
#define IRP_14_31 ".irp n,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"

#if defined(__x86_64__)
/* The callee-saved registers and the block's pointer (%rdi), kept. */
#define X86_PUSH_NV                                                  \
	L("push %rbx") L("push %rbp") L("push %r12") L("push %r13") \
	L("push %r14") L("push %r15")                                \
	L("push %rdi")
#define X86_POP_NV                                                  \
	L("pop %rdi") L("pop %r15") L("pop %r14") L("pop %r13")    \
	L("pop %r12") L("pop %rbp") L("pop %rbx")

/* rbx rbp r12-r15 from the first six words at GPR (block at %rdi). */
#define X86_NV_LOAD(gpr)                                \
	L("mov " STR(gpr) "+0(%rdi),%rbx")              \
	L("mov " STR(gpr) "+8(%rdi),%rbp")              \
	L("mov " STR(gpr) "+16(%rdi),%r12")             \
	L("mov " STR(gpr) "+24(%rdi),%r13")             \
	L("mov " STR(gpr) "+32(%rdi),%r14")             \
	L("mov " STR(gpr) "+40(%rdi),%r15")
/* And back to them (block at %rax). */
#define X86_NV_STORE(gpr)                               \
	L("mov %rbx," STR(gpr) "+0(%rax)")              \
	L("mov %rbp," STR(gpr) "+8(%rax)")              \
	L("mov %r12," STR(gpr) "+16(%rax)")             \
	L("mov %r13," STR(gpr) "+24(%rax)")             \
	L("mov %r14," STR(gpr) "+32(%rax)")             \
	L("mov %r15," STR(gpr) "+40(%rax)")

/*
 * xmm0-15 from VS (at %rdi), then the ymm upper halves (VS+256) where the
 * word at VEC says there is AVX; local label 1.
 */
#define X86_VEC_LOAD(vs, vec)                                                \
	L(IRP_0_15)                                                          \
	L("movdqu " STR(vs) "+\\n*16(%rdi),%xmm\\n")                        \
	L(".endr")                                                           \
	L("cmpq $0," STR(vec) "(%rdi)")                                      \
	L("je 1f")                                                           \
	L(IRP_0_15)                                                          \
	L("vinsertf128 $1," STR(vs) "+256+\\n*16(%rdi),%ymm\\n,%ymm\\n")    \
	L(".endr")                                                           \
	"1:\n\t"
/* Their store to VS (at %rax), the same way round; local label 4. */
#define X86_VEC_STORE(vs, vec)                                               \
	L(IRP_0_15)                                                          \
	L("movdqu %xmm\\n," STR(vs) "+\\n*16(%rax)")                        \
	L(".endr")                                                           \
	L("cmpq $0," STR(vec) "(%rax)")                                      \
	L("je 4f")                                                           \
	L(IRP_0_15)                                                          \
	L("vextractf128 $1,%ymm\\n," STR(vs) "+256+\\n*16(%rax)")           \
	L(".endr")                                                           \
	L("vzeroupper")                                                      \
	"4:\n\t"
#elif defined(__powerpc64__)
/*
 * The frame both use (720 bytes): 32 the block, 56 CR, 64 FPSCR,
 * 96 r14-r31, 240 vs14-31 (f14-f31), 528 vs52-63 (v20-v31); what else
 * lies between is each one's own.
 */
#define PPC_FRAME_PUSH    \
	L("mflr 0")       \
	L("std 0,16(1)")  \
	L("mfcr 12")      \
	L("stdu 1,-720(1)") \
	L("std 3,32(1)")  \
	L("std 12,56(1)")
#define PPC_FRAME_POP       \
	L("ld 12,56(1)")    \
	L("mtcrf 0x38,12")  \
	L("addi 1,1,720")   \
	L("ld 0,16(1)")     \
	L("mtlr 0")         \
	L("blr")
/* The non-volatile r14-r31, vs14-31 and vs52-63 to the frame (std,
 * stxvd2x) or back from it (ld, lxvd2x). */
#define PPC_NV(op, vop)                            \
	L(IRP_14_31)                               \
	L(op " \\n,96+(\\n-14)*8(1)")              \
	L("li 5,240+(\\n-14)*16")                  \
	L(vop " \\n,1,5")                          \
	L(".endr")                                 \
	L(".irp n,52,53,54,55,56,57,58,59,60,61,62,63") \
	L("li 5,528+(\\n-52)*16")                  \
	L(vop " \\n,1,5")                          \
	L(".endr")
/* vs0-63 at OFF of the block in register base, with lxvd2x or stxvd2x. */
#define PPC_VS_ALL(vop, off, base)             \
	L(IRP_0_63)                            \
	L("li 5," STR(off) "+\\n*16")          \
	L(vop " \\n," base ",5")               \
	L(".endr")
/* r14-r31 at OFF of the block in register base, with ld or std. */
#define PPC_GPRS(op, off, base)                         \
	L(IRP_14_31)                                    \
	L(op " \\n," STR(off) "+(\\n-14)*8(" base ")")  \
	L(".endr")
#endif

/* The CPU and kernel keep the upper halves of ymm (AVX); ppc: always 1. */
int vec_upper(void);
/* The FP control register now: x86 MXCSR, ppc FPSCR. */
uint64_t fp_ctl(void);
uint64_t thread_pointer(void);
/* The signals set in s, bit sig-1. */
uint64_t set_bits(const sigset_t *s);

/* Where a check of registers says what differs. */
typedef void (*cr_report)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* General registers held: x86 by names[], ppc r14 on (names NULL). */
void check_gprs(const uint64_t *in, const uint64_t *out, int n,
		const char *const *names, cr_report bad);
/* Vector registers held: x86 xmm then ymm upper halves (if vec), ppc vs. */
void check_vecs(const uint8_t (*in)[16], const uint8_t (*out)[16], int n,
		int vec, cr_report bad);
/* The FP control register read back once set, against what it held. */
void check_fp_ctl(uint64_t ref, uint64_t out, cr_report bad);
void check_sp(uint64_t in, uint64_t out, cr_report bad);

#endif
