// SPDX-License-Identifier: GPL-2.0
/*
 * The process the checkpoint/restart cases checkpoint: it sets up known
 * state, says it is ready, waits to be checkpointed and, once it notices it
 * was restarted (getppid() changed: a restarted process keeps its pid, in
 * a container of crctl's whose pid 1 is its parent, or with --same-pid-ns
 * as crctl's child; a direct restart gives it another pid), checks that state and prints one verdict line:
 *
 *   PASS <mode>
 *   FAIL <mode>: <what differed: expected vs found>[; ...]
 *
 * exit 0 or 1. Before the verdict it prints "restarted: pid OLD -> NEW".
 * Not restarted within the timeout: "FAIL <mode>: timeout ...", exit 2.
 *
 *   cr-target MODE READYFILE [ARGS]
 *     regs | wideregs | work [SECONDS] | memory | files | pipe | signals | sigpending | identity |
 *     sleep | pipe-read | count COUNTFILE [TICKS] | mem MIB | clock | uts [shm]
 *
 * READYFILE receives "<pid>\n" (atomically: written aside, then renamed)
 * once the state is set up. Files a mode creates go to $CR_TARGET_DIR
 * (default /tmp).
 *
 * Environment:
 *   CR_TARGET_TIMEOUT=S    seconds to wait for the restart (default 60,
 *                          0: forever)
 *   CR_TARGET_SELFTEST=1   no checkpoint: set up, then verify at once in
 *                          the same process (proves the checks; no pid
 *                          change is required)
 *   CR_TARGET_SELFTEST=corrupt  the same after changing some of the state:
 *                          must print FAIL
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <asm/prctl.h>
#endif

#include "cr_common.h"
#include "cr_regs.h"

/* ---- regs: GPRs, FP/vector registers and their control words -------- */

/*
 * The spinner, cr_spin(&blk), in assembly: loads the patterns of blk into
 * registers, spins on the getppid system call until it returns another pid
 * than blk.pid0 (or blk.iter spins pass: a restarted process keeps its pid,
 * and has crctl's container, or crctl, as its parent), then stores the registers back
 * and restores what the ABI wants preserved. Offsets of struct spin_block
 * are hard-coded below and checked by _Static_assert.
 */
#define O_PID0		0
#define O_ITER		8
#define O_NEWPID	16
#define O_LEFT		24
#define O_VEC		32
#define O_CTL_IN	40	/* x86 MXCSR, ppc FPSCR */
#define O_CTL_REF	48	/* read back before spinning */
#define O_CTL_OUT	56
#define O_CTL2_IN	64	/* x86 x87 control word */
#define O_CTL2_REF	72
#define O_CTL2_OUT	80
#define O_SP_IN		88
#define O_SP_OUT	96
#define O_CR_IN		104	/* ppc CR */
#define O_CR_OUT	112
#define O_GPR_IN	128

#if defined(__x86_64__)
#define NGPR 12
#define NVS 32		/* xmm0-15, then the upper halves of ymm0-15 */
static const char *const gpr_names[NGPR] = {
	"rbx", "rbp", "r12", "r13", "r14", "r15",
	"rsi", "rdx", "r8", "r9", "r10", "rdi",
};
#define GPR_NAMES gpr_names
#elif defined(__powerpc64__)
#define NGPR 18		/* r14-r31 */
#define NVS 64		/* vs0-63: f0-31 with their VSX halves, then v0-31 */
#define GPR_NAMES NULL	/* r14 on */
#else
#error "cr-target knows x86_64 and ppc64le"
#endif

#define O_GPR_OUT	(O_GPR_IN + NGPR * 8)
#define O_X87_IN	(O_GPR_OUT + NGPR * 8)
#define O_X87_OUT	(O_X87_IN + 16)
#define O_VS_IN		(O_X87_OUT + 16)
#define O_VS_OUT	(O_VS_IN + NVS * 16)
#define O_VSCR_REF	(O_VS_OUT + NVS * 16)
#define O_VSCR_OUT	(O_VSCR_REF + 16)

struct spin_block {
	uint64_t pid0, iter, newpid, left, vec;
	uint64_t ctl_in, ctl_ref, ctl_out, ctl2_in, ctl2_ref, ctl2_out;
	uint64_t sp_in, sp_out, cr_in, cr_out, pad;
	uint64_t gpr_in[NGPR], gpr_out[NGPR];
	uint64_t x87_in[2], x87_out[2];	/* doubles, as bits */
	uint8_t vs_in[NVS][16], vs_out[NVS][16];
	uint8_t vscr_ref[16], vscr_out[16];
} __attribute__((aligned(16)));

_Static_assert(offsetof(struct spin_block, iter) == O_ITER, "O_ITER");
_Static_assert(offsetof(struct spin_block, left) == O_LEFT, "O_LEFT");
_Static_assert(offsetof(struct spin_block, vec) == O_VEC, "O_VEC");
_Static_assert(offsetof(struct spin_block, ctl2_out) == O_CTL2_OUT, "O_CTL2_OUT");
_Static_assert(offsetof(struct spin_block, cr_out) == O_CR_OUT, "O_CR_OUT");
_Static_assert(offsetof(struct spin_block, gpr_in) == O_GPR_IN, "O_GPR_IN");
_Static_assert(offsetof(struct spin_block, gpr_out) == O_GPR_OUT, "O_GPR_OUT");
_Static_assert(offsetof(struct spin_block, x87_in) == O_X87_IN, "O_X87_IN");
_Static_assert(offsetof(struct spin_block, vs_in) == O_VS_IN, "O_VS_IN");
_Static_assert(O_VS_IN % 16 == 0, "vector slots 16-byte aligned");
_Static_assert(offsetof(struct spin_block, vs_out) == O_VS_OUT, "O_VS_OUT");
_Static_assert(offsetof(struct spin_block, vscr_ref) == O_VSCR_REF, "O_VSCR_REF");
_Static_assert(offsetof(struct spin_block, vscr_out) == O_VSCR_OUT, "O_VSCR_OUT");

void cr_spin(struct spin_block *b);

#if defined(__x86_64__)
__asm__(
	".text\n\t"
	".globl cr_spin\n\t"
	".type cr_spin,@function\n"
	"cr_spin:\n\t"
	X86_PUSH_NV			/* b: 32(%rsp) below */
	L("sub $32,%rsp")		/* 0 mxcsr, 4 fcw, 8 left, 16 pid0, 24 newpid */
	L("stmxcsr 0(%rsp)")
	L("fnstcw 4(%rsp)")
	L("mov " STR(O_PID0) "(%rdi),%rax")
	L("mov %rax,16(%rsp)")
	L("mov " STR(O_ITER) "(%rdi),%rax")
	L("mov %rax,8(%rsp)")
	L("ldmxcsr " STR(O_CTL_IN) "(%rdi)")
	L("stmxcsr " STR(O_CTL_REF) "(%rdi)")
	L("fldcw " STR(O_CTL2_IN) "(%rdi)")
	L("fnstcw " STR(O_CTL2_REF) "(%rdi)")
	L("fldl " STR(O_X87_IN) "(%rdi)")
	L("fldl " STR(O_X87_IN) "+8(%rdi)")
	X86_VEC_LOAD(O_VS_IN, O_VEC)
	L("mov %rsp," STR(O_SP_IN) "(%rdi)")
	X86_NV_LOAD(O_GPR_IN)
	L("mov " STR(O_GPR_IN) "+48(%rdi),%rsi")
	L("mov " STR(O_GPR_IN) "+56(%rdi),%rdx")
	L("mov " STR(O_GPR_IN) "+64(%rdi),%r8")
	L("mov " STR(O_GPR_IN) "+72(%rdi),%r9")
	L("mov " STR(O_GPR_IN) "+80(%rdi),%r10")
	L("mov " STR(O_GPR_IN) "+88(%rdi),%rdi")
	"2:\n\t"
	L("mov $" STR(__NR_getppid) ",%eax")
	L("syscall")
	L("cmp 16(%rsp),%rax")
	L("jne 3f")
	L("decq 8(%rsp)")
	L("jnz 2b")
	"3:\n\t"
	L("mov %rax,24(%rsp)")
	L("mov 32(%rsp),%rax")
	X86_NV_STORE(O_GPR_OUT)
	L("mov %rsi," STR(O_GPR_OUT) "+48(%rax)")
	L("mov %rdx," STR(O_GPR_OUT) "+56(%rax)")
	L("mov %r8," STR(O_GPR_OUT) "+64(%rax)")
	L("mov %r9," STR(O_GPR_OUT) "+72(%rax)")
	L("mov %r10," STR(O_GPR_OUT) "+80(%rax)")
	L("mov %rdi," STR(O_GPR_OUT) "+88(%rax)")
	L("mov %rsp," STR(O_SP_OUT) "(%rax)")
	L("mov 24(%rsp),%rcx")
	L("mov %rcx," STR(O_NEWPID) "(%rax)")
	L("mov 8(%rsp),%rcx")
	L("mov %rcx," STR(O_LEFT) "(%rax)")
	X86_VEC_STORE(O_VS_OUT, O_VEC)
	L("fstpl " STR(O_X87_OUT) "+8(%rax)")
	L("fstpl " STR(O_X87_OUT) "(%rax)")
	L("stmxcsr " STR(O_CTL_OUT) "(%rax)")
	L("fnstcw " STR(O_CTL2_OUT) "(%rax)")
	L("ldmxcsr 0(%rsp)")
	L("fldcw 4(%rsp)")
	L("add $32,%rsp")
	X86_POP_NV
	L("ret")
	".size cr_spin,.-cr_spin\n\t"
	".text\n");
#elif defined(__powerpc64__)
/*
 * Frame (720 bytes): 32 b, 40 pid0, 48 spins left, 56 CR, 64 FPSCR,
 * 80 VSCR, 96 r14-r31, 240 vs14-31 (f14-f31), 528 vs52-63 (v20-v31).
 */
__asm__(
	".text\n\t"
	".globl cr_spin\n\t"
	".type cr_spin,@function\n\t"
	".p2align 4\n"
	"cr_spin:\n\t"
	PPC_FRAME_PUSH
	PPC_NV("std", "stxvd2x")
	L("mffs 0")
	L("stfd 0,64(1)")
	L("mfvscr 0")
	L("li 5,80")
	L("stvx 0,1,5")
	L("ld 5," STR(O_PID0) "(3)")
	L("std 5,40(1)")
	L("ld 5," STR(O_ITER) "(3)")
	L("std 5,48(1)")
	/* control registers, each read back once set */
	L("lfd 0," STR(O_CTL_IN) "(3)")
	L("mtfsf 0xff,0")
	L("mffs 0")
	L("stfd 0," STR(O_CTL_REF) "(3)")
	L("vspltisw 0,1")		/* VSCR: SAT set, NJ clear */
	L("mtvscr 0")
	L("mfvscr 0")
	L("li 5," STR(O_VSCR_REF))
	L("stvx 0,3,5")
	L("ld 5," STR(O_CR_IN) "(3)")
	L("mtcrf 0x38,5")		/* CR2-CR4 */
	PPC_VS_ALL("lxvd2x", O_VS_IN, "3")
	L("std 1," STR(O_SP_IN) "(3)")
	PPC_GPRS("ld", O_GPR_IN, "3")
	"2:\n\t"
	L("li 0," STR(__NR_getppid))
	L("sc")
	L("ld 4,40(1)")
	L("cmpd 7,3,4")
	L("bne 7,3f")
	L("ld 4,48(1)")
	L("addi 4,4,-1")
	L("std 4,48(1)")
	L("cmpdi 7,4,0")
	L("bne 7,2b")
	"3:\n\t"
	L("ld 4,32(1)")
	L("std 3," STR(O_NEWPID) "(4)")
	L("ld 5,48(1)")
	L("std 5," STR(O_LEFT) "(4)")
	PPC_GPRS("std", O_GPR_OUT, "4")
	L("std 1," STR(O_SP_OUT) "(4)")
	L("mfcr 5")
	L("std 5," STR(O_CR_OUT) "(4)")
	PPC_VS_ALL("stxvd2x", O_VS_OUT, "4")
	L("mffs 0")
	L("stfd 0," STR(O_CTL_OUT) "(4)")
	L("mfvscr 0")
	L("li 5," STR(O_VSCR_OUT))
	L("stvx 0,4,5")
	/* give back what the ABI wants preserved */
	L("lfd 0,64(1)")
	L("mtfsf 0xff,0")
	L("li 5,80")
	L("lvx 0,1,5")
	L("mtvscr 0")
	PPC_NV("ld", "lxvd2x")
	PPC_FRAME_POP
	".size cr_spin,.-cr_spin\n\t"
	".text\n");
#endif

static struct spin_block blk;
static __thread uint64_t tls_word;

/* getppid spins per second, to turn the timeout into a spin count */
static uint64_t spins_per_second(void)
{
	double t0 = mono_now(), t;
	uint64_t n = 0;

	do {
		for (int i = 0; i < 1000; i++)
			raw_getppid();
		n += 1000;
		t = mono_now() - t0;
	} while (t < 0.05);
	return (uint64_t)((double)n / t) + 1;
}

static int mode_regs(int argc, char **argv)
{
	uint64_t tp0, tls_addr0, spins;
	int avx;

	(void)argc;
	(void)argv;
	for (int i = 0; i < NGPR; i++)
		blk.gpr_in[i] = mix64(0x6e670000ULL + (uint64_t)i) | 1;
	for (int i = 0; i < NVS; i++)
		fill(blk.vs_in[i], 16, 0x76730000ULL + (uint64_t)i);
	{
		double a = 1.0 / 3.0, b = -12345.678;

		memcpy(&blk.x87_in[0], &a, 8);
		memcpy(&blk.x87_in[1], &b, 8);
	}
#if defined(__x86_64__)
	{
		unsigned int mx = (unsigned int)fp_ctl();
		uint16_t cw;

		__asm__ volatile("fnstcw %0" : "=m"(cw));
		/* round toward zero, flush to zero */
		blk.ctl_in = (mx & ~0x6000u) | 0x6000u | 0x8000u;
		/* round toward zero (precision control left alone: QEMU rounds loads to it) */
		blk.ctl2_in = (cw & ~0x0c00u) | 0x0c00u;
	}
#elif defined(__powerpc64__)
	blk.ctl_in = (fp_ctl() & ~3ULL) | 1;	/* RN: toward zero */
	blk.cr_in = 0x00a5c000;			/* CR2 a, CR3 5, CR4 c */
#endif
	avx = vec_upper();
	blk.vec = (uint64_t)avx;
	tls_word = mix64(0x746c73);
	tls_addr0 = (uint64_t)(uintptr_t)&tls_word;
	tp0 = thread_pointer();
	blk.pid0 = selftest ? (uint64_t)-1 : (uint64_t)(long)ppid0;
	spins = spins_per_second();
	/* the spin loop is leaner than the calibration: give it some slack */
	blk.iter = timeout_s ? spins * timeout_s * 3 / 2 : UINT64_MAX;
	out("regs: %s, %llu getppid spins/s\n",
#if defined(__x86_64__)
	    avx ? "xmm0-15 and ymm0-15 upper halves" : "xmm0-15 (no AVX)",
#else
	    "vs0-63, FPSCR, VSCR, CR2-4",
#endif
	    (unsigned long long)spins);
	announce_ready();

	cr_spin(&blk);

	if (!selftest && blk.newpid == (uint64_t)(long)ppid0)
		timeout_fail();
	say_restarted();
	if (!selftest) {
		EXPECT(blk.iter - blk.left > 0,
		       "the checkpoint was taken before the spin loop ran");
		out("regs: %llu spins before the restart\n",
		    (unsigned long long)(blk.iter - blk.left));
	}
	if (selftest == 2) {
		blk.gpr_out[3] ^= 1ULL << 17;
		blk.vs_out[5][3] ^= 0x80;
		blk.ctl_out ^= 0x2000;
	}
	check_gprs(blk.gpr_in, blk.gpr_out, NGPR, GPR_NAMES, mismatch);
	check_vecs((const uint8_t (*)[16])blk.vs_in, (const uint8_t (*)[16])blk.vs_out, NVS, avx,
		   mismatch);
#if defined(__x86_64__)
	for (int i = 0; i < 2; i++)
		EXPECT(blk.x87_out[i] == blk.x87_in[i],
		       "x87 st(%d): expected 0x%016llx, found 0x%016llx", 1 - i,
		       (unsigned long long)blk.x87_in[i],
		       (unsigned long long)blk.x87_out[i]);
	EXPECT((blk.ctl_ref & 0xe000) == 0xe000, "MXCSR 0x%llx did not take RC/FZ",
	       (unsigned long long)blk.ctl_ref);
	check_fp_ctl(blk.ctl_ref, blk.ctl_out, mismatch);
	EXPECT((blk.ctl2_ref & 0x0c00) == 0x0c00, "x87 CW 0x%llx did not take RC",
	       (unsigned long long)blk.ctl2_ref);
	EXPECT((uint16_t)blk.ctl2_out == (uint16_t)blk.ctl2_ref,
	       "x87 CW: expected 0x%04x, found 0x%04x", (uint16_t)blk.ctl2_ref,
	       (uint16_t)blk.ctl2_out);
	{
		uint64_t gs = 1;

		syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
		EXPECT(gs == 0, "gs base: expected 0, found 0x%llx",
		       (unsigned long long)gs);
	}
#elif defined(__powerpc64__)
	EXPECT((blk.ctl_ref & 3) == 1, "FPSCR 0x%llx did not take RN",
	       (unsigned long long)blk.ctl_ref);
	check_fp_ctl(blk.ctl_ref, blk.ctl_out, mismatch);
	{
		uint32_t r[4], o[4];

		memcpy(r, blk.vscr_ref, 16);
		memcpy(o, blk.vscr_out, 16);
		EXPECT(!memcmp(r, o, 16),
		       "VSCR: expected %08x%08x%08x%08x, found %08x%08x%08x%08x",
		       r[3], r[2], r[1], r[0], o[3], o[2], o[1], o[0]);
	}
	EXPECT((blk.cr_out & 0x00fff000) == blk.cr_in,
	       "CR2-4: expected 0x%08llx, found 0x%08llx",
	       (unsigned long long)blk.cr_in,
	       (unsigned long long)(blk.cr_out & 0x00fff000));
#endif
	check_sp(blk.sp_in, blk.sp_out, mismatch);
	EXPECT(thread_pointer() == tp0, "thread pointer: expected 0x%llx, found 0x%llx",
	       (unsigned long long)tp0, (unsigned long long)thread_pointer());
	EXPECT((uint64_t)(uintptr_t)&tls_word == tls_addr0,
	       "TLS variable moved: expected %#llx, found %p",
	       (unsigned long long)tls_addr0, (void *)&tls_word);
	EXPECT(tls_word == mix64(0x746c73), "TLS variable: expected 0x%llx, found 0x%llx",
	       (unsigned long long)mix64(0x746c73), (unsigned long long)tls_word);
	return finish();
}

/*
 * ---- wideregs: every general register with a 64-bit value, bit-exact ----
 *
 * cr_wide_spin(in) loads every general register it can (x86: all 16,
 * rsp included, and the arithmetic flags and DF; powerpc: r0-r31 but r13,
 * the thread pointer, and CR, CTR, LR, XER) with wide patterns from in[],
 * then spins in place, never to return: no system call, nothing changes a
 * register. A SIGUSR1 handler on the alternate stack reads the interrupted
 * registers from its ucontext, compares them with in[] and exits with the
 * verdict. The test checks that the image's instruction pointer is the
 * spin loop's, printed at ready time, so the checkpoint was taken there.
 */
#if defined(__x86_64__)
#define NWIDE 17	/* rax rbx rcx rdx rsi rdi rbp rsp r8-r15, rflags */
#define WIDE_FLAGS 0xcd5ULL	/* CF PF AF ZF SF DF OF */
static const char *const wide_names[NWIDE] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15", "rflags",
};
static const int wide_greg[NWIDE] = {
	REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP, REG_RSP,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	REG_EFL,
};
#define WIDE_SP 7

__asm__(
	".text\n\t"
	".globl cr_wide_spin\n\t"
	".type cr_wide_spin,@function\n"
	"cr_wide_spin:\n\t"
	L("mov %rdi,%rax")
	L("pushq 128(%rax)")
	L("popfq")
	L("mov 8(%rax),%rbx")
	L("mov 16(%rax),%rcx")
	L("mov 24(%rax),%rdx")
	L("mov 32(%rax),%rsi")
	L("mov 40(%rax),%rdi")
	L("mov 48(%rax),%rbp")
	L("mov 56(%rax),%rsp")
	L(".irp n,8,9,10,11,12,13,14,15")
	L("mov 64+(\\n-8)*8(%rax),%r\\n")
	L(".endr")
	L("mov 0(%rax),%rax")
	".globl cr_wide_loop\n"
	"cr_wide_loop:\n\t"
	L("jmp cr_wide_loop")
	".size cr_wide_spin,.-cr_wide_spin\n\t"
	".text\n");
#elif defined(__powerpc64__)
/* in[0..31]: r0-r31 (r13 unused), then CR, CTR, LR, XER */
#define NWIDE 36
#define WIDE_CR 32
#define WIDE_XER 35
#define WIDE_SP 1
static const int wide_greg[NWIDE] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	38 /* PT_CCR */, 35 /* PT_CTR */, 36 /* PT_LNK */, 37 /* PT_XER */,
};

__asm__(
	".text\n\t"
	".globl cr_wide_spin\n\t"
	".type cr_wide_spin,@function\n\t"
	".p2align 4\n"
	"cr_wide_spin:\n\t"
	L("ld 0,32*8(3)")
	L("mtcrf 0xff,0")
	L("ld 0,33*8(3)")
	L("mtctr 0")
	L("ld 0,34*8(3)")
	L("mtlr 0")
	/* XER keeps only some bits: store what it took as the expected value */
	L("ld 0,35*8(3)")
	L("mtxer 0")
	L("mfxer 0")
	L("std 0,35*8(3)")
	L(".irp n,0,1,2,4,5,6,7,8,9,10,11,12,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31")
	L("ld \\n,\\n*8(3)")
	L(".endr")
	L("ld 3,3*8(3)")
	".globl cr_wide_loop\n"
	"cr_wide_loop:\n\t"
	L("b cr_wide_loop")
	".size cr_wide_spin,.-cr_wide_spin\n\t"
	".text\n");
#endif

void cr_wide_spin(uint64_t *in) __attribute__((noreturn));
extern char cr_wide_loop[];
static uint64_t wide_in[NWIDE];

static void wide_name(int i, char *name, size_t size)
{
#if defined(__x86_64__)
	snprintf(name, size, "%s", wide_names[i]);
#else
	static const char *const spr[] = { "cr", "ctr", "lr", "xer" };

	if (i < 32)
		snprintf(name, size, "r%d", i);
	else
		snprintf(name, size, "%s", spr[i - 32]);
#endif
}

static void on_wide(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	uint64_t ip;

	(void)sig;
	(void)si;
	if (!selftest && !restarted()) {
		out("FAIL %s: SIGUSR1 in the original process\n", mode);
		_exit(1);
	}
	say_restarted();
#if defined(__x86_64__)
	ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#else
	ip = (uint64_t)uc->uc_mcontext.gp_regs[32];	/* PT_NIP */
#endif
	EXPECT(ip == (uint64_t)(uintptr_t)cr_wide_loop,
	       "interrupted at %#llx, not in the spin loop at %p",
	       (unsigned long long)ip, (void *)cr_wide_loop);
	for (int i = 0; i < NWIDE; i++) {
		uint64_t want = wide_in[i], found;
		char name[16];

#if defined(__x86_64__)
		found = (uint64_t)uc->uc_mcontext.gregs[wide_greg[i]];
		if (i == NWIDE - 1) {
			want &= WIDE_FLAGS;
			found &= WIDE_FLAGS;
		}
#else
		if (i == 13)
			continue;	/* the thread pointer, never loaded */
		found = (uint64_t)uc->uc_mcontext.gp_regs[wide_greg[i]];
		if (i == WIDE_CR || i == WIDE_XER) {
			want &= 0xffffffffULL;
			found &= 0xffffffffULL;
		}
#endif
		if (selftest == 2 && i == 0)
			found ^= 1ULL << 40;
		wide_name(i, name, sizeof(name));
		EXPECT(found == want, "%s: expected 0x%016llx, found 0x%016llx",
		       name, (unsigned long long)want, (unsigned long long)found);
	}
	_exit(finish());
}

static char wide_altstack[64 * 1024] __attribute__((aligned(16)));

static int mode_wideregs(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_wide,
				.sa_flags = SA_SIGINFO | SA_ONSTACK };
	stack_t ss = { .ss_sp = wide_altstack, .ss_size = sizeof(wide_altstack) };
	uint64_t fake_sp;

	(void)argc;
	(void)argv;
	/* bit 63 and bit 0 set, the rest mixed: a truncation shows at once */
	for (int i = 0; i < NWIDE; i++)
		wide_in[i] = mix64(0x77696465ULL + (uint64_t)i) | 0x8000000000000001ULL;
	/* a stack pointer nothing uses: canonical, 16-byte aligned, high bits set */
	fake_sp = (mix64(0x7370) & 0x00007ffffffffff0ULL) | 0x0000700000000000ULL;
	wide_in[WIDE_SP] = fake_sp;
#if defined(__x86_64__)
	wide_in[NWIDE - 1] = WIDE_FLAGS | 0x202;	/* and IF, bit 1 */
#else
	wide_in[WIDE_XER] = 0xe00c007fULL;	/* SO OV CA OV32 CA32, byte count */
#endif
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
		die("sigaltstack/sigaction");
	out("wideregs: loop at %#llx\n",
	    (unsigned long long)(uintptr_t)cr_wide_loop);
	if (selftest) {
		/* no restart: a child interrupts the loop instead */
		pid_t child = fork();

		if (child < 0)
			die("fork");
		if (child == 0) {
			sleep_ms(200);
			kill(getppid(), SIGUSR1);
			_exit(0);
		}
	} else {
		announce_ready();
	}
	cr_wide_spin(wide_in);
}

/*
 * ---- work: real work in registers, checkpointed at any instant ----
 *
 * Blocks of mixing arithmetic over twelve 64-bit words and a double, which
 * the compiler keeps in registers (rax among them). Each block is computed
 * twice, the second time from a copy of its starting state: the two must
 * agree. A process restarted in the middle of a block finishes it, checks
 * it, says PASS or FAIL and exits; the original works until DURATION
 * seconds have passed and says "work: done N blocks".
 */
struct work_state {
	uint64_t v[12];
	double d;
};

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void __attribute__((noinline)) work_block(struct work_state *s,
						 uint64_t rounds)
{
	uint64_t a = s->v[0], b = s->v[1], c = s->v[2], d = s->v[3];
	uint64_t e = s->v[4], f = s->v[5], g = s->v[6], h = s->v[7];
	uint64_t i = s->v[8], j = s->v[9], k = s->v[10], l = s->v[11];
	double x = s->d;

	for (uint64_t r = 0; r < rounds; r++) {
		a += b ^ (c >> 7);
		b = rotl64(b ^ d, 13) * 0x9e3779b97f4a7c15ULL;
		c -= e + (f << 3);
		d ^= rotl64(g + a, 29);
		e = e * 0xbf58476d1ce4e5b9ULL + h;
		f += i ^ rotl64(j, 41);
		g ^= k * 0x94d049bb133111ebULL;
		h += l ^ (a >> 17);
		i = rotl64(i + c, 7) ^ e;
		j -= f ^ (g << 11);
		k += rotl64(h ^ b, 53);
		l ^= d + i + j;
		x = x * 0.999999 + (double)(a & 0xffff) * 1e-3;
	}
	s->v[0] = a; s->v[1] = b; s->v[2] = c; s->v[3] = d;
	s->v[4] = e; s->v[5] = f; s->v[6] = g; s->v[7] = h;
	s->v[8] = i; s->v[9] = j; s->v[10] = k; s->v[11] = l;
	s->d = x;
}

static int mode_work(int argc, char **argv)
{
	double duration = argc > 0 ? strtod(argv[0], NULL) : 10.0;
	struct work_state cur, start, again;
	uint64_t rounds = 1000, blocks = 0;
	double t0;

	for (int n = 0; n < 12; n++)
		cur.v[n] = mix64(0x776f726bULL + (uint64_t)n) | 0x8000000000000000ULL;
	cur.d = 1.0;
	/* blocks of about 20 ms */
	do {
		rounds *= 2;
		start = cur;
		t0 = mono_now();
		work_block(&start, rounds);
	} while (mono_now() - t0 < 0.02);
	out("work: blocks of %llu rounds, for %.1f s\n",
	    (unsigned long long)rounds, duration);
	announce_ready();
	for (;;) {
		start = cur;
		work_block(&cur, rounds);
		again = start;
		work_block(&again, rounds);
		if (selftest == 2 && blocks == 3)
			again.v[5] ^= 1ULL << 33;
		blocks++;
		if (memcmp(&again, &cur, sizeof(cur))) {
			for (int n = 0; n < 12; n++)
				EXPECT(again.v[n] == cur.v[n],
				       "block %llu word %d: 0x%016llx, computed again 0x%016llx",
				       (unsigned long long)blocks, n,
				       (unsigned long long)cur.v[n],
				       (unsigned long long)again.v[n]);
			EXPECT(again.d == cur.d, "block %llu: double %a, computed again %a",
			       (unsigned long long)blocks, cur.d, again.d);
			return finish();
		}
		if (!selftest && restarted()) {
			say_restarted();
			return finish();
		}
		if (mono_now() - start_seconds() > duration) {
			if (selftest)
				return finish();
			out("work: done %llu blocks\n", (unsigned long long)blocks);
			return 0;
		}
	}
}

/* ---- memory: every kind of mapping, and what /proc tells of the mm -- */

#define ANON_BYTES	(8u << 20)
#define ANON_UNTOUCHED	(1u << 20)	/* the last MiB: never written */
#define SHARED_BYTES	(1u << 20)
#define GUARD_BYTES	(64u << 10)
#define FMAP_PAGES	16
#define NSMALL		64

static size_t page;
static unsigned char *anon, *shared, *guard, *tri, *ro, *fmap, *heap_big;
static unsigned char *heap_small[NSMALL];
static void *brk0;
static char fmap_path[PATH_MAX];
static char saved_cmdline[32768], saved_environ[32768], saved_auxv[8192];
static long cmdline_len, environ_len, auxv_len;
static char saved_exe[PATH_MAX];
static char saved_maps[65536], now_maps[65536];
static unsigned long vdso0;
static struct timespec real0;

static size_t small_size(int i)
{
	return 16 + (size_t)i * 24;
}

/* /proc/self/maps without device and inode (they may differ after restart) */
static void read_maps(char *buf, size_t size)
{
	static char raw[65536];
	char *line, *save, *o = buf;
	long n = read_file("/proc/self/maps", raw, sizeof(raw));

	*o = 0;
	if (n < 0)
		return;
	for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char range[64], perms[8], off[32], dev[16], path[PATH_MAX] = "";
		unsigned long ino;
		int w;

		if (sscanf(line, "%63s %7s %31s %15s %lu %4095[^\n]", range, perms,
			   off, dev, &ino, path) < 5)
			continue;
		w = snprintf(o, size - (size_t)(o - buf), "%s %s %s %s\n", range,
			     perms, off, path);
		if (w < 0 || (size_t)w >= size - (size_t)(o - buf))
			break;
		o += w;
	}
}

/* The normalized maps line for addr, or NULL */
static const char *maps_line(const char *maps, unsigned long addr, char *line,
			     size_t size)
{
	const char *p = maps;

	while (*p) {
		const char *end = strchr(p, '\n');
		unsigned long s, e;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (sscanf(p, "%lx-%lx", &s, &e) == 2 && s <= addr && addr < e) {
			snprintf(line, size, "%.*s", (int)len, p);
			return line;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return NULL;
}

/* the mapping holding addr: its bounds and permissions, or 0 */
static int mapping_at(const char *what, const void *addr, unsigned long *s,
		      unsigned long *e, const char *perms)
{
	char line[PATH_MAX + 128];
	char p[8] = "";

	if (!maps_line(now_maps, (unsigned long)addr, line, sizeof(line))) {
		mismatch("%s: nothing mapped at %p", what, addr);
		return 0;
	}
	sscanf(line, "%lx-%lx %7s", s, e, p);
	EXPECT(strcmp(p, perms) == 0, "%s: expected %s, found %s", what, perms, p);
	return 1;
}

static void expect_perms(const char *what, const void *addr, size_t len,
			 const char *perms)
{
	unsigned long s, e;

	if (mapping_at(what, addr, &s, &e, perms))
		EXPECT(s == (unsigned long)addr && e == (unsigned long)addr + len,
		       "%s: expected %p-%#lx, found %#lx-%#lx", what, addr,
		       (unsigned long)addr + len, s, e);
}

/*
 * An outer page of the 3-page mapping merges with whatever mapping of the
 * same kind the kernel happened to put next to it: only its edge at the
 * middle page is its own (compare_maps checks the whole list).
 */
static void expect_perms_edge(const char *what, const void *addr, size_t len,
			      const char *perms, int edge_is_end)
{
	unsigned long s, e;

	if (!mapping_at(what, addr, &s, &e, perms))
		return;
	if (edge_is_end)
		EXPECT(e == (unsigned long)addr + len,
		       "%s: expected it to end at %#lx, found %#lx-%#lx",
		       what, (unsigned long)addr + len, s, e);
	else
		EXPECT(s == (unsigned long)addr,
		       "%s: expected it to start at %p, found %#lx-%#lx",
		       what, addr, s, e);
}

static void compare_maps(void)
{
	const char *a = saved_maps, *b = now_maps;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			mismatch("/proc/self/maps: expected \"%.*s\", found \"%.*s\"",
				 (int)la, a, (int)lb, b);
			return;
		}
		a += la + (a[la] ? 1 : 0);
		b += lb + (b[lb] ? 1 : 0);
	}
}

static void compare_bytes(const char *what, const char *saved, long saved_len,
			  const char *path)
{
	static char now[32768];
	long n = read_file(path, now, sizeof(now));

	EXPECT(n == saved_len, "%s: expected %ld bytes, found %ld", what,
	       saved_len, n);
	if (n == saved_len) {
		for (long i = 0; i < n; i++)
			if (now[i] != saved[i]) {
				mismatch("%s: byte %ld: expected 0x%02x, found 0x%02x",
					 what, i, (unsigned char)saved[i],
					 (unsigned char)now[i]);
				break;
			}
	}
}

static void *xmmap(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void check_clock(clockid_t id, const char *name)
{
	struct timespec v, s;
	double d;

	if (clock_gettime(id, &v)) {
		mismatch("clock_gettime(%s) via the vDSO: %s", name, strerror(errno));
		return;
	}
	syscall(SYS_clock_gettime, id, &s);
	d = (double)(s.tv_sec - v.tv_sec) + (double)(s.tv_nsec - v.tv_nsec) / 1e9;
	EXPECT(d > -0.5 && d < 2.0,
	       "clock_gettime(%s): vDSO %lld.%09ld, system call %lld.%09ld", name,
	       (long long)v.tv_sec, v.tv_nsec, (long long)s.tv_sec, s.tv_nsec);
}

static void memory_setup(unsigned char *stackbuf, size_t stack_bytes)
{
	int fd;

	page = (size_t)sysconf(_SC_PAGESIZE);
	cmdline_len = read_file("/proc/self/cmdline", saved_cmdline, sizeof(saved_cmdline));
	environ_len = read_file("/proc/self/environ", saved_environ, sizeof(saved_environ));
	auxv_len = read_file("/proc/self/auxv", saved_auxv, sizeof(saved_auxv));
	xreadlink("/proc/self/exe", saved_exe, sizeof(saved_exe));
	vdso0 = getauxval(AT_SYSINFO_EHDR);
	clock_gettime(CLOCK_REALTIME, &real0);

	/* private anonymous: a pattern in every other page, the rest untouched */
	anon = xmmap(ANON_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (size_t off = 0; off < ANON_BYTES - ANON_UNTOUCHED; off += 2 * page)
		fill(anon + off, page, 0xa0000 + off);

	/* heap: one big block (malloc mmaps it), small ones from brk */
	heap_big = malloc(3u << 20);
	if (!heap_big)
		die("malloc");
	fill(heap_big, 3u << 20, 0xb16);
	for (int i = 0; i < NSMALL; i++) {
		heap_small[i] = malloc(small_size(i));
		if (!heap_small[i])
			die("malloc");
		fill(heap_small[i], small_size(i), 0x5a11 + (uint64_t)i);
	}

	fill(stackbuf, stack_bytes, 0x57ac);

	shared = xmmap(SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	fill(shared, SHARED_BYTES, 0x5ba4ed);

	guard = xmmap(GUARD_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	/* three pages, the middle one made inaccessible: three mappings */
	tri = xmmap(3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fill(tri, page, 0x7121);
	fill(tri + 2 * page, page, 0x7123);
	if (mprotect(tri + page, page, PROT_NONE))
		die("mprotect");

	ro = xmmap(4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fill(ro, 4 * page, 0x40);
	if (mprotect(ro, 4 * page, PROT_READ))
		die("mprotect");

	/* a private mapping of a file: odd pages written (copied on write) */
	snprintf(fmap_path, sizeof(fmap_path), "%s/cr-target-map.%d", work_dir, (int)pid0);
	fd = open(fmap_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(fmap_path);
	{
		unsigned char *file = malloc(FMAP_PAGES * page);

		if (!file)
			die("malloc");
		fill(file, FMAP_PAGES * page, 0xf11e);
		if (write(fd, file, FMAP_PAGES * page) != (ssize_t)(FMAP_PAGES * page))
			die("write");
		free(file);
	}
	fmap = xmmap(FMAP_PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	close(fd);
	for (size_t p = 1; p < FMAP_PAGES; p += 2)
		fill(fmap + p * page, page, 0xc0b0 + p);

	/* twice: whatever the first read allocates shows in the second */
	read_maps(saved_maps, sizeof(saved_maps));
	out("memory: set up\n");
	read_maps(saved_maps, sizeof(saved_maps));
	brk0 = sbrk(0);
}

static void memory_verify(unsigned char *stackbuf, size_t stack_bytes)
{
	char what[64];
	pid_t child;
	int status;
	void *brk_now = sbrk(0);	/* first: before anything may malloc */

	read_maps(now_maps, sizeof(now_maps));
	EXPECT(brk_now == brk0, "sbrk(0): expected %p, found %p", brk0, brk_now);
	compare_maps();

	/* before reading them: a read maps the zero page */
	{
		size_t pages = ANON_UNTOUCHED / page, resident = 0;
		unsigned char *vec = malloc(pages);

		if (vec && !mincore(anon + ANON_BYTES - ANON_UNTOUCHED, ANON_UNTOUCHED, vec))
			for (size_t i = 0; i < pages; i++)
				resident += vec[i] & 1;
		free(vec);
		out("memory: %zu of the %zu never-touched pages resident\n", resident, pages);
	}
	for (size_t off = 0; off < ANON_BYTES; off += page) {
		int touched = off < ANON_BYTES - ANON_UNTOUCHED && (off / page) % 2 == 0;

		snprintf(what, sizeof(what), "anonymous page at +%#zx", off);
		if (touched) {
			expect_pattern(what, anon + off, page, 0xa0000 + off);
		} else {
			long at = first_nonzero(anon + off, page);

			EXPECT(at < 0, "%s (never touched): byte %ld is 0x%02x, expected 0",
			       what, at, at < 0 ? 0 : anon[off + (size_t)at]);
		}
	}
	expect_pattern("malloc(3 MiB)", heap_big, 3u << 20, 0xb16);
	for (int i = 0; i < NSMALL; i++) {
		snprintf(what, sizeof(what), "malloc(%zu) #%d", small_size(i), i);
		expect_pattern(what, heap_small[i], small_size(i), 0x5a11 + (uint64_t)i);
	}
	expect_pattern("stack array", stackbuf, stack_bytes, 0x57ac);

	expect_pattern("MAP_SHARED|MAP_ANONYMOUS", shared, SHARED_BYTES, 0x5ba4ed);
	expect_perms("MAP_SHARED|MAP_ANONYMOUS", shared, SHARED_BYTES, "rw-s");
	/* still shared: a child's write shows here */
	child = fork();
	if (child == 0) {
		shared[100] ^= 0xff;
		_exit(0);
	}
	if (child > 0 && waitpid(child, &status, 0) == child) {
		EXPECT(shared[100] == (unsigned char)~pattern_byte(100, 0x5ba4ed),
		       "MAP_SHARED|MAP_ANONYMOUS: a child's write does not show: not shared any more");
		shared[100] = pattern_byte(100, 0x5ba4ed);
	} else {
		mismatch("fork: %s", strerror(errno));
	}

	expect_perms("PROT_NONE guard", guard, GUARD_BYTES, "---p");
	{
		unsigned char vec[GUARD_BYTES / 4096];

		EXPECT(mincore(guard, GUARD_BYTES, vec) == 0, "mincore(guard): %s",
		       strerror(errno));
	}
	expect_perms_edge("3-page mapping, first page", tri, page, "rw-p", 1);
	expect_perms("3-page mapping, middle page", tri + page, page, "---p");
	expect_perms_edge("3-page mapping, last page", tri + 2 * page, page, "rw-p", 0);
	expect_pattern("3-page mapping, first page", tri, page, 0x7121);
	expect_pattern("3-page mapping, last page", tri + 2 * page, page, 0x7123);
	expect_perms("read-only mapping", ro, 4 * page, "r--p");
	expect_pattern("read-only mapping", ro, 4 * page, 0x40);

	expect_perms("private file mapping", fmap, FMAP_PAGES * page, "rw-p");
	{
		unsigned char *file = malloc(FMAP_PAGES * page);
		int fd = open(fmap_path, O_RDONLY | O_CLOEXEC);

		if (!file || fd < 0 ||
		    pread(fd, file, FMAP_PAGES * page, 0) != (ssize_t)(FMAP_PAGES * page)) {
			mismatch("%s: cannot read it back: %s", fmap_path, strerror(errno));
		} else {
			expect_pattern("the mapped file itself (must stay unwritten)",
				       file, FMAP_PAGES * page, 0xf11e);
			for (size_t p = 0; p < FMAP_PAGES; p++) {
				snprintf(what, sizeof(what), "private file mapping page %zu (%s)",
					 p, p % 2 ? "written" : "as in the file");
				if (p % 2)
					expect_pattern(what, fmap + p * page, page, 0xc0b0 + p);
				else
					EXPECT(!memcmp(fmap + p * page, file + p * page, page),
					       "%s: content differs", what);
			}
		}
		if (fd >= 0)
			close(fd);
		free(file);
	}

	compare_bytes("/proc/self/cmdline", saved_cmdline, cmdline_len, "/proc/self/cmdline");
	compare_bytes("/proc/self/environ", saved_environ, environ_len, "/proc/self/environ");
	compare_bytes("/proc/self/auxv", saved_auxv, auxv_len, "/proc/self/auxv");
	{
		char exe[PATH_MAX];

		xreadlink("/proc/self/exe", exe, sizeof(exe));
		EXPECT(strcmp(exe, saved_exe) == 0, "/proc/self/exe: expected %s, found %s",
		       saved_exe, exe);
	}
	EXPECT(getauxval(AT_SYSINFO_EHDR) == vdso0 && vdso0,
	       "AT_SYSINFO_EHDR: expected %#lx, found %#lx", vdso0,
	       getauxval(AT_SYSINFO_EHDR));
	{
		char line[PATH_MAX + 128];

		EXPECT(maps_line(now_maps, vdso0, line, sizeof(line)) &&
		       strstr(line, "[vdso]") && strtoul(line, NULL, 16) == vdso0,
		       "[vdso] is not at AT_SYSINFO_EHDR %#lx", vdso0);
	}
	check_clock(CLOCK_REALTIME, "CLOCK_REALTIME");
	check_clock(CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
	{
		struct timespec r;

		clock_gettime(CLOCK_REALTIME, &r);
		EXPECT(r.tv_sec + 1 >= real0.tv_sec, "CLOCK_REALTIME went back: %lld < %lld",
		       (long long)r.tv_sec, (long long)real0.tv_sec);
	}
}

static int mode_memory(int argc, char **argv)
{
	unsigned char stackbuf[64 * 1024];

	(void)argc;
	(void)argv;
	memory_setup(stackbuf, sizeof(stackbuf));
	announce_ready();
	wait_restart(20);
	if (selftest == 2) {
		anon[page * 3 + 5] = 1;			/* a never-touched page */
		stackbuf[100] ^= 1;
		fmap[page * 2] ^= 1;			/* an unwritten file page */
	}
	memory_verify(stackbuf, sizeof(stackbuf));
	unlink(fmap_path);
	return finish();
}

/* ---- files: descriptors, their flags and offsets, cwd, umask -------- */

#define FL_MASK (O_ACCMODE | O_APPEND | O_NONBLOCK | O_SYNC | O_DSYNC | O_DIRECT | O_NOATIME)

struct fd_expect {
	int fd;
	const char *name;	/* file in the work folder, or a device */
	int fl, cloexec;
	off_t pos;
};

static struct fd_expect fdx[] = {
	{ 10, "/dev/null", O_RDWR, 0, 0 },
	{ 11, "/dev/zero", O_RDONLY, 0, 0 },
	{ 20, "rw.dat", O_RDWR, 0, 1234 },
	{ 21, "append.dat", O_WRONLY | O_APPEND, 0, 100 },
	{ 22, "ro.dat", O_RDONLY | O_NONBLOCK, 0, 10 },
	{ 23, "cloexec.dat", O_RDONLY, 1, 0 },
};

static char files_dir[PATH_MAX];
static char saved_fds[1024];

static void move_fd(int from, int to, int cloexec)
{
	if (from < 0)
		die("open");
	if (dup3(from, to, cloexec ? O_CLOEXEC : 0) != to)
		die("dup3");
	close(from);
}

static void make_file(const char *name, size_t bytes, uint64_t seed)
{
	unsigned char buf[8192];
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	fill(buf, bytes, seed);
	if (fd < 0 || write(fd, buf, bytes) != (ssize_t)bytes || close(fd))
		die(name);
}

/* The open descriptors, "0 1 2 10 ..." (the listing's own left out) */
static void list_fds(char *buf, size_t size)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int nums[256], n = 0;
	size_t len = 0;

	buf[0] = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && n < 256)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			nums[n++] = atoi(e->d_name);
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && nums[k - 1] > nums[k]; k--) {
			int t = nums[k];

			nums[k] = nums[k - 1];
			nums[k - 1] = t;
		}
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%d", i ? " " : "", nums[i]);
}

static int mode_files(int argc, char **argv)
{
	char buf[64], now[1024], cwd[PATH_MAX];
	unsigned char data[8192];
	mode_t mask;

	(void)argc;
	(void)argv;
	snprintf(files_dir, sizeof(files_dir), "%s/cr-files.%d", work_dir, (int)pid0);
	if (mkdir(files_dir, 0755) || chdir(files_dir))
		die(files_dir);
	make_file("rw.dat", 8192, 0x4a);
	make_file("ro.dat", 4096, 0x20);
	make_file("cloexec.dat", 64, 0xc1);
	move_fd(open("/dev/null", O_RDWR), 10, 0);
	move_fd(open("/dev/zero", O_RDONLY), 11, 0);
	move_fd(open("rw.dat", O_RDWR), 20, 0);
	if (lseek(20, 1234, SEEK_SET) != 1234)
		die("lseek");
	move_fd(open("append.dat", O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0666), 21, 0);
	fill(data, 100, 0xa9);
	if (write(21, data, 100) != 100)
		die("write");
	move_fd(open("ro.dat", O_RDONLY | O_NONBLOCK), 22, 0);
	if (read(22, buf, 10) != 10)
		die("read");
	move_fd(open("cloexec.dat", O_RDONLY | O_CLOEXEC), 23, 1);
	umask(027);
	list_fds(saved_fds, sizeof(saved_fds));
	announce_ready();
	wait_restart(20);
	if (selftest == 2) {
		lseek(20, 0, SEEK_SET);
		fcntl(21, F_SETFL, 0);
		umask(022);
	}

	list_fds(now, sizeof(now));
	EXPECT(strcmp(now, saved_fds) == 0, "open descriptors: expected %s, found %s",
	       saved_fds, now);
	for (size_t i = 0; i < ARRAY_SIZE(fdx); i++) {
		const struct fd_expect *x = &fdx[i];
		char link[64], target[PATH_MAX], want[PATH_MAX * 2];
		struct stat a, b;
		int fl = fcntl(x->fd, F_GETFL), fdfl = fcntl(x->fd, F_GETFD);
		off_t pos;

		if (fl < 0 || fdfl < 0) {
			mismatch("fd %d (%s): not open", x->fd, x->name);
			continue;
		}
		EXPECT((fl & FL_MASK) == x->fl, "fd %d (%s): flags: expected %#o, found %#o",
		       x->fd, x->name, x->fl, fl & FL_MASK);
		EXPECT(!!(fdfl & FD_CLOEXEC) == x->cloexec,
		       "fd %d (%s): FD_CLOEXEC: expected %d, found %d", x->fd, x->name,
		       x->cloexec, !!(fdfl & FD_CLOEXEC));
		pos = lseek(x->fd, 0, SEEK_CUR);
		EXPECT(pos == x->pos, "fd %d (%s): offset: expected %lld, found %lld",
		       x->fd, x->name, (long long)x->pos, (long long)pos);
		snprintf(link, sizeof(link), "/proc/self/fd/%d", x->fd);
		xreadlink(link, target, sizeof(target));
		if (x->name[0] == '/')
			snprintf(want, sizeof(want), "%s", x->name);
		else
			snprintf(want, sizeof(want), "%s/%s", files_dir, x->name);
		EXPECT(strcmp(target, want) == 0, "fd %d: expected %s, found %s", x->fd,
		       want, target);
		EXPECT(fstat(x->fd, &a) == 0 && stat(want, &b) == 0 &&
		       a.st_ino == b.st_ino && a.st_dev == b.st_dev,
		       "fd %d: not the file %s", x->fd, want);
	}
	/* reads and writes go where they should */
	fill(data, 8192, 0x4a);
	EXPECT(read(20, buf, 16) == 16 && !memcmp(buf, data + 1234, 16),
	       "fd 20: read at 1234 gives other bytes than the file's");
	fill(data, 4096, 0x20);
	EXPECT(read(22, buf, 10) == 10 && !memcmp(buf, data + 10, 10),
	       "fd 22: read at 10 gives other bytes than the file's");
	fill(data, 64, 0xc1);
	EXPECT(read(23, buf, 5) == 5 && !memcmp(buf, data, 5),
	       "fd 23: read at 0 gives other bytes than the file's");
	EXPECT(lseek(21, 0, SEEK_SET) == 0 && write(21, "0123456789", 10) == 10,
	       "fd 21: write: %s", strerror(errno));
	{
		struct stat st;

		EXPECT(fstat(21, &st) == 0 && st.st_size == 110,
		       "fd 21: O_APPEND: after a write at offset 0 the file has %lld bytes, expected 110",
		       (long long)st.st_size);
	}
	EXPECT(read(10, buf, sizeof(buf)) == 0, "fd 10 (/dev/null): read is not EOF");
	memset(buf, 0x55, sizeof(buf));
	EXPECT(read(11, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
	       first_nonzero(buf, sizeof(buf)) < 0, "fd 11 (/dev/zero): read is not zeros");
	EXPECT(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, files_dir) == 0,
	       "cwd: expected %s, found %s", files_dir, cwd);
	mask = umask(0);
	umask(mask);
	EXPECT(mask == 027, "umask: expected 027, found %03o", (unsigned int)mask);
	return finish();
}

/* ---- pipe: both ends held, 100 bytes in between ---------------------- */

static int mode_pipe(int argc, char **argv)
{
	int p[2], size0, n = -1;
	unsigned char data[100], buf[128];
	struct stat a, b;

	(void)argc;
	(void)argv;
	if (pipe(p))
		die("pipe");
	move_fd(p[0], 30, 0);
	move_fd(p[1], 31, 0);
	fill(data, sizeof(data), 0x919e);
	if (write(31, data, sizeof(data)) != (ssize_t)sizeof(data))
		die("write");
	size0 = fcntl(31, F_GETPIPE_SZ);
	announce_ready();
	wait_restart(20);
	if (selftest == 2 && read(30, buf, 1) != 1)
		die("read");

	if (fcntl(30, F_GETFD) < 0 || fcntl(31, F_GETFD) < 0) {
		mismatch("the pipe's descriptors 30 and 31 are not open");
		return finish();
	}
	EXPECT((fcntl(30, F_GETFL) & O_ACCMODE) == O_RDONLY, "fd 30 is not the read end");
	EXPECT((fcntl(31, F_GETFL) & O_ACCMODE) == O_WRONLY, "fd 31 is not the write end");
	EXPECT(fstat(30, &a) == 0 && fstat(31, &b) == 0 && S_ISFIFO(a.st_mode) &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev,
	       "fds 30 and 31 are not the two ends of one pipe");
	EXPECT(fcntl(31, F_GETPIPE_SZ) == size0, "pipe size: expected %d, found %d",
	       size0, fcntl(31, F_GETPIPE_SZ));
	EXPECT(ioctl(30, FIONREAD, &n) == 0 && n == 100,
	       "bytes in the pipe: expected 100, found %d", n);
	fcntl(30, F_SETFL, O_NONBLOCK);
	if (n > 0) {
		ssize_t got = read(30, buf, sizeof(buf));

		EXPECT(got == 100 && !memcmp(buf, data, 100),
		       "the pipe's bytes: read %zd, %s", got,
		       got == 100 ? "content differs" : "expected 100");
	}
	EXPECT(write(31, "ping", 4) == 4 && read(30, buf, sizeof(buf)) == 4 &&
	       !memcmp(buf, "ping", 4), "the pipe does not carry new bytes");
	return finish();
}

/* ---- signals: dispositions, mask, alternate stack -------------------- */

static char altstack[64 * 1024] __attribute__((aligned(16)));
static volatile sig_atomic_t usr1_count, int_count;
static volatile uintptr_t usr1_sp;
static volatile int usr1_signo, usr1_code;
static sigset_t usr1_mask;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	volatile char here = 0;

	(void)sig;
	(void)uc;
	usr1_sp = (uintptr_t)&here;
	usr1_signo = si->si_signo;
	usr1_code = si->si_code;
	sigprocmask(SIG_BLOCK, NULL, &usr1_mask);
	usr1_count++;
}

static void on_int(int sig)
{
	(void)sig;
	int_count++;
}

struct sa_saved {
	int rc;
	struct sigaction sa;
};

static struct sa_saved sa0[65];
static uint64_t blocked0;

static void read_action(int sig, struct sa_saved *s)
{
	memset(s, 0, sizeof(*s));
	s->rc = sigaction(sig, NULL, &s->sa);
}

static uint64_t blocked_now(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigprocmask(SIG_BLOCK, NULL, &s);
	return set_bits(&s);
}

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

static int mode_signals(int argc, char **argv)
{
	struct sigaction sa;
	stack_t ss;
	sigset_t set;
	volatile uint64_t local = mix64(0x10ca1);

	(void)argc;
	(void)argv;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGRTMAX - 3);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_int;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL))
		die("sigaction");
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGRTMAX - 1);
	sigprocmask(SIG_SETMASK, &set, NULL);
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL))
		die("sigaltstack");
	for (int i = 1; i <= 64; i++)
		read_action(i, &sa0[i]);
	blocked0 = blocked_now();
	announce_ready();
	wait_restart(20);
	if (selftest == 2) {
		signal(SIGUSR2, SIG_DFL);
		sigaddset(&set, SIGQUIT);
		sigprocmask(SIG_SETMASK, &set, NULL);
	}

	for (int i = 1; i <= 64; i++) {
		struct sa_saved now;
		uint64_t m0, m1;

		read_action(i, &now);
		if (now.rc != sa0[i].rc) {
			mismatch("sigaction(%d): expected rc %d, found %d", i, sa0[i].rc, now.rc);
			continue;
		}
		if (now.rc)
			continue;
		m0 = set_bits(&sa0[i].sa.sa_mask);
		m1 = set_bits(&now.sa.sa_mask);
		EXPECT(now.sa.sa_handler == sa0[i].sa.sa_handler,
		       "signal %d (%s): handler: expected %p, found %p", i, strsignal(i),
		       (void *)sa0[i].sa.sa_handler, (void *)now.sa.sa_handler);
		EXPECT(now.sa.sa_flags == sa0[i].sa.sa_flags,
		       "signal %d (%s): sa_flags: expected %#x, found %#x", i, strsignal(i),
		       (unsigned int)sa0[i].sa.sa_flags, (unsigned int)now.sa.sa_flags);
		EXPECT(m0 == m1, "signal %d (%s): sa_mask: expected %#llx, found %#llx", i,
		       strsignal(i), (unsigned long long)m0, (unsigned long long)m1);
	}
	/* and they are what was set, not just what was saved */
	EXPECT(sa0[SIGUSR1].sa.sa_sigaction == on_usr1 &&
	       (sa0[SIGUSR1].sa.sa_flags & (SA_SIGINFO | SA_RESTART | SA_ONSTACK)) ==
	       (SA_SIGINFO | SA_RESTART | SA_ONSTACK) &&
	       set_bits(&sa0[SIGUSR1].sa.sa_mask) ==
	       (bit(SIGUSR2) | bit(SIGTERM) | bit(SIGRTMAX - 3)),
	       "SIGUSR1's action was not set up as intended");
	EXPECT(sa0[SIGUSR2].sa.sa_handler == SIG_IGN, "SIGUSR2 was not ignored");
	EXPECT(blocked_now() == blocked0, "blocked: expected %#llx, found %#llx",
	       (unsigned long long)blocked0, (unsigned long long)blocked_now());
	EXPECT(blocked0 == (bit(SIGHUP) | bit(SIGRTMAX - 1)), "blocked set up as %#llx",
	       (unsigned long long)blocked0);
	memset(&ss, 0, sizeof(ss));
	EXPECT(sigaltstack(NULL, &ss) == 0 && ss.ss_sp == altstack &&
	       ss.ss_size == sizeof(altstack) && ss.ss_flags == 0,
	       "sigaltstack: expected %p+%zu flags 0, found %p+%zu flags %#x",
	       (void *)altstack, sizeof(altstack), ss.ss_sp, ss.ss_size, ss.ss_flags);

	/* the handlers run, on the alternate stack, and return through rt_sigreturn */
	{
		struct sigaction now;

		/* ignored, it does nothing; if it is not, that is reported above */
		memset(&now, 0, sizeof(now));
		sigaction(SIGUSR2, NULL, &now);
		if (now.sa_handler == SIG_IGN)
			raise(SIGUSR2);
	}
	raise(SIGUSR1);
	EXPECT(usr1_count == 1, "SIGUSR1 handler ran %d times, expected once", (int)usr1_count);
	if (usr1_count == 1) {
		uint64_t in = set_bits(&usr1_mask);
		uint64_t want = blocked0 | bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGTERM) |
				bit(SIGRTMAX - 3);

		EXPECT(usr1_sp >= (uintptr_t)altstack &&
		       usr1_sp < (uintptr_t)altstack + sizeof(altstack),
		       "SIGUSR1 handler ran at sp %#lx, not on the alternate stack %p+%zu",
		       (unsigned long)usr1_sp, (void *)altstack, sizeof(altstack));
		EXPECT(usr1_signo == SIGUSR1 && usr1_code == SI_TKILL,
		       "SIGUSR1 siginfo: signo %d code %d, expected %d %d", usr1_signo,
		       usr1_code, SIGUSR1, SI_TKILL);
		EXPECT(in == want, "mask in the SIGUSR1 handler: expected %#llx, found %#llx",
		       (unsigned long long)want, (unsigned long long)in);
	}
	EXPECT(blocked_now() == blocked0, "after the handler returned, blocked is %#llx, expected %#llx",
	       (unsigned long long)blocked_now(), (unsigned long long)blocked0);
	EXPECT(local == mix64(0x10ca1), "a local variable changed across the handler");
	raise(SIGINT);
	{
		struct sigaction now;

		memset(&now, 0, sizeof(now));
		sigaction(SIGINT, NULL, &now);
		EXPECT(int_count == 1 && now.sa_handler == SIG_DFL,
		       "SIGINT (SA_RESETHAND): handler ran %d times, then disposition %p, expected once, then SIG_DFL",
		       (int)int_count, (void *)now.sa_handler);
	}
	return finish();
}

/* ---- sigpending: a blocked signal pending at the checkpoint ---------- */

static volatile sig_atomic_t hup_count, rt_count, rt_value, rt_code;

static void on_hup(int sig)
{
	(void)sig;
	hup_count++;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	rt_count++;
	rt_value = si->si_value.sival_int;
	rt_code = si->si_code;
}

static int mode_sigpending(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t set, pend;
	union sigval v = { .sival_int = 4242 };
	int rt = SIGRTMAX - 2;

	(void)argc;
	(void)argv;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(rt, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, rt);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(pid0, SIGHUP);
	if (sigqueue(pid0, rt, v))
		die("sigqueue");
	announce_ready();
	wait_restart(20);
	if (selftest == 2) {
		struct timespec zero = { 0, 0 };
		sigset_t hup;

		sigemptyset(&hup);
		sigaddset(&hup, SIGHUP);
		sigtimedwait(&hup, NULL, &zero);
	}

	sigemptyset(&pend);
	sigpending(&pend);
	EXPECT(sigismember(&pend, SIGHUP) == 1, "SIGHUP is not pending any more");
	EXPECT(sigismember(&pend, rt) == 1, "SIGRTMAX-2 (queued, value 4242) is not pending any more");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	EXPECT(hup_count == (sigismember(&pend, SIGHUP) == 1),
	       "SIGHUP handler ran %d times once unblocked", (int)hup_count);
	if (sigismember(&pend, rt) == 1)
		EXPECT(rt_count == 1 && rt_value == 4242 && rt_code == SI_QUEUE,
		       "SIGRTMAX-2 once unblocked: ran %d times, value %d, code %d; expected once, 4242, %d",
		       (int)rt_count, (int)rt_value, (int)rt_code, SI_QUEUE);
	return finish();
}

/* ---- identity: comm, nice, rlimits, personality, credentials --------- */

static int mode_identity(int argc, char **argv)
{
	struct rlimit r0[RLIM_NLIMITS], r;
	char comm[17] = "", comm_proc[64];
	uid_t u0[3], u1[3];
	gid_t g0[3], g1[3];
	int nice0, nice1;
	unsigned int pers0, pers1;

	(void)argc;
	(void)argv;
	if (prctl(PR_SET_NAME, "crtarget-id", 0, 0, 0))
		die("PR_SET_NAME");
	if (setpriority(PRIO_PROCESS, 0, 5))
		die("setpriority");
	getrlimit(RLIMIT_NOFILE, &r);
	r.rlim_cur = 200;
	if (setrlimit(RLIMIT_NOFILE, &r))
		die("setrlimit NOFILE");
	getrlimit(RLIMIT_CORE, &r);
	if (r.rlim_max == RLIM_INFINITY || r.rlim_max >= (1u << 20)) {
		r.rlim_cur = 1u << 20;
		setrlimit(RLIMIT_CORE, &r);
	}
	personality((unsigned long)personality(0xffffffff) | ADDR_NO_RANDOMIZE);
	for (int i = 0; i < RLIM_NLIMITS; i++)
		getrlimit((__rlimit_resource_t)i, &r0[i]);
	pers0 = (unsigned int)personality(0xffffffff);
	getresuid(&u0[0], &u0[1], &u0[2]);
	getresgid(&g0[0], &g0[1], &g0[2]);
	announce_ready();
	wait_restart(20);
	if (selftest == 2) {
		prctl(PR_SET_NAME, "corrupted", 0, 0, 0);
		r = r0[RLIMIT_NOFILE];
		r.rlim_cur = 199;
		setrlimit(RLIMIT_NOFILE, &r);
	}

	prctl(PR_GET_NAME, comm, 0, 0, 0);
	EXPECT(strcmp(comm, "crtarget-id") == 0, "comm: expected crtarget-id, found %s", comm);
	if (read_file("/proc/self/comm", comm_proc, sizeof(comm_proc)) > 0)
		comm_proc[strcspn(comm_proc, "\n")] = 0;
	EXPECT(strcmp(comm_proc, "crtarget-id") == 0,
	       "/proc/self/comm: expected crtarget-id, found %s", comm_proc);
	errno = 0;
	nice0 = 5;
	nice1 = getpriority(PRIO_PROCESS, 0);
	EXPECT(errno == 0 && nice1 == nice0, "nice: expected %d, found %d", nice0, nice1);
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		getrlimit((__rlimit_resource_t)i, &r);
		EXPECT(r.rlim_cur == r0[i].rlim_cur && r.rlim_max == r0[i].rlim_max,
		       "rlimit %d: expected %llu/%llu, found %llu/%llu", i,
		       (unsigned long long)r0[i].rlim_cur, (unsigned long long)r0[i].rlim_max,
		       (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
	}
	EXPECT(r0[RLIMIT_NOFILE].rlim_cur == 200, "RLIMIT_NOFILE was set up as %llu",
	       (unsigned long long)r0[RLIMIT_NOFILE].rlim_cur);
	pers1 = (unsigned int)personality(0xffffffff);
	EXPECT(pers1 == pers0 && (pers0 & ADDR_NO_RANDOMIZE),
	       "personality: expected %#x, found %#x", pers0, pers1);
	getresuid(&u1[0], &u1[1], &u1[2]);
	getresgid(&g1[0], &g1[1], &g1[2]);
	EXPECT(!memcmp(u0, u1, sizeof(u0)) && !memcmp(g0, g1, sizeof(g0)),
	       "credentials: expected uid %u/%u/%u gid %u/%u/%u, found uid %u/%u/%u gid %u/%u/%u",
	       u0[0], u0[1], u0[2], g0[0], g0[1], g0[2], u1[0], u1[1], u1[2], g1[0],
	       g1[1], g1[2]);
	return finish();
}

/* ---- sleep: checkpointed inside nanosleep ---------------------------- */

static int mode_sleep(int argc, char **argv)
{
	struct timespec t = { 5, 0 }, rem = { 0, 0 };
	int r = 0, err = 0;
	double t0, slept;

	(void)argc;
	(void)argv;
	announce_ready();
	if (selftest) {
		t.tv_sec = 0;
		t.tv_nsec = 100000000;
	}
	for (;;) {
		errno = 0;
		r = nanosleep(&t, &rem);
		err = errno;
		if (selftest || restarted())
			break;
		if (timed_out())
			timeout_fail();
	}
	say_restarted();
	if (selftest == 2) {
		r = -1;
		err = EFAULT;
	}
	out("sleep: the interrupted nanosleep returned %d (%s), %lld.%09ld s left\n", r,
	    r ? strerror(err) : "completed", (long long)rem.tv_sec, rem.tv_nsec);
	EXPECT(r == 0 || err == EINTR,
	       "nanosleep across the restart: expected 0 or EINTR, found %d (%s)", r,
	       strerror(err));
	if (r && err == EINTR)
		EXPECT(rem.tv_sec < 5 || (rem.tv_sec == 5 && rem.tv_nsec == 0),
		       "nanosleep: remaining %lld.%09ld s of 5", (long long)rem.tv_sec, rem.tv_nsec);
	/* and it sleeps again */
	t.tv_sec = 0;
	t.tv_nsec = 300000000;
	t0 = mono_now();
	r = nanosleep(&t, NULL);
	slept = mono_now() - t0;
	EXPECT(r == 0 && slept >= 0.29 && slept < 5.0,
	       "nanosleep(0.3 s) after the restart: returned %d after %.3f s", r, slept);
	return finish();
}

/* ---- pipe-read: checkpointed inside read() on stdin ------------------ */

static void on_alarm(int sig)
{
	(void)sig;
	timeout_fail();
}

static int mode_pipe_read(int argc, char **argv)
{
	char buf[512];
	ssize_t n;
	int eintr = 0;

	(void)argc;
	(void)argv;
	if (timeout_s && !selftest) {
		signal(SIGALRM, on_alarm);
		alarm(timeout_s);
	}
	announce_ready();
	for (;;) {
		n = read(0, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EINTR) {
			eintr++;
			continue;
		}
		break;
	}
	alarm(0);
	if (!selftest && !restarted()) {
		out("FAIL %s: read() returned %zd in the original process\n", mode, n);
		return 1;
	}
	say_restarted();
	if (selftest == 2)
		n = 0;
	if (eintr)
		out("pipe-read: read() returned EINTR %d times\n", eintr);
	EXPECT(n > 0, "read(0) after the restart: expected a line, found %zd (%s)", n,
	       n < 0 ? strerror(errno) : "EOF");
	if (n > 0) {
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		out("got: %s\n", buf);
	}
	return finish();
}

/* ---- count: a counter that must go on from where it was -------------- */

static volatile uint64_t counter, counter_shadow;

static void tick(const char *path)
{
	char text[32];

	counter++;
	counter_shadow = ~counter;
	snprintf(text, sizeof(text), "%llu\n", (unsigned long long)counter);
	write_file_atomic(path, text);
}

static int mode_count(int argc, char **argv)
{
	const char *path;
	long ticks_after = 10;
	uint64_t at_restart;

	if (argc < 1) {
		out("usage: cr-target count READYFILE COUNTFILE [TICKS_AFTER]\n");
		return 2;
	}
	path = argv[0];
	if (argc > 1)
		ticks_after = strtol(argv[1], NULL, 10);
	tick(path);
	announce_ready();
	if (selftest) {
		tick(path);
		tick(path);
		ticks_after = ticks_after > 3 || ticks_after == 0 ? 3 : ticks_after;
	} else {
		while (!restarted()) {
			if (timed_out())
				timeout_fail();
			sleep_ms(100);
			if (!restarted())
				tick(path);
		}
	}
	say_restarted();
	if (selftest == 2)
		counter = 0;
	at_restart = counter;
	out("count: restarted at %llu\n", (unsigned long long)at_restart);
	EXPECT(counter_shadow == ~counter, "counter %llu, but its shadow says %llu",
	       (unsigned long long)counter, (unsigned long long)~counter_shadow);
	EXPECT(at_restart > 0, "the counter restarted at 0");
	for (long i = 0; ticks_after == 0 || i < ticks_after; i++) {
		sleep_ms(100);
		tick(path);
	}
	EXPECT(counter == at_restart + (uint64_t)ticks_after,
	       "counter after %ld ticks: expected %llu, found %llu", ticks_after,
	       (unsigned long long)(at_restart + (uint64_t)ticks_after),
	       (unsigned long long)counter);
	out("count: %llu at the end\n", (unsigned long long)counter);
	return finish();
}

/* ---- mem: MiB of anonymous memory, every byte checked ---------------- */

static int mode_mem(int argc, char **argv)
{
	size_t mib, bytes, bad_pages = 0;
	unsigned char *p;
	long first = -1;

	if (argc < 1 || (mib = strtoul(argv[0], NULL, 10)) == 0) {
		out("usage: cr-target mem READYFILE MIB\n");
		return 2;
	}
	bytes = mib << 20;
	p = xmmap(bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fill(p, bytes, 0x3e3);
	out("mem: %zu MiB at %p\n", mib, (void *)p);
	announce_ready();
	wait_restart(50);
	if (selftest == 2)
		p[bytes / 2 + 7] ^= 0x10;

	page = (size_t)sysconf(_SC_PAGESIZE);
	first = check(p, bytes, 0x3e3);
	if (first >= 0)
		for (size_t off = 0; off < bytes; off += page)
			bad_pages += check_at(p + off, page, 0x3e3, off) >= 0;
	EXPECT(first < 0, "byte %ld of %zu MiB: expected 0x%02x, found 0x%02x; %zu pages differ",
	       first, mib, first < 0 ? 0 : pattern_byte((size_t)first, 0x3e3),
	       first < 0 ? 0 : p[first], bad_pages);
	return finish();
}

/* ---- watch: a hardware watchpoint a tracer set, then left (x86) ------ */

#if defined(__x86_64__)
static volatile int watched;
static volatile sig_atomic_t traps;

static void on_trap(int sig)
{
	(void)sig;
	traps++;
}
#endif

static int mode_watch(int argc, char **argv)
{
#if defined(__x86_64__)
	pid_t self = raw_getpid(), child;
	int status, before;

	(void)argc;
	(void)argv;
	signal(SIGTRAP, on_trap);
	/* A tracer (the child) sets DR0 on `watched`, 4-byte writes, and leaves. */
	fflush(NULL);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (ptrace(PTRACE_ATTACH, self, 0, 0) || waitpid(self, &status, 0) != self ||
		    ptrace(PTRACE_POKEUSER, self, offsetof(struct user, u_debugreg[0]), &watched) ||
		    ptrace(PTRACE_POKEUSER, self, offsetof(struct user, u_debugreg[7]),
			   1UL | 1UL << 16 | 3UL << 18) ||
		    ptrace(PTRACE_DETACH, self, 0, 0))
			_exit(1);
		_exit(0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		die("setting a watchpoint through ptrace");
	watched = 1;
	EXPECT(traps == 1, "a write to the watched word before the checkpoint: %d traps, expected 1",
	       (int)traps);
	announce_ready();
	wait_restart(100);
	say_restarted();
	before = traps;
	watched = 2;
	if (selftest == 2)
		before++;
	EXPECT(traps == before + 1, "a write to the watched word after the restart: %d traps, expected 1",
	       (int)(traps - before));
	return finish();
#else
	(void)argc;
	(void)argv;
	out("watch: x86 debug registers only\n");
	return 2;
#endif
}

/* ---- clock: calls into the vDSO, across the restart ------------------- */

static volatile sig_atomic_t clock_signals;

static void on_clock_signal(int sig)
{
	(void)sig;
	clock_signals++;
}

/*
 * One round of what libc calls through the vDSO; 0 if every answer is
 * sane, else why not in why.
 */
static int clock_round(char *why, size_t len)
{
	struct timespec mono, real;
	struct timeval tv;
	time_t now;

	if (clock_gettime(CLOCK_MONOTONIC, &mono) ||
	    clock_gettime(CLOCK_REALTIME, &real) || gettimeofday(&tv, NULL)) {
		snprintf(why, len, "a clock call failed: %s", strerror(errno));
		return -1;
	}
	now = time(NULL);
	if (real.tv_sec < 1500000000 || real.tv_nsec < 0 || real.tv_nsec >= 1000000000) {
		snprintf(why, len, "CLOCK_REALTIME says %lld.%09ld", (long long)real.tv_sec,
			 real.tv_nsec);
		return -1;
	}
	/* time() reads the clock as of the last tick: it may lag a second */
	if (tv.tv_sec < real.tv_sec || tv.tv_sec > real.tv_sec + 2 ||
	    now + 1 < real.tv_sec || now > real.tv_sec + 2) {
		snprintf(why, len, "gettimeofday %lld and time %lld, CLOCK_REALTIME %lld",
			 (long long)tv.tv_sec, (long long)now, (long long)real.tv_sec);
		return -1;
	}
	return 0;
}

static volatile long clock_rounds;
static volatile sig_atomic_t clock_failed;

/*
 * The rounds before the checkpoint, run inside a signal handler: the
 * checkpoint finds it there, and after the restart it returns through
 * the trampoline the old kernel gave it (powerpc: the vDSO's
 * __kernel_sigtramp_rt64, which the proxy stands in for).
 */
static void clock_until_restarted(int sig)
{
	char why[160];

	(void)sig;
	/* in the vDSO most of the time: checkpoint may stop it there */
	while (!selftest && !restarted()) {
		/* a round the checkpoint cut in two compares two boots' clocks */
		if (clock_round(why, sizeof(why)) && !restarted()) {
			out("FAIL %s: before the restart: %s\n", mode, why);
			clock_failed = 1;
			return;
		}
		if ((++clock_rounds & 1023) == 0 && timed_out())
			timeout_fail();
	}
}

static int mode_clock(int argc, char **argv)
{
	struct sigaction sa;
	char why[160];
	long i;
	volatile long canary = 0x5eed1e55;

	(void)argc;
	(void)argv;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_clock_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = clock_until_restarted;
	sigaction(SIGUSR2, &sa, NULL);
	announce_ready();
	kill(raw_getpid(), SIGUSR2);
	if (clock_failed)
		return 1;
	say_restarted();
	EXPECT(canary == 0x5eed1e55, "after the handler returned: the canary is %#lx",
	       (long)canary);
	for (i = 0; i < 100000; i++)
		if (clock_round(why, sizeof(why))) {
			mismatch("after the restart, round %ld: %s", i, why);
			break;
		}
	if (selftest == 2)
		signal(SIGUSR1, SIG_IGN);
	/* a handler run now returns through this kernel's trampoline */
	kill(raw_getpid(), SIGUSR1);
	EXPECT(clock_signals == 1, "SIGUSR1 ran its handler %d times, want 1",
	       (int)clock_signals);
	EXPECT(!clock_round(why, sizeof(why)), "after the signal: %s", why);
	out("clock: %ld rounds before the checkpoint (in a signal handler), %ld after\n",
	    (long)clock_rounds, i);
	return finish();
}

/* ---- uts: namespaces of its own -------------------------------------- */

#define UTS_HOST "crmod-box"
#define UTS_DOMAIN "crmod.test"

/*
 * In UTS and IPC namespaces of its own (unshare), with a host and domain
 * name of its own; "shm" leaves a System V segment in that IPC namespace,
 * which checkpoint must refuse. After the restart: the same names, and an
 * IPC namespace that is empty and its own (a key made before is not there).
 */
static int mode_uts(int argc, char **argv)
{
	int shm = argc > 0 && !strcmp(argv[0], "shm");
	struct utsname u;

	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC))
		die("unshare(CLONE_NEWUTS | CLONE_NEWIPC)");
	if (sethostname(UTS_HOST, strlen(UTS_HOST)) ||
	    setdomainname(UTS_DOMAIN, strlen(UTS_DOMAIN)))
		die("sethostname");
	if (shm && shmget(0x6372, 4096, IPC_CREAT | 0600) < 0)
		die("shmget");
	announce_ready();
	wait_restart(20);
	if (selftest == 2 && sethostname("elsewhere", 9))
		die("sethostname");
	if (uname(&u))
		die("uname");
	EXPECT(!strcmp(u.nodename, UTS_HOST), "host name %s, want " UTS_HOST, u.nodename);
	EXPECT(!strcmp(u.domainname, UTS_DOMAIN), "domain name %s, want " UTS_DOMAIN,
	       u.domainname);
	if (!shm)
		EXPECT(shmget(0x6372, 0, 0) < 0 && errno == ENOENT,
		       "a System V segment of key 0x6372 is there: the IPC namespace is not empty");
	out("uts: host %s, domain %s\n", u.nodename, u.domainname);
	return finish();
}

/* ---- tree: a fork tree three levels deep -------------------------------- */

/*
 * tree [FILE]: the root forks A and B, A forks A1 (which holds FILE open on
 * fd 3, if named), and A starts a thread, which waits for the word too and
 * ends with its tid, which A checks when it joins it. Each child keeps a buffer of its own
 * (the root's copied on fork, then overwritten) and a counter, and waits
 * for SIGUSR1. Restarted, the root (its parent changed: the container's
 * init or crctl) tells its children, A tells A1; each checks its pid, its
 * parent, its buffer and counter and exits with 0, or the number of what
 * was wrong; each parent reaps its children by pid, so the links between
 * them are checked too. The root says PASS when all did.
 */
#define TREE_BUF (1UL << 20)
#define TREE_ROOT_SEED 100

static volatile sig_atomic_t tree_go;
static unsigned char *tree_buf;
static const char *tree_file;	/* the grandchild holds it open on fd 3 */
static int tree_ready_read = -1;	/* the root's end of the start pipe */

static void on_tree_go(int sig)
{
	(void)sig;
	tree_go = 1;
}

/* A child's verdict, as its exit status: 0 good, else which check failed. */
static int tree_child_check(int index, pid_t pid, pid_t ppid, uint64_t ticks)
{
	if (raw_getpid() != pid)
		return 10;
	if (raw_getppid() != ppid)
		return 11;
	if (check(tree_buf, TREE_BUF, (uint64_t)index) >= 0)
		return 12;
	if (!selftest && ticks == 0)
		return 13;
	if (index == 3 && tree_file && fcntl(3, F_GETFD) < 0)
		return 14;
	return 0;
}

static pid_t tree_thread_tid;

/* A's thread: until the word, then its tid, as it sees it, back to A. */
static void *tree_thread(void *arg)
{
	(void)arg;
	__atomic_store_n(&tree_thread_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	while (!tree_go)
		sleep_ms(20);
	return (void *)(intptr_t)syscall(SYS_gettid);
}

/* Reaps child (by pid) and says what its status was; nonzero if not 0. */
static int tree_reap(const char *name, pid_t child)
{
	int status = 0;
	pid_t got;

	do {
		got = waitpid(child, &status, 0);
	} while (got < 0 && errno == EINTR);
	if (got != child) {
		mismatch("waitpid(%s, pid %d): %s", name, (int)child, strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		mismatch("%s (pid %d) ended with status %#x: %s", name, (int)child, status,
			 WIFEXITED(status) ? "a check failed (10 pid, 11 parent, 12 memory, 13 counter, 14 fd 3, 15 its thread, 20 its child)"
					   : "killed");
		return 1;
	}
	return 0;
}

/* In a child: wait for the word, pass it on, check, reap, exit. */
static void __attribute__((noreturn)) tree_child(int index, int ready_fd, pid_t grandchild)
{
	pid_t me = raw_getpid(), parent = raw_getppid();
	volatile uint64_t ticks = 0;
	int status = 0, verdict;
	pthread_t thread;
	void *thread_said = NULL;

	fill(tree_buf, TREE_BUF, (uint64_t)index);
	if (index == 1) {
		if (pthread_create(&thread, NULL, tree_thread, NULL))
			_exit(33);
		while (!__atomic_load_n(&tree_thread_tid, __ATOMIC_ACQUIRE))
			sleep_ms(5);
	}
	if (write(ready_fd, "c", 1) != 1)
		_exit(30);
	close(ready_fd);
	while (!tree_go) {
		sleep_ms(20);
		ticks++;
		/* the root is gone (a failed case): do not linger */
		if (raw_getppid() != parent || mono_now() - start_seconds() > (double)timeout_s * 2)
			_exit(3);
	}
	if (grandchild > 0)
		kill(grandchild, SIGUSR1);
	verdict = tree_child_check(index, me, parent, ticks);
	if (index == 1 && (pthread_join(thread, &thread_said) ||
			   (pid_t)(intptr_t)thread_said != tree_thread_tid) && !verdict)
		verdict = 15;
	if (grandchild > 0) {
		while (waitpid(grandchild, &status, 0) < 0 && errno == EINTR)
			;
		if (!verdict && (!WIFEXITED(status) || WEXITSTATUS(status)))
			verdict = 20;
	}
	_exit(verdict);
}

static pid_t tree_fork(int index, int ready_fd, int grandchild_index)
{
	pid_t child = fork(), grandchild = 0;

	if (child < 0)
		die("fork");
	if (child)
		return child;
	close(tree_ready_read);
	if (grandchild_index) {
		grandchild = fork();
		if (grandchild < 0)
			_exit(31);
		if (grandchild == 0) {
			if (tree_file && dup2(open(tree_file, O_RDONLY), 3) != 3)
				_exit(32);
			tree_child(grandchild_index, ready_fd, 0);
		}
	}
	tree_child(index, ready_fd, grandchild);
}

static int mode_tree(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_tree_go };
	pid_t a, b;
	int ready[2];
	char c;

	if (argc > 0)
		tree_file = argv[0];
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	tree_buf = xmmap(TREE_BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fill(tree_buf, TREE_BUF, TREE_ROOT_SEED);
	/* only while they start: a pipe between them is not part of the image */
	if (pipe(ready))
		die("pipe");
	tree_ready_read = ready[0];
	a = tree_fork(1, ready[1], 3);
	b = tree_fork(2, ready[1], 0);
	close(ready[1]);
	for (int n = 0; n < 3; n++)
		if (read(ready[0], &c, 1) != 1)
			die("a child did not start");
	close(ready[0]);
	out("tree: children %d (and its child) and %d started\n", (int)a, (int)b);
	announce_ready();
	wait_restart(50);
	if (selftest == 2)
		tree_buf[TREE_BUF / 2] ^= 1;
	EXPECT(check(tree_buf, TREE_BUF, TREE_ROOT_SEED) < 0, "the root's memory differs");
	EXPECT(raw_getpid() == pid0 || selftest, "the root has pid %d, not %d", (int)raw_getpid(),
	       (int)pid0);
	kill(a, SIGUSR1);
	kill(b, SIGUSR1);
	tree_reap("child A", a);
	tree_reap("child B", b);
	out("tree: both children and the grandchild checked themselves\n");
	return finish();
}

/* ---- main ------------------------------------------------------------ */

static const struct cr_mode modes[] = {
	{ "regs", mode_regs },		{ "memory", mode_memory },
	{ "files", mode_files },	{ "pipe", mode_pipe },
	{ "signals", mode_signals },	{ "sigpending", mode_sigpending },
	{ "identity", mode_identity },	{ "sleep", mode_sleep },
	{ "pipe-read", mode_pipe_read }, { "count", mode_count },
	{ "mem", mode_mem },		{ "watch", mode_watch },
	{ "wideregs", mode_wideregs },	{ "work", mode_work },
	{ "clock", mode_clock },	{ "uts", mode_uts },
	{ "tree", mode_tree },
};

int main(int argc, char **argv)
{
	return cr_main(argc, argv, modes, ARRAY_SIZE(modes),
		       "usage: cr-target regs|wideregs|work|memory|files|pipe|signals|sigpending|identity|sleep|pipe-read|count|mem|watch|clock|uts|tree READYFILE [ARGS]");
}
