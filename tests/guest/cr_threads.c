// SPDX-License-Identifier: GPL-2.0
/*
 * cr-threads: a process of several threads, each holding state of its own,
 * for the cr_threads case. Like cr-target (cr_common.h): set up, say
 * ready, be checkpointed and restarted, check, print PASS or FAIL.
 *
 *   cr-threads threads READYFILE [WORKERS]    (WORKERS 4..24, default 4)
 *
 * Besides main, WORKERS threads, each with its own roles:
 *   0 spinner   spins in user code (loads, compares, a store: no system
 *               call), so that a checkpoint stops it at any instruction
 *   1 futex     blocked in FUTEX_WAIT on a word; main sets the word and
 *               wakes it after the restart
 *   2 joined    sleeps in nanosleep (300 ms at a time); main tells it to
 *               end after the restart and is already in pthread_join
 *               (pthread_timedjoin_np) when it ends: the kernel's
 *               clear_child_tid wake must reach main
 *   3 signal    blocked in ppoll; main pthread_kill()s it after the
 *               restart, its SIGUSR1 handler (on its alternate stack)
 *               records what it saw, and it ends
 *   4.. sleeper nanosleep, 20+i ms at a time
 * Main itself sleeps in nanosleep (10 ms at a time) calling getppid, and
 * notices the restart as cr-target does: its parent changed (a restarted
 * process keeps its pid, under crctl's container's pid 1 or crctl).
 *
 * Every thread, main too, holds its own values across the checkpoint, in
 * the loop of thr_hold() (assembly): the callee-saved general registers,
 * every vector register (x86: xmm0-15 and the upper halves of ymm0-15
 * where there is AVX; ppc64le: vs0-63, that is f0-31 with their VSX halves
 * and v0-31) and the FP control register (MXCSR, FPSCR), each thread with
 * other values. Each also has its own __thread variables, thread pointer
 * (x86 fs base and %fs:0, ppc r13), tid, blocked signal mask, alternate
 * signal stack, robust futex list, rseq registration (glibc's), and a
 * signal queued to it alone (pthread_sigqueue, blocked: pending on that
 * thread) whose value it must receive after the restart.
 *
 * After the restart every thread records what it finds, main wakes, joins
 * and kills them as above, then checks everything against what was
 * recorded before, printing one line per check:
 *   check NAME: PASS
 *   check NAME: FAIL: WHAT: expected X, found Y
 * then the verdict, "PASS threads" or "FAIL threads: ..." (exit 0 or 1).
 * Not restarted within the timeout: "FAIL threads: timeout", exit 2.
 *
 * At ready it prints "threads: ROLE tid TID" per thread and
 * "threads: ready: N threads", then writes READYFILE (its pid).
 *
 * Environment as cr-target's: CR_TARGET_TIMEOUT, CR_TARGET_SELFTEST=1
 * (no checkpoint: check at once, must PASS), CR_TARGET_SELFTEST=corrupt
 * (some found values changed before the checks: must FAIL naming them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cr_common.h"
#include "cr_regs.h"

/* ---- thr_hold: the registers held in a loop ------------------------- */

/*
 * thr_hold(&h) loads h's patterns into registers, then loops: the system
 * call h.nr (if not 0) with h.a[0..3], counting returns of 0 in h.woken;
 * getppid (if h.check_ppid), leaving when it is not h.ppid0; leaving when
 * *h.stop is not 0; leaving when h.left (if not 0 at first) counts down to
 * 0. Then it stores the registers back and gives back what the ABI wants
 * preserved. Offsets are hard-coded below and checked by _Static_assert.
 */
#define O_NR		0
#define O_A0		8
#define O_A1		16
#define O_A2		24
#define O_A3		32
#define O_STOP		40
#define O_PPID0		48
#define O_CHECKPPID	56
#define O_LEFT		64
#define O_ENTERED	72
#define O_LOOPS		80
#define O_WOKEN		88
#define O_LAST		96
#define O_NEWPPID	104
#define O_CTL_IN	112	/* x86 MXCSR, ppc FPSCR */
#define O_CTL_REF	120	/* read back once set */
#define O_CTL_OUT	128
#define O_SP_IN		136
#define O_SP_OUT	144
#define O_VEC		152	/* x86: the CPU has AVX */
#define O_GPR_IN	160

#if defined(__x86_64__)
#define NGPR 8		/* rbx rbp r12-r15 r8 r9: no system call changes them */
#define NVS 32		/* xmm0-15, then the upper halves of ymm0-15 */
static const char *const gpr_names[NGPR] = {
	"rbx", "rbp", "r12", "r13", "r14", "r15", "r8", "r9",
};
#define GPR_NAMES gpr_names
#elif defined(__powerpc64__)
#define NGPR 18		/* r14-r31 */
#define NVS 64		/* vs0-63 */
#define GPR_NAMES NULL	/* r14 on */
#else
#error "cr-threads knows x86_64 and ppc64le"
#endif

#define O_GPR_OUT	(O_GPR_IN + NGPR * 8)
#define O_VS_IN		(O_GPR_OUT + NGPR * 8)
#define O_VS_OUT	(O_VS_IN + NVS * 16)

struct hold {
	uint64_t nr, a[4], stop, ppid0, check_ppid, left, entered, loops, woken;
	int64_t last;
	uint64_t newppid, ctl_in, ctl_ref, ctl_out, sp_in, sp_out, vec;
	uint64_t gpr_in[NGPR], gpr_out[NGPR];
	uint8_t vs_in[NVS][16], vs_out[NVS][16];
} __attribute__((aligned(16)));

_Static_assert(offsetof(struct hold, a) == O_A0, "O_A0");
_Static_assert(offsetof(struct hold, stop) == O_STOP, "O_STOP");
_Static_assert(offsetof(struct hold, left) == O_LEFT, "O_LEFT");
_Static_assert(offsetof(struct hold, last) == O_LAST, "O_LAST");
_Static_assert(offsetof(struct hold, newppid) == O_NEWPPID, "O_NEWPPID");
_Static_assert(offsetof(struct hold, ctl_out) == O_CTL_OUT, "O_CTL_OUT");
_Static_assert(offsetof(struct hold, vec) == O_VEC, "O_VEC");
_Static_assert(offsetof(struct hold, gpr_in) == O_GPR_IN, "O_GPR_IN");
_Static_assert(offsetof(struct hold, gpr_out) == O_GPR_OUT, "O_GPR_OUT");
_Static_assert(offsetof(struct hold, vs_in) == O_VS_IN, "O_VS_IN");
_Static_assert(offsetof(struct hold, vs_out) == O_VS_OUT, "O_VS_OUT");
_Static_assert(O_VS_IN % 16 == 0, "vector slots 16-byte aligned");

void thr_hold(struct hold *h);

#if defined(__x86_64__)
/* Frame: 0 the caller's MXCSR, 16 h. */
__asm__(
	".text\n\t"
	".globl thr_hold\n\t"
	".type thr_hold,@function\n"
	"thr_hold:\n\t"
	X86_PUSH_NV
	L("sub $16,%rsp")
	L("stmxcsr 0(%rsp)")
	L("ldmxcsr " STR(O_CTL_IN) "(%rdi)")
	L("stmxcsr " STR(O_CTL_REF) "(%rdi)")
	X86_VEC_LOAD(O_VS_IN, O_VEC)
	L("mov %rsp," STR(O_SP_IN) "(%rdi)")
	L("movq $1," STR(O_ENTERED) "(%rdi)")
	X86_NV_LOAD(O_GPR_IN)
	L("mov " STR(O_GPR_IN) "+48(%rdi),%r8")
	L("mov " STR(O_GPR_IN) "+56(%rdi),%r9")
	"2:\n\t"
	L("mov 16(%rsp),%rax")
	L("mov " STR(O_NR) "(%rax),%rcx")
	L("test %rcx,%rcx")
	L("jz 5f")
	L("mov " STR(O_A0) "(%rax),%rdi")
	L("mov " STR(O_A1) "(%rax),%rsi")
	L("mov " STR(O_A2) "(%rax),%rdx")
	L("mov " STR(O_A3) "(%rax),%r10")
	L("mov %rcx,%rax")
	L("syscall")
	L("mov 16(%rsp),%rcx")
	L("mov %rax," STR(O_LAST) "(%rcx)")
	L("test %rax,%rax")
	L("jnz 5f")
	L("incq " STR(O_WOKEN) "(%rcx)")
	"5:\n\t"
	L("mov 16(%rsp),%rax")
	L("cmpq $0," STR(O_CHECKPPID) "(%rax)")
	L("je 6f")
	L("mov $" STR(__NR_getppid) ",%eax")
	L("syscall")
	L("mov 16(%rsp),%rcx")
	L("cmp " STR(O_PPID0) "(%rcx),%rax")
	L("je 6f")
	L("mov %rax," STR(O_NEWPPID) "(%rcx)")
	L("jmp 9f")
	"6:\n\t"
	L("mov 16(%rsp),%rax")
	L("incq " STR(O_LOOPS) "(%rax)")
	L("mov " STR(O_STOP) "(%rax),%rcx")
	L("cmpq $0,(%rcx)")
	L("jne 9f")
	L("cmpq $0," STR(O_LEFT) "(%rax)")
	L("je 2b")
	L("decq " STR(O_LEFT) "(%rax)")
	L("jnz 2b")
	"9:\n\t"
	L("mov 16(%rsp),%rax")
	X86_NV_STORE(O_GPR_OUT)
	L("mov %r8," STR(O_GPR_OUT) "+48(%rax)")
	L("mov %r9," STR(O_GPR_OUT) "+56(%rax)")
	L("mov %rsp," STR(O_SP_OUT) "(%rax)")
	X86_VEC_STORE(O_VS_OUT, O_VEC)
	L("stmxcsr " STR(O_CTL_OUT) "(%rax)")
	L("ldmxcsr 0(%rsp)")
	L("add $16,%rsp")
	X86_POP_NV
	L("ret")
	".size thr_hold,.-thr_hold\n\t"
	".text\n");
#elif defined(__powerpc64__)
/*
 * Frame (720 bytes): 32 h, 56 CR, 64 FPSCR, 96 r14-r31,
 * 240 vs14-31 (f14-f31), 528 vs52-63 (v20-v31). A system call (sc) may
 * change r0, r3-r12, CR0, CTR and XER; not the FP and vector registers.
 */
__asm__(
	".text\n\t"
	".globl thr_hold\n\t"
	".type thr_hold,@function\n\t"
	".p2align 4\n"
	"thr_hold:\n\t"
	PPC_FRAME_PUSH
	PPC_NV("std", "stxvd2x")
	L("mffs 0")
	L("stfd 0,64(1)")
	L("lfd 0," STR(O_CTL_IN) "(3)")
	L("mtfsf 0xff,0")
	L("mffs 0")
	L("stfd 0," STR(O_CTL_REF) "(3)")
	PPC_VS_ALL("lxvd2x", O_VS_IN, "3")
	L("std 1," STR(O_SP_IN) "(3)")
	L("li 5,1")
	L("std 5," STR(O_ENTERED) "(3)")
	PPC_GPRS("ld", O_GPR_IN, "3")
	"2:\n\t"
	L("ld 4,32(1)")
	L("ld 0," STR(O_NR) "(4)")
	L("cmpdi 7,0,0")
	L("beq 7,5f")
	L("ld 3," STR(O_A0) "(4)")
	L("ld 5," STR(O_A2) "(4)")
	L("ld 6," STR(O_A3) "(4)")
	L("ld 4," STR(O_A1) "(4)")
	L("sc")
	L("bns 0,7f")
	L("neg 3,3")			/* an error: -errno, as on x86 */
	"7:\n\t"
	L("ld 4,32(1)")
	L("std 3," STR(O_LAST) "(4)")
	L("cmpdi 7,3,0")
	L("bne 7,5f")
	L("ld 5," STR(O_WOKEN) "(4)")
	L("addi 5,5,1")
	L("std 5," STR(O_WOKEN) "(4)")
	"5:\n\t"
	L("ld 4,32(1)")
	L("ld 5," STR(O_CHECKPPID) "(4)")
	L("cmpdi 7,5,0")
	L("beq 7,6f")
	L("li 0," STR(__NR_getppid))
	L("sc")
	L("ld 4,32(1)")
	L("ld 5," STR(O_PPID0) "(4)")
	L("cmpd 7,3,5")
	L("beq 7,6f")
	L("std 3," STR(O_NEWPPID) "(4)")
	L("b 9f")
	"6:\n\t"
	L("ld 4,32(1)")
	L("ld 5," STR(O_LOOPS) "(4)")
	L("addi 5,5,1")
	L("std 5," STR(O_LOOPS) "(4)")
	L("ld 5," STR(O_STOP) "(4)")
	L("ld 5,0(5)")
	L("cmpdi 7,5,0")
	L("bne 7,9f")
	L("ld 5," STR(O_LEFT) "(4)")
	L("cmpdi 7,5,0")
	L("beq 7,2b")
	L("addi 5,5,-1")
	L("std 5," STR(O_LEFT) "(4)")
	L("cmpdi 7,5,0")
	L("bne 7,2b")
	"9:\n\t"
	L("ld 4,32(1)")
	PPC_GPRS("std", O_GPR_OUT, "4")
	L("std 1," STR(O_SP_OUT) "(4)")
	PPC_VS_ALL("stxvd2x", O_VS_OUT, "4")
	L("mffs 0")
	L("stfd 0," STR(O_CTL_OUT) "(4)")
	/* give back what the ABI wants preserved */
	L("lfd 0,64(1)")
	L("mtfsf 0xff,0")
	PPC_NV("ld", "lxvd2x")
	PPC_FRAME_POP
	".size thr_hold,.-thr_hold\n\t"
	".text\n");
#endif

/* ---- what each thread is and records -------------------------------- */

#define MAX_WORKERS 24
#define TLS_BUF 200
#define ALT_SIZE (64 * 1024)
#define WAIT_S 20	/* for each thing after the restart (TCG is slow) */

enum role { SPINNER, FUTEX, JOINED, SIGNAL, SLEEPER };
static const char *const role_names[] = { "spinner", "futex", "joined", "signal", "sleeper" };

/* What a thread finds of itself, before the checkpoint and after. */
struct seen {
	pid_t tid, pid;
	uint64_t tp, tp_self;	/* x86: fs base, %fs:0; ppc: r13 twice */
	uintptr_t tls_addr, tls_buf_addr;
	uint64_t tls_val;
	long tls_buf_bad;	/* first byte of tls_buf off its pattern, or -1 */
	uintptr_t self;		/* pthread_self() */
	uint64_t mask;		/* blocked signals 1-64 */
	uintptr_t alt_sp;
	size_t alt_size;
	int alt_flags;
	uintptr_t robust;
	size_t robust_len;
	int rseq_errno;		/* of registering glibc's area again: EBUSY, it is registered */
	int rseq_cpu, cpu;	/* the rseq area's cpu_id, getcpu()'s */
	uint64_t sigpnd;	/* /proc/self/task/TID/status SigPnd */
	int pend_got, pend_code, pend_value;
};

struct thr {
	int idx;		/* -1: main */
	enum role role;
	char name[32];
	pthread_t th;
	struct hold h;
	uint64_t seed;
	int pend_sig, pend_value;
	sigset_t mask;
	void *alt;
	struct seen before, after;
	uint64_t stop;
	atomic_int ready;
	int joined;		/* 1: pthread_join returned its value */
	void *ret;
};

static struct thr workers[MAX_WORKERS], main_thr;
static int nworkers = 4;
static int have_avx;
static int rseq_checked;	/* glibc registered rseq and it can be seen */

static __thread uint64_t tls_val;
static __thread unsigned char tls_buf[TLS_BUF];

/*
 * The futex word; the futex thread's stop word is the 64 bits from it (the
 * loop reads 64 bits), the upper half 0. Then the signal target's record.
 */
static struct {
	uint32_t word, zero;
} futex_w __attribute__((aligned(8)));
#define futex_word futex_w.word
static volatile uint64_t usr1_hits;
static volatile pid_t usr1_tid;
static volatile uintptr_t usr1_sp;
static volatile int usr1_code, usr1_pid;
static volatile uint64_t usr1_tls;

static pid_t gettid_raw(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static uint64_t thread_pointer_self(void)
{
	uint64_t v;

#if defined(__x86_64__)
	__asm__ volatile("mov %%fs:0,%0" : "=r"(v));
#else
	__asm__ volatile("mr %0,13" : "=r"(v));	/* r13 is the thread pointer */
#endif
	return v;
}

/* A hex field of /proc/self/task/TID/status, or ~0. */
static uint64_t status_hex(pid_t tid, const char *key)
{
	char path[64], buf[4096], *p;
	size_t klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return ~0ULL;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtoull(p + klen + 1, NULL, 16);
	return ~0ULL;
}

/* The state letter of thread tid (R, S, ...), 0 if it cannot be read. */
static char task_state(pid_t tid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* What the calling thread finds of itself. */
static void look(struct thr *t, struct seen *s)
{
	sigset_t cur;
	stack_t ss;
	void *head = NULL;
	size_t len = 0;

	s->tid = gettid_raw();
	s->pid = raw_getpid();
	s->tp = thread_pointer();
	s->tp_self = thread_pointer_self();
	s->tls_addr = (uintptr_t)&tls_val;
	s->tls_buf_addr = (uintptr_t)tls_buf;
	s->tls_val = tls_val;
	s->tls_buf_bad = check(tls_buf, sizeof(tls_buf), t->seed ^ 0xb0f);
	s->self = (uintptr_t)pthread_self();
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	s->mask = set_bits(&cur);
	memset(&ss, 0, sizeof(ss));
	sigaltstack(NULL, &ss);
	s->alt_sp = (uintptr_t)ss.ss_sp;
	s->alt_size = ss.ss_size;
	s->alt_flags = ss.ss_flags;
	if (syscall(SYS_get_robust_list, 0, &head, &len) == 0) {
		s->robust = (uintptr_t)head;
		s->robust_len = len;
	}
	s->rseq_errno = -1;
	s->rseq_cpu = s->cpu = -1;
	if (__rseq_size) {
		struct rseq *area = (struct rseq *)((char *)(uintptr_t)thread_pointer_self() + __rseq_offset);
		unsigned int cpu = 0;

		/*
		 * Registered with the length glibc chose (32 before 2.40, where
		 * __rseq_size may say 20, the features' size): registering the
		 * area again with that length fails with EBUSY, another length
		 * with EINVAL; where it was not registered, it works.
		 */
		static const unsigned int lens[] = { 0, 32, 64, 128, 256 };

		for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
			errno = 0;
			if (syscall(SYS_rseq, area, lens[i] ? lens[i] : __rseq_size, 0, RSEQ_SIG) == 0)
				s->rseq_errno = 0;	/* it was not registered: it is now */
			else
				s->rseq_errno = errno;
			if (s->rseq_errno != EINVAL)
				break;
		}
		/* the kernel keeps cpu_id as the thread runs: read it twice around getcpu */
		for (int i = 0; i < 3; i++) {
			int a = (int)atomic_load((_Atomic uint32_t *)&area->cpu_id);

			syscall(SYS_getcpu, &cpu, NULL, NULL);
			s->rseq_cpu = a;
			s->cpu = (int)cpu;
			if (a == (int)cpu &&
			    (int)atomic_load((_Atomic uint32_t *)&area->cpu_id) == a)
				break;
		}
	}
	s->sigpnd = status_hex(s->tid, "SigPnd");
}

/* After the restart: the signal queued to this thread alone. */
static void take_pending(struct thr *t, struct seen *s)
{
	sigset_t one;
	siginfo_t si;
	struct timespec zero = { 0, 0 };

	sigemptyset(&one);
	sigaddset(&one, t->pend_sig);
	memset(&si, 0, sizeof(si));
	s->pend_got = sigtimedwait(&one, &si, &zero);
	s->pend_code = si.si_code;
	s->pend_value = si.si_value.sival_int;
}

static void fill_hold(struct thr *t)
{
	struct hold *h = &t->h;

	for (int i = 0; i < NGPR; i++)
		h->gpr_in[i] = mix64(t->seed ^ (0x6e670000ULL + (uint64_t)i)) | 1;
	for (int i = 0; i < NVS; i++)
		fill(h->vs_in[i], 16, t->seed ^ (0x76730000ULL + (uint64_t)i));
	h->vec = (uint64_t)have_avx;
	h->stop = (uint64_t)(uintptr_t)&t->stop;
#if defined(__x86_64__)
	{
		unsigned int mx = (unsigned int)fp_ctl();
		unsigned int k = (unsigned int)(t->idx + 1);

		/* rounding (RC, bits 13-14) and flush to zero (FZ, bit 15) by thread */
		h->ctl_in = (mx & ~0xe000u) | ((k & 3) << 13) | ((k & 4) ? 0x8000u : 0);
	}
#elif defined(__powerpc64__)
	h->ctl_in = (fp_ctl() & ~3ULL) | ((uint64_t)(t->idx + 1) & 3);	/* RN by thread */
#endif
}

/* Each thread's own: TLS, mask, alternate stack; then it holds. */
static void settle(struct thr *t)
{
	stack_t ss = { .ss_sp = t->alt, .ss_size = ALT_SIZE, .ss_flags = 0 };

	tls_val = mix64(t->seed ^ 0x746c73);
	fill(tls_buf, sizeof(tls_buf), t->seed ^ 0xb0f);
	if (pthread_sigmask(SIG_SETMASK, &t->mask, NULL) || sigaltstack(&ss, NULL))
		die("thread setup");
	look(t, &t->before);
}

static void *worker_main(void *arg)
{
	struct thr *t = arg;

	settle(t);
	atomic_store(&t->ready, 1);
	thr_hold(&t->h);
	look(t, &t->after);
	take_pending(t, &t->after);
	return (void *)(uintptr_t)(0x7e40 + t->idx);
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	volatile int here = 0;

	(void)sig;
	(void)uc;
	usr1_tid = gettid_raw();
	usr1_sp = (uintptr_t)&here;
	usr1_code = si->si_code;
	usr1_pid = si->si_pid;
	usr1_tls = tls_val;
	usr1_hits++;
}

/* ---- the checks ------------------------------------------------------ */

static char group[64];
static int group_bad;

static void begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(group, sizeof(group), fmt, ap);
	va_end(ap);
	group_bad = 0;
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("check %s: FAIL: %s\n", group, msg);
	mismatch("%s: %s", group, msg);
	group_bad++;
}

static void end(void)
{
	if (!group_bad)
		out("check %s: PASS\n", group);
}

#define CHECK(cond, ...)              \
	do {                          \
		if (!(cond))          \
			bad(__VA_ARGS__); \
	} while (0)

#define SAME(what, field, fmt, cast)                                           \
	CHECK(b->field == a->field, "%s: expected " fmt ", found " fmt, what, \
	      (cast)b->field, (cast)a->field)

static void check_registers(struct thr *t)
{
	struct hold *h = &t->h;

	begin("%s registers", t->name);
	check_gprs(h->gpr_in, h->gpr_out, NGPR, GPR_NAMES, bad);
	check_vecs((const uint8_t (*)[16])h->vs_in, (const uint8_t (*)[16])h->vs_out, NVS, have_avx,
		   bad);
#if defined(__x86_64__)
	CHECK((h->ctl_ref & 0xe000) == (h->ctl_in & 0xe000), "MXCSR 0x%llx did not take 0x%llx",
	      (unsigned long long)h->ctl_ref, (unsigned long long)h->ctl_in);
#else
	CHECK((h->ctl_ref & 3) == (h->ctl_in & 3), "FPSCR 0x%llx did not take RN %llu",
	      (unsigned long long)h->ctl_ref, (unsigned long long)(h->ctl_in & 3));
#endif
	check_fp_ctl(h->ctl_ref, h->ctl_out, bad);
	check_sp(h->sp_in, h->sp_out, bad);
	end();
}

static void check_self(struct thr *t)
{
	const struct seen *b = &t->before, *a = &t->after;

	begin("%s identity and TLS", t->name);
	SAME("tid (gettid)", tid, "%d", int);
	CHECK(a->pid == pid0, "getpid: expected %d, found %d", (int)pid0, (int)a->pid);
	SAME("thread pointer", tp, "0x%llx", unsigned long long);
	SAME("thread pointer's self word", tp_self, "0x%llx", unsigned long long);
	SAME("pthread_self()", self, "0x%llx", unsigned long long);
	SAME("__thread variable's address", tls_addr, "0x%llx", unsigned long long);
	SAME("__thread array's address", tls_buf_addr, "0x%llx", unsigned long long);
	CHECK(a->tls_val == mix64(t->seed ^ 0x746c73), "__thread variable: expected 0x%016llx, found 0x%016llx",
	      (unsigned long long)mix64(t->seed ^ 0x746c73), (unsigned long long)a->tls_val);
	CHECK(b->tls_buf_bad < 0 && a->tls_buf_bad < 0,
	      "__thread array: byte %ld off its pattern (before the checkpoint: %ld)",
	      a->tls_buf_bad, b->tls_buf_bad);
	SAME("robust futex list head", robust, "0x%llx", unsigned long long);
	SAME("robust futex list length", robust_len, "%llu", unsigned long long);
	if (rseq_checked) {
		CHECK(a->rseq_errno == EBUSY,
		      "rseq: glibc's area is no longer registered (registering it again: %s, want EBUSY)",
		      a->rseq_errno ? strerror(a->rseq_errno) : "it worked");
		CHECK(a->rseq_cpu == a->cpu, "rseq area's cpu_id: expected %d (getcpu), found %d",
		      a->cpu, a->rseq_cpu);
	}
	end();

	begin("%s signals", t->name);
	SAME("blocked mask", mask, "0x%016llx", unsigned long long);
	CHECK(b->mask & (1ULL << (t->pend_sig - 1)), "blocked mask 0x%016llx lacks signal %d",
	      (unsigned long long)b->mask, t->pend_sig);
	SAME("alternate stack", alt_sp, "0x%llx", unsigned long long);
	SAME("alternate stack size", alt_size, "%llu", unsigned long long);
	SAME("alternate stack flags", alt_flags, "%d", int);
	CHECK(a->sigpnd & (1ULL << (t->pend_sig - 1)),
	      "signal %d queued to this thread: not pending on it (SigPnd 0x%016llx)", t->pend_sig,
	      (unsigned long long)a->sigpnd);
	CHECK(a->pend_got == t->pend_sig, "signal %d queued to this thread: sigtimedwait got %d",
	      t->pend_sig, a->pend_got);
	if (a->pend_got == t->pend_sig) {
		CHECK(a->pend_code == SI_QUEUE, "signal %d: si_code expected %d (SI_QUEUE), found %d",
		      t->pend_sig, SI_QUEUE, a->pend_code);
		CHECK(a->pend_value == t->pend_value, "signal %d: value expected %d, found %d",
		      t->pend_sig, t->pend_value, a->pend_value);
	}
	end();
}

static void deadline_in(struct timespec *ts, int s)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += s;
}

/* until thread t is asleep (S), at most WAIT_S seconds: 1 if it is */
static int wait_asleep(struct thr *t)
{
	for (int i = 0; i < WAIT_S * 100; i++) {
		if (task_state(t->before.tid) == 'S')
			return 1;
		sleep_ms(10);
	}
	return 0;
}

static struct thr *role(enum role r)
{
	for (int i = 0; i < nworkers; i++)
		if (workers[i].role == r)
			return &workers[i];
	return NULL;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* /proc/self/task: exactly main and the workers, by their tids */
static void check_tasks(void)
{
	int want[MAX_WORKERS + 1], have[MAX_WORKERS + 8], nh = 0;
	char wl[512] = "", hl[512] = "";
	DIR *d;
	struct dirent *e;
	uint64_t threads = 0;
	char buf[4096], *p;

	want[0] = (int)main_thr.before.tid;
	for (int i = 0; i < nworkers; i++)
		want[i + 1] = (int)workers[i].before.tid;
	qsort(want, (size_t)nworkers + 1, sizeof(int), cmp_int);
	d = opendir("/proc/self/task");
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && nh < (int)ARRAY_SIZE(have))
			have[nh++] = atoi(e->d_name);
	if (d)
		closedir(d);
	qsort(have, (size_t)nh, sizeof(int), cmp_int);
	for (int i = 0; i <= nworkers; i++)
		snprintf(wl + strlen(wl), sizeof(wl) - strlen(wl), " %d", want[i]);
	for (int i = 0; i < nh; i++)
		snprintf(hl + strlen(hl), sizeof(hl) - strlen(hl), " %d", have[i]);
	if (read_file("/proc/self/status", buf, sizeof(buf)) > 0 && (p = strstr(buf, "\nThreads:")))
		threads = strtoull(p + 9, NULL, 10);
	begin("threads");
	CHECK(nh == nworkers + 1 && !memcmp(want, have, sizeof(int) * (size_t)nh),
	      "/proc/self/task: expected%s, found%s", wl, hl);
	CHECK(threads == (uint64_t)nworkers + 1, "/proc/self/status Threads: expected %d, found %llu",
	      nworkers + 1, (unsigned long long)threads);
	end();
}

static int join(struct thr *t, double *took)
{
	struct timespec dl;
	double t0 = mono_now();
	int r;

	deadline_in(&dl, WAIT_S);
	r = pthread_timedjoin_np(t->th, &t->ret, &dl);
	if (took)
		*took = mono_now() - t0;
	t->joined = r == 0;
	return r;
}

static void corrupt(void)
{
	/* what a restart that got things wrong would leave */
	workers[0].h.gpr_out[2] ^= 1ULL << 9;
	workers[1 % nworkers].h.vs_out[3][5] ^= 0x40;
	workers[2 % nworkers].after.tid += 1;
	workers[3 % nworkers].after.tls_val ^= 1;
	main_thr.after.mask ^= 1ULL << 9;
	main_thr.h.ctl_out ^= 0x2000;
}

static int mode_threads(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec main_ts = { 0, 10 * 1000000L }, sleep_ts = { 0, 300 * 1000000L };
	struct timespec slow_ts[MAX_WORKERS];
	struct thr *fx, *jn, *sg, *sp;
	uint64_t spins_at_restart;
	double took = 0;
	long wakes = 0, wake_hits = 0;
	int r;

	if (argc > 0)
		nworkers = atoi(argv[0]);
	if (nworkers < 4 || nworkers > MAX_WORKERS) {
		out("FAIL %s: setup: WORKERS is 4 to %d, not %s\n", mode, MAX_WORKERS, argv[0]);
		return 2;
	}
	have_avx = vec_upper();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");

	/* each thread: a seed, a signal it blocks and is queued, a mask, a stack */
	for (int i = -1; i < nworkers; i++) {
		struct thr *t = i < 0 ? &main_thr : &workers[i];

		t->idx = i;
		t->role = i < 0 ? SLEEPER : i < SLEEPER ? (enum role)i : SLEEPER;
		if (i < 0)
			snprintf(t->name, sizeof(t->name), "main");
		else
			snprintf(t->name, sizeof(t->name), "thread %d (%s)", i, role_names[t->role]);
		t->seed = mix64(0x7468720000ULL + (uint64_t)(i + 1));
		t->pend_sig = SIGRTMIN + 2 + i;
		t->pend_value = 0x5100 + i;
		sigemptyset(&t->mask);
		sigaddset(&t->mask, t->pend_sig);
		if ((i + 1) & 1)
			sigaddset(&t->mask, SIGWINCH);
		if ((i + 1) & 2)
			sigaddset(&t->mask, SIGURG);
		if ((i + 1) & 4)
			sigaddset(&t->mask, SIGPWR);
		t->alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->alt == MAP_FAILED)
			die("mmap");
		fill_hold(t);
	}
	/* what each one waits in */
	for (int i = 0; i < nworkers; i++) {
		struct thr *t = &workers[i];
		struct hold *h = &t->h;

		switch (t->role) {
		case SPINNER:
			break;
		case FUTEX:
			h->nr = SYS_futex;
			h->a[0] = (uint64_t)(uintptr_t)&futex_word;
			h->a[1] = FUTEX_WAIT;
			h->stop = (uint64_t)(uintptr_t)&futex_w;	/* until the word is set */
			break;
		case JOINED:
			h->nr = SYS_nanosleep;
			h->a[0] = (uint64_t)(uintptr_t)&sleep_ts;
			break;
		case SIGNAL:
			h->nr = SYS_ppoll;	/* no fds, no timeout: until a signal */
			h->stop = (uint64_t)(uintptr_t)&usr1_hits;
			break;
		case SLEEPER:
			slow_ts[i].tv_sec = 0;
			slow_ts[i].tv_nsec = (20 + i) * 1000000L;
			h->nr = SYS_nanosleep;
			h->a[0] = (uint64_t)(uintptr_t)&slow_ts[i];
			break;
		}
	}
	settle(&main_thr);
	for (int i = 0; i < nworkers; i++)
		if ((r = pthread_create(&workers[i].th, NULL, worker_main, &workers[i]))) {
			errno = r;
			die("pthread_create");
		}
	for (int i = 0; i < nworkers; i++) {
		int n = 0;

		while (!atomic_load(&workers[i].ready) || !workers[i].h.entered) {
			if (++n > WAIT_S * 100) {
				errno = ETIMEDOUT;
				die("a thread never started holding");
			}
			sleep_ms(10);
		}
	}
	fx = role(FUTEX);
	sg = role(SIGNAL);
	jn = role(JOINED);
	sp = role(SPINNER);
	if (!wait_asleep(fx) || !wait_asleep(sg)) {
		errno = ETIMEDOUT;
		die("the futex or the signal thread does not sleep");
	}
	/* rseq: checked after the restart where it can be seen before */
	rseq_checked = main_thr.before.rseq_errno == EBUSY;
	for (int i = 0; i < nworkers; i++)
		rseq_checked &= workers[i].before.rseq_errno == EBUSY;
	/* a signal for each thread alone, which it blocks: pending on that thread */
	for (int i = -1; i < nworkers; i++) {
		struct thr *t = i < 0 ? &main_thr : &workers[i];
		union sigval v = { .sival_int = t->pend_value };

		if ((r = pthread_sigqueue(i < 0 ? pthread_self() : t->th, t->pend_sig, v))) {
			errno = r;
			die("pthread_sigqueue");
		}
	}
	out("threads: main tid %d\n", (int)main_thr.before.tid);
	for (int i = 0; i < nworkers; i++)
		out("threads: %s tid %d\n", role_names[workers[i].role], (int)workers[i].before.tid);
	out("threads: ready: %d threads, %s, rseq %s\n", nworkers + 1,
#if defined(__x86_64__)
	    have_avx ? "xmm0-15 and ymm0-15 upper halves" : "xmm0-15 (no AVX)",
#else
	    "vs0-63",
#endif
	    rseq_checked ? "checked" : "not checked (glibc did not register it)");
	announce_ready();

	/* main: its registers held in nanosleep, getppid until the parent changes */
	main_thr.h.nr = SYS_nanosleep;
	main_thr.h.a[0] = (uint64_t)(uintptr_t)&main_ts;
	main_thr.h.check_ppid = 1;
	main_thr.h.ppid0 = selftest ? (uint64_t)-1 : (uint64_t)(long)ppid0;
	main_thr.h.left = timeout_s ? (uint64_t)timeout_s * 100 : 0;
	thr_hold(&main_thr.h);
	if (!selftest && !main_thr.h.newppid) {
		out("threads: main's loop ended after %llu rounds, its last nanosleep %lld, stop %llu\n",
		    (unsigned long long)main_thr.h.loops, (long long)main_thr.h.last,
		    (unsigned long long)main_thr.stop);
		timeout_fail();
	}
	look(&main_thr, &main_thr.after);
	take_pending(&main_thr, &main_thr.after);
	say_restarted();

	/* every thread is still there, with its tid */
	check_tasks();

	/* the spinner runs on after the restart */
	spins_at_restart = __atomic_load_n(&sp->h.loops, __ATOMIC_RELAXED);
	for (int i = 0; i < WAIT_S * 100 &&
			__atomic_load_n(&sp->h.loops, __ATOMIC_RELAXED) == spins_at_restart; i++)
		sleep_ms(10);
	begin("spinner runs");
	CHECK(__atomic_load_n(&sp->h.loops, __ATOMIC_RELAXED) != spins_at_restart,
	      "the spinning thread did not spin on after the restart (%llu spins)",
	      (unsigned long long)spins_at_restart);
	end();

	/* pthread_kill: the signal thread's handler runs, on its alternate stack */
	begin("pthread_kill");
	r = pthread_kill(sg->th, SIGUSR1);
	CHECK(r == 0, "pthread_kill: %s", strerror(r));
	for (int i = 0; i < WAIT_S * 100 && !usr1_hits; i++)
		sleep_ms(10);
	CHECK(usr1_hits == 1, "SIGUSR1 handler: expected 1 run, found %llu", (unsigned long long)usr1_hits);
	if (usr1_hits) {
		CHECK(usr1_tid == sg->before.tid, "SIGUSR1 handler ran in tid %d, expected %d",
		      (int)usr1_tid, (int)sg->before.tid);
		CHECK(usr1_code == SI_TKILL, "SIGUSR1 si_code: expected %d (SI_TKILL), found %d",
		      SI_TKILL, usr1_code);
		CHECK(usr1_pid == (int)pid0, "SIGUSR1 si_pid: expected %d, found %d", (int)pid0, usr1_pid);
		CHECK(usr1_sp >= (uintptr_t)sg->alt && usr1_sp < (uintptr_t)sg->alt + ALT_SIZE,
		      "SIGUSR1 handler's stack 0x%llx: not the thread's alternate stack 0x%llx-0x%llx",
		      (unsigned long long)usr1_sp, (unsigned long long)(uintptr_t)sg->alt,
		      (unsigned long long)(uintptr_t)sg->alt + ALT_SIZE);
		CHECK(usr1_tls == mix64(sg->seed ^ 0x746c73),
		      "__thread variable in the handler: expected 0x%016llx, found 0x%016llx",
		      (unsigned long long)mix64(sg->seed ^ 0x746c73), (unsigned long long)usr1_tls);
	}
	r = join(sg, NULL);
	CHECK(r == 0, "the signal thread did not end within %d s: %s", WAIT_S, strerror(r));
	end();

	/*
	 * The futex: once the waiter is in FUTEX_WAIT again, FUTEX_WAKE (the
	 * word unchanged) must find it there and wake it (it waits again, the
	 * word being 0); then the word is set and it is woken to end.
	 */
	begin("futex wake");
	for (int i = 0; i < WAIT_S * 100 && !wake_hits; i++) {
		long n = syscall(SYS_futex, &futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);

		wakes++;
		if (n > 0)
			wake_hits += n;
		else
			sleep_ms(10);
	}
	CHECK(wake_hits == 1, "FUTEX_WAKE woke %ld waiters in %ld calls over %d s, expected 1 (the futex thread in FUTEX_WAIT)",
	      wake_hits, wakes, WAIT_S);
	for (int i = 0; i < WAIT_S * 100 && wake_hits && !__atomic_load_n(&fx->h.woken, __ATOMIC_SEQ_CST); i++)
		sleep_ms(10);
	CHECK(fx->h.woken >= 1, "FUTEX_WAIT never returned 0 (woken) in the futex thread (last %lld)",
	      (long long)fx->h.last);
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);
	r = join(fx, NULL);
	CHECK(r == 0, "the futex thread did not end within %d s once its word was set: %s", WAIT_S,
	      strerror(r));
	end();

	/* join a thread that is still running: it ends while main waits */
	begin("pthread_join");
	__atomic_store_n(&jn->stop, 1, __ATOMIC_SEQ_CST);
	r = join(jn, &took);
	CHECK(r == 0, "the joined thread did not end within %d s: %s", WAIT_S, strerror(r));
	out("threads: pthread_join waited %.3f s\n", took);
	end();

	/* the others */
	begin("every thread ends");
	for (int i = 0; i < nworkers; i++) {
		struct thr *t = &workers[i];

		if (t == sg || t == fx || t == jn)
			continue;
		__atomic_store_n(&t->stop, 1, __ATOMIC_SEQ_CST);
		r = join(t, NULL);
		CHECK(r == 0, "%s did not end within %d s: %s", t->name, WAIT_S, strerror(r));
	}
	for (int i = 0; i < nworkers; i++) {
		struct thr *t = &workers[i];

		if (t->joined)
			CHECK(t->ret == (void *)(uintptr_t)(0x7e40 + i),
			      "%s returned %p, expected %p", t->name, t->ret, (void *)(uintptr_t)(0x7e40 + i));
	}
	end();

	if (selftest == 2)
		corrupt();
	check_registers(&main_thr);
	check_self(&main_thr);
	for (int i = 0; i < nworkers; i++) {
		if (!workers[i].joined)
			continue;	/* said above; what it found is not there */
		check_registers(&workers[i]);
		check_self(&workers[i]);
	}
	return finish();
}

static const struct cr_mode modes[] = {
	{ "threads", mode_threads },
};

int main(int argc, char **argv)
{
	return cr_main(argc, argv, modes, ARRAY_SIZE(modes),
		       "usage: cr-threads threads READYFILE [WORKERS]");
}
