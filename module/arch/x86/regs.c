// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: x86_64 registers. Checkpoint reads them through the kernel's own
 * ptrace regsets (general registers with fs/gs base, the XSAVE area in the
 * ptrace ABI format). Restart writes them as a signal frame and lets the
 * kernel's rt_sigreturn load them: it is the kernel's one path that loads a
 * whole user context into the running task, checks XSAVE data it is given,
 * and sets the blocked mask and alternate signal stack with it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/mman.h>
#include <linux/pkeys.h>
#include <linux/ptrace.h>
#include <linux/regset.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>
#include <linux/perf_event.h>
#include <asm/hw_breakpoint.h>
#include <asm/prctl.h>
#include <asm/segment.h>
#include <asm/sigframe.h>
#include <asm/user.h>

#include "../../compat/unaligned.h"
#include "../../crmod.h"
#include "../../resource.h"
#include "../../resolver.h"

#define CR_FXSAVE_SIZE		512
#define CR_XSAVE_HDR_SIZE	64
#define CR_XSAVE_MAX		(64 << 10)
/* XSTATE_BV, XCOMP_BV and reserved words of the XSAVE header. */
#define CR_XSTATE_BV_OFF	512
#define CR_XCOMP_BV_OFF		520
#define CR_X87_SSE		0x3ULL
#define CR_MXCSR_OFF		24

/*
 * CPUID bits no user code depends on for correctness: they describe the OS
 * or the hypervisor (OSXSAVE, hypervisor, OSPKE), or only say an
 * instruction every CPU has is fast (ERMS, FSRM: rep movsb).
 */
static const u32 cr_cpuid_advisory[CRMOD_CPUID_WORDS] = {
	[CRMOD_CPUID_1_ECX] = BIT(27) | BIT(31),
	[CRMOD_CPUID_7_0_EBX] = BIT(9),
	[CRMOD_CPUID_7_0_ECX] = BIT(4),
	[CRMOD_CPUID_7_0_EDX] = BIT(4),
};

#define CRMOD_PPC_HWCAP(mask, name)
#define CRMOD_PPC_HWCAP2(mask, name)

static const struct {
	u8 word, bit;
	const char *name;
} cr_cpuid_names[] = {
#define CRMOD_X86_CPUID(word, bit, name) { word, bit, name },
#define CRMOD_X86_XSTATE(bit, name)
#include <linux/crmod_cpu.h>
#undef CRMOD_X86_CPUID
#undef CRMOD_X86_XSTATE
};

static const struct {
	u8 bit;
	const char *name;
} cr_xstate_names[] = {
#define CRMOD_X86_CPUID(word, bit, name)
#define CRMOD_X86_XSTATE(bit, name) { bit, name },
#include <linux/crmod_cpu.h>
#undef CRMOD_X86_CPUID
#undef CRMOD_X86_XSTATE
};

static const char *cr_xstate_name(int bit)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cr_xstate_names); i++)
		if (cr_xstate_names[i].bit == bit)
			return cr_xstate_names[i].name;
	return "unknown";
}

#undef CRMOD_PPC_HWCAP
#undef CRMOD_PPC_HWCAP2

/* Only the features of the table are checked: those user code acts on. */
static void cr_name_cpuid_bits(struct cr_names *l, int word, u32 bits)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cr_cpuid_names); i++)
		if (cr_cpuid_names[i].word == word &&
		    (bits & BIT(cr_cpuid_names[i].bit)))
			cr_names_add(l, "%s", cr_cpuid_names[i].name);
}

static void cr_name_xstate(struct cr_names *l, u64 components)
{
	unsigned long set = components;
	int bit;

	for_each_set_bit(bit, &set, 64) {
		if (bit < CRMOD_XSTATE_COMPONENTS)
			cr_names_add(l, "%s state", cr_xstate_name(bit));
		else
			cr_names_add(l, "xstate component %d", bit);
	}
}

static long cr_syscall(long (*fn)(const struct pt_regs *), unsigned long a,
		       unsigned long b, unsigned long c, unsigned long d,
		       unsigned long e)
{
	struct pt_regs regs = {
		.di = a, .si = b, .dx = c, .r10 = d, .r8 = e,
	};

	return fn(&regs);
}

long cr_arch_mprotect(unsigned long start, size_t len, unsigned long prot)
{
	return cr_syscall(crmod_sym___x64_sys_mprotect, start, len, prot, 0, 0);
}

long cr_arch_mremap(unsigned long old, unsigned long len, unsigned long new)
{
	return cr_syscall(crmod_sym___x64_sys_mremap, old, len, len,
			  MREMAP_MAYMOVE | MREMAP_FIXED, new);
}

long cr_arch_madvise(unsigned long start, size_t len, int advice)
{
	return cr_syscall(crmod_sym___x64_sys_madvise, start, len, advice, 0, 0);
}

long cr_arch_mlock2(unsigned long start, size_t len, int flags)
{
	return cr_syscall(crmod_sym___x64_sys_mlock2, start, len, flags, 0, 0);
}

long cr_arch_mlockall(int flags)
{
	return cr_syscall(crmod_sym___x64_sys_mlockall, flags, 0, 0, 0, 0);
}

/* x86 state of the process crmod does not restore: refused by name. */
int cr_arch_check_target(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;

	/* restart loads 64-bit registers only (cr_arch_check_regs()) */
	if (!user_64bit_mode(task_pt_regs(t)) || test_tsk_thread_flag(t, TIF_ADDR32))
		return cr_refuse(ck->err, CRMOD_STATE_X86_32BIT,
				 "the process runs 32-bit code (cs %#x)",
				 (unsigned int)task_pt_regs(t)->cs);
#ifdef CONFIG_MODIFY_LDT_SYSCALL
	if (READ_ONCE(ck->mm->context.ldt))
		return cr_refuse(ck->err, CRMOD_STATE_X86_LDT,
				 "the process has a local descriptor table");
#endif
#ifdef CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS
	/* the map is set up only where the CPU and kernel have the keys */
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) &&
	    ck->mm->context.pkey_allocation_map != 1)
		return cr_refuse(ck->err, CRMOD_STATE_X86_PKEYS,
				 "the process allocated protection keys (map %#x)",
				 ck->mm->context.pkey_allocation_map);
#endif
	if (test_tsk_thread_flag(t, TIF_NOTSC) ||
	    test_tsk_thread_flag(t, TIF_NOCPUID))
		return cr_refuse(ck->err, CRMOD_STATE_PRCTL_OTHER,
				 "the process set PR_SET_TSC or ARCH_SET_CPUID");
#ifdef CONFIG_X86_USER_SHADOW_STACK
	if (t->thread.features)
		return cr_refuse(ck->err, CRMOD_STATE_PRCTL_OTHER,
				 "the process has a shadow stack");
#endif
	return 0;
}

int cr_arch_check_vma(struct cr_ckpt *ck, struct vm_area_struct *vma)
{
#ifdef CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS
	if (vma_pkey(vma))
		return cr_refuse(ck->err, CRMOD_STATE_X86_PKEYS,
				 "mapping %#lx-%#lx has protection key %d",
				 vma->vm_start, vma->vm_end, vma_pkey(vma));
#endif
	return 0;
}

u32 cr_arch_regs_section(void)
{
	return CRMOD_SEC_REGS_X86;
}

/*
 * A task stopped inside a system call that a signal interrupted resumes,
 * when no handler runs, by restarting it (or with -EINTR where the call
 * cannot restart by itself). The image records the registers it resumes
 * with, as the signal code would set them.
 */
static void cr_syscall_restart(struct crmod_x86_regs *r)
{
	if ((long)r->orig_ax < 0)
		return;
	switch ((long)r->ax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
		r->ax = r->orig_ax;
		r->ip -= 2;	/* the syscall instruction */
		break;
	case -ERESTART_RESTARTBLOCK:
		r->ax = -EINTR;
		break;
	}
	r->orig_ax = -1;
}

/* Hardware breakpoints a debugger set through ptrace (DR0-3, DR6, DR7). */
static void cr_dump_debugregs(struct task_struct *t, struct crmod_x86_regs *r)
{
	struct thread_struct *thread = &t->thread;
	int i;

	for (i = 0; i < HBP_NUM; i++) {
		struct perf_event *bp = thread->ptrace_bps[i];

		if (bp)
			r->debugreg[i] = bp->hw.info.address;
	}
	r->debugreg[6] = thread->virtual_dr6 ^ DR6_RESERVED;
	r->debugreg[7] = thread->ptrace_dr7;
}

/*
 * A breakpoint slot ptrace gives a perf event: one whose address was set (a
 * disabled one keeps its address) or that DR7 enables. Slots of neither are
 * left alone, as ptrace has them: DR7's bits for them are never checked.
 */
static bool cr_dr_in_use(const struct crmod_x86_regs *r, int i)
{
	return r->debugreg[i] || ((r->debugreg[7] >> (i * DR_ENABLE_SIZE)) & 3);
}

/*
 * What ptrace_write_dr7() refuses of a slot in use (arch_bp_generic_fields(),
 * hw_breakpoint_arch_parse()): an I/O breakpoint, an execution breakpoint
 * of a length other than 1, an address not aligned to the length.
 */
static int cr_check_debugregs(struct cr_plan *p)
{
	const struct crmod_x86_regs *r = p->regs;
	int i;

	for (i = 0; i < HBP_NUM; i++) {
		u32 ctl = (r->debugreg[7] >> (DR_CONTROL_SHIFT + i * DR_CONTROL_SIZE)) & 0xf;
		u32 rw = ctl & 3, len_bits = ctl & 0xc;
		u64 len = len_bits == DR_LEN_2 ? 2 : len_bits == DR_LEN_4 ? 4 :
			  len_bits == DR_LEN_8 ? 8 : 1;

		if (!cr_dr_in_use(r, i))
			continue;
		if (rw != DR_RW_EXECUTE && rw != DR_RW_WRITE && rw != DR_RW_READ)
			return cr_fail(p->err,
				       "section REGS_X86: DR7 %#llx makes breakpoint %d an I/O breakpoint",
				       r->debugreg[7], i);
		if (rw == DR_RW_EXECUTE && len != 1)
			return cr_fail(p->err,
				       "section REGS_X86: DR7 %#llx gives execution breakpoint %d a length of %llu bytes",
				       r->debugreg[7], i, len);
		if (r->debugreg[i] & (len - 1))
			return cr_fail(p->err,
				       "section REGS_X86: breakpoint %d at %#llx is not aligned to its %llu bytes",
				       i, r->debugreg[i], len);
	}
	return 0;
}

static int cr_restore_debugregs(struct cr_plan *p)
{
	const struct crmod_x86_regs *r = p->regs;
	static const int order[] = { 0, 1, 2, 3, 6, 7 };	/* DR7 enables */
	int i;

	if (!r->debugreg[7])
		return 0;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		int n = order[i];
		long ret;

		if (n < HBP_NUM && !cr_dr_in_use(r, n))
			continue;
		ret = crmod_sym_arch_ptrace(current, PTRACE_POKEUSR,
					    offsetof(struct user, u_debugreg[n]),
					    r->debugreg[n]);

		if (ret)
			return cr_fail(p->err, "setting debug register %d to %#llx: error %ld",
				       n, r->debugreg[n], ret);
	}
	return 0;
}

int cr_arch_dump_regs(struct cr_ckpt *ck)
{
	const struct user_regset *gp = cr_find_regset(ck->task, NT_PRSTATUS);
	const struct user_regset *fp = cr_find_regset(ck->task, NT_X86_XSTATE);
	struct user_regs_struct u;
	struct crmod_x86_regs *r;
	unsigned int fp_size;
	int got, ret;

	if (!gp || cr_fault("reading the registers") ||
	    regset_get(ck->task, gp, sizeof(u), &u) != sizeof(u))
		return cr_fail(ck->err, "cannot read the general registers");
	if (!fp || !boot_cpu_has(X86_FEATURE_XSAVE))
		fp = cr_find_regset(ck->task, NT_PRFPREG);
	if (!fp)
		return cr_fail(ck->err, "cannot find the FPU register set");
	fp_size = fp->n * fp->size;
	if (fp_size > CR_XSAVE_MAX)
		return cr_fail(ck->err, "FPU state of %u bytes", fp_size);

	r = cr_zalloc(sizeof(*r) + fp_size);
	if (!r)
		return -ENOMEM;
	got = regset_get(ck->task, fp, fp_size, r + 1);
	if (got != fp_size) {
		ret = cr_fail(ck->err, "cannot read the FPU registers (%d)", got);
		goto out;
	}
	r->r15 = u.r15; r->r14 = u.r14; r->r13 = u.r13; r->r12 = u.r12;
	r->bp = u.bp; r->bx = u.bx; r->r11 = u.r11; r->r10 = u.r10;
	r->r9 = u.r9; r->r8 = u.r8; r->ax = u.ax; r->cx = u.cx;
	r->dx = u.dx; r->si = u.si; r->di = u.di; r->orig_ax = u.orig_ax;
	r->ip = u.ip; r->cs = u.cs; r->flags = u.flags; r->sp = u.sp;
	r->ss = u.ss; r->fs_base = u.fs_base; r->gs_base = u.gs_base;
	r->fs = u.fs; r->gs = u.gs; r->ds = u.ds; r->es = u.es;
	r->xsave_size = fp_size;
	cr_dump_debugregs(ck->task, r);
	cr_syscall_restart(r);
	ret = cr_write_section(&ck->w, CRMOD_SEC_REGS_X86, r,
			       sizeof(*r) + fp_size);
out:
	cr_free(r);
	return ret;
}

static u64 cr_xstate_bv(const struct crmod_x86_regs *r)
{
	const u8 *xsave = (const u8 *)(r + 1);

	if (r->xsave_size < CR_FXSAVE_SIZE + CR_XSAVE_HDR_SIZE)
		return CR_X87_SSE;
	return get_unaligned_le64(xsave + CR_XSTATE_BV_OFF);
}

/*
 * Where component i of an XSAVE area in standard form lies on the image's
 * CPU. Images that predate the recorded layout had this CPU's offsets
 * implied: the standard form's offsets are the same on every CPU that has
 * the component.
 */
static void cr_image_xstate_place(const struct crmod_x86_machine *img,
				  const struct crmod_x86_machine *me, int i,
				  u32 *off, u32 *size)
{
	*off = img->xstate_offset[i] ? img->xstate_offset[i] :
	       me->xstate_offset[i];
	*size = img->xstate_size[i] ? img->xstate_size[i] : me->xstate_size[i];
}

#define CR_XSTATE_PKRU		9

/*
 * The XSAVE components restart loads: those the image's registers hold.
 * A component this CPU lacks can be left out when the image holds it in
 * its initial configuration, all zeros (Intel SDM vol. 1, 13.6; some CPUs
 * and emulators mark a component in use whatever it holds). With
 * --cpu-cap=fpu, so can a PKRU that leaves key 0 open: crmod checkpoints
 * no process that allocated keys (cr_arch_check_target()), so all its
 * memory has key 0, and without the feature every access is allowed as key
 * 0 allows it.
 */
static u64 cr_restorable_bv(struct cr_plan *p,
			    const struct crmod_x86_machine *me)
{
	const struct crmod_x86_machine *img = &p->hdr.machine.x86;
	const struct crmod_x86_regs *r = p->regs;
	const u8 *xsave = (const u8 *)(r + 1);
	u64 bv = cr_xstate_bv(r);
	u32 off, size;
	int i;

	for (i = 2; i < CRMOD_XSTATE_COMPONENTS; i++) {
		if (!(bv & BIT_ULL(i)) || (me->xcr0 & BIT_ULL(i)))
			continue;
		/* only where the image says where the component is */
		off = img->xstate_offset[i];
		size = img->xstate_size[i];
		if (!size || off < CR_FXSAVE_SIZE + CR_XSAVE_HDR_SIZE ||
		    off > r->xsave_size || size > r->xsave_size - off)
			continue;
		if (!memchr_inv(xsave + off, 0, size))
			bv &= ~BIT_ULL(i);
		else if (i == CR_XSTATE_PKRU && size >= 4 &&
			 (p->flags & CRMOD_RESTART_CPU_FPU) &&
			 !(get_unaligned_le32(xsave + off) & 3))
			bv &= ~BIT_ULL(i);
	}
	return bv;
}

/*
 * What this CPU lacks of what the image needs: with a strict CPU policy,
 * every user-visible feature and XSAVE component the image's CPU had, for
 * glibc and many programs choose their code by CPUID once, at startup;
 * always, the XSAVE components the registers hold.
 */
static int cr_check_cpu(struct cr_plan *p, const struct crmod_x86_machine *me,
			u64 bv)
{
	const struct crmod_x86_machine *img = &p->hdr.machine.x86;
	u32 area = ((const struct crmod_x86_regs *)p->regs)->xsave_size;
	bool strict = !(p->flags & CRMOD_RESTART_CPU_FPU);
	struct cr_names lack = {};
	u64 need = bv & ~CR_X87_SSE;
	u32 off, size;
	int i;

	if (strict) {
		for (i = 0; i < CRMOD_CPUID_WORDS; i++)
			cr_name_cpuid_bits(&lack, i, img->cpuid[i] &
					   ~me->cpuid[i] &
					   ~cr_cpuid_advisory[i]);
		need |= img->xcr0 & ~CR_X87_SSE;
	}
	cr_name_xstate(&lack, need & ~me->xcr0);
	if (lack.count && strict)
		return cr_fail(p->err, "this CPU lacks what the image's CPU had: %s",
			       cr_names_text(&lack));
	if (lack.count)
		return cr_fail(p->err, "this CPU cannot load the image's registers: it lacks %s",
			       cr_names_text(&lack));
	for (i = 2; i < CRMOD_XSTATE_COMPONENTS; i++) {
		if (!(bv & BIT_ULL(i)))
			continue;
		cr_image_xstate_place(img, me, i, &off, &size);
		if (size != me->xstate_size[i])
			return cr_fail(p->err,
				       "the image's %s state is %u bytes, this CPU's %u",
				       cr_xstate_name(i), size,
				       me->xstate_size[i]);
		if (off < CR_FXSAVE_SIZE + CR_XSAVE_HDR_SIZE ||
		    off > area || size > area - off)
			return cr_fail(p->err,
				       "section REGS_X86: %s state at bytes %u-%u, outside the XSAVE area",
				       cr_xstate_name(i), off, off + size);
	}
	return 0;
}

/*
 * A PKRU that denies access to protection key 0, which all of the
 * process's memory has (crmod checkpoints no process that allocated keys):
 * rt_sigreturn loads it before it reads the rest of its frame, and could
 * not finish loading the registers.
 */
static int cr_check_pkru(struct cr_plan *p, const struct crmod_x86_machine *me)
{
	const struct crmod_x86_regs *r = p->regs;
	const u8 *xsave = (const u8 *)(r + 1);
	u32 off, size, pkru;

	if (!(cr_restorable_bv(p, me) & BIT_ULL(CR_XSTATE_PKRU)))
		return 0;
	/* cr_check_cpu() made sure it lies inside the XSAVE area */
	cr_image_xstate_place(&p->hdr.machine.x86, me, CR_XSTATE_PKRU, &off, &size);
	if (size < sizeof(pkru))
		return 0;
	pkru = get_unaligned_le32(xsave + off);
	if (!(pkru & 1))
		return 0;
	return cr_fail(p->err,
		       "section REGS_X86: PKRU %#x denies access to protection key 0, which all of the process's memory has",
		       pkru);
}

int cr_arch_check_regs(struct cr_plan *p)
{
	const struct crmod_x86_regs *r = p->regs;
	struct crmod_machine me;
	const u8 *xsave;
	u64 bv;
	int i, ret;

	if (!r)
		return cr_fail(p->err, "the image has no REGS_X86 section");
	if (p->regs_len < sizeof(*r))
		return cr_fail(p->err, "section REGS_X86: %u bytes, less than its %zu-byte record",
			       p->regs_len, sizeof(*r));
	if (r->reserved)
		return cr_fail(p->err, "section REGS_X86: reserved field is %#x, expected 0",
			       r->reserved);
	crmod_describe_machine(&me);
	if (r->xsave_size != p->regs_len - sizeof(*r) ||
	    (r->xsave_size != CR_FXSAVE_SIZE &&
	     r->xsave_size < CR_FXSAVE_SIZE + CR_XSAVE_HDR_SIZE))
		return cr_fail(p->err,
			       "section REGS_X86: XSAVE area of %u bytes in a section of %u",
			       r->xsave_size, p->regs_len);
	xsave = (const u8 *)(r + 1);
	bv = cr_xstate_bv(r);
	if (bv >> CRMOD_XSTATE_COMPONENTS)
		return cr_fail(p->err, "section REGS_X86: XSTATE_BV %#llx has unknown components",
			       bv);
	ret = cr_check_cpu(p, &me.x86, cr_restorable_bv(p, &me.x86));
	if (!ret)
		ret = cr_check_pkru(p, &me.x86);
	if (ret)
		return ret;
	if (r->xsave_size > CR_FXSAVE_SIZE &&
	    memchr_inv(xsave + CR_XCOMP_BV_OFF, 0,
		       CR_XSAVE_HDR_SIZE - (CR_XCOMP_BV_OFF - CR_XSTATE_BV_OFF)))
		return cr_fail(p->err,
			       "section REGS_X86: the XSAVE header is not in standard form");
	if (get_unaligned_le32(xsave + CR_MXCSR_OFF) & 0xffff0000)
		return cr_fail(p->err, "section REGS_X86: MXCSR %#x has reserved bits set",
			       get_unaligned_le32(xsave + CR_MXCSR_OFF));
	if (r->cs != __USER_CS || r->ss != __USER_DS)
		return cr_fail(p->err,
			       "section REGS_X86: segments cs %#llx ss %#llx: only 64-bit processes can restart",
			       r->cs, r->ss);
	if (r->ip >= TASK_SIZE_MAX || r->sp >= TASK_SIZE_MAX ||
	    r->fs_base >= TASK_SIZE_MAX || r->gs_base >= TASK_SIZE_MAX)
		return cr_fail(p->err,
			       "section REGS_X86: ip, sp, fs_base or gs_base outside user space");
	for (i = 0; i < HBP_NUM; i++) {
		if (r->debugreg[i] >= TASK_SIZE_MAX)
			return cr_fail(p->err,
				       "section REGS_X86: debug register %d holds %#llx, outside user space",
				       i, r->debugreg[i]);
	}
	return r->debugreg[7] ? cr_check_debugregs(p) : 0;
}

/*
 * The XSAVE area as this CPU's rt_sigreturn expects it: the legacy area and
 * header as they are, each component in use moved to where this CPU keeps
 * it, the others left zero (their initial state, as XSTATE_BV says).
 */
static void cr_fill_fpstate(struct cr_plan *p, const struct crmod_x86_machine *me,
			    u8 *buf, u32 size)
{
	const struct crmod_x86_regs *r = p->regs;
	const u8 *xsave = (const u8 *)(r + 1);
	struct _fpx_sw_bytes *sw;
	u32 off, len;
	u64 bv;
	int i;

	memcpy(buf, xsave, CR_FXSAVE_SIZE);
	sw = (struct _fpx_sw_bytes *)(buf + offsetof(struct fxregs_state,
						     sw_reserved));
	memset(sw, 0, sizeof(*sw));
	if (size == CR_FXSAVE_SIZE)
		return;		/* a legacy FXSAVE frame */
	bv = cr_restorable_bv(p, me);
	put_unaligned_le64(bv, buf + CR_XSTATE_BV_OFF);
	for (i = 2; i < CRMOD_XSTATE_COMPONENTS; i++) {
		if (!(bv & BIT_ULL(i)))
			continue;
		/* cr_check_cpu() made sure both places exist and agree */
		cr_image_xstate_place(&p->hdr.machine.x86, me, i, &off, &len);
		memcpy(buf + me->xstate_offset[i], xsave + off, len);
	}
	sw->magic1 = FP_XSTATE_MAGIC1;
	sw->extended_size = size + FP_XSTATE_MAGIC2_SIZE;
	sw->xfeatures = me->xcr0;
	sw->xstate_size = size;
	put_unaligned(FP_XSTATE_MAGIC2, (u32 *)(buf + size));
}

static int cr_set_base(struct cr_plan *p, int code, u64 base, const char *what)
{
	long ret = cr_fault("setting fs/gs base") ? -CR_FAULT_ERRNO :
		   cr_syscall(crmod_sym___x64_sys_arch_prctl, code, base, 0, 0, 0);

	if (ret)
		return cr_fail(p->err, "setting %s to %#llx: error %ld", what,
			       base, ret);
	return 0;
}

/*
 * The ioctl system call keeps its return value in an int (fs/ioctl.c), so
 * the system call exit path stores rax sign-extended from 32 bits over the
 * rax that rt_sigreturn loaded. A task work queued with TWA_SIGNAL runs
 * after that store and before the task returns to user mode, first thing in
 * get_signal(), so also before any signal frame is built from the
 * registers: it puts the image's rax back whole.
 */
struct cr_rax_fixup {
	struct callback_head work;
	u64 ax;
};

static void cr_rax_fixup_run(struct callback_head *work)
{
	struct cr_rax_fixup *fix = container_of(work, struct cr_rax_fixup, work);

	current_pt_regs()->ax = fix->ax;
	cr_free(fix);
}

static int cr_queue_rax_fixup(struct cr_plan *p, struct cr_rax_fixup *fix)
{
	int ret;

	fix->ax = ((const struct crmod_x86_regs *)p->regs)->ax;
	init_task_work(&fix->work, cr_rax_fixup_run);
	ret = cr_fault("queueing the restore of rax") ? -CR_FAULT_ERRNO :
	      task_work_add(current, &fix->work, TWA_SIGNAL);
	if (ret)
		return cr_fail(p->err, "cannot queue the restore of rax (%d)", ret);
	return 0;
}

int cr_arch_restore_regs(struct cr_plan *p, long *retval)
{
	const struct crmod_x86_regs *r = p->regs;
	struct pt_regs *regs = current_pt_regs();
	struct crmod_machine me;
	struct cr_rax_fixup *fix = NULL;
	struct rt_sigframe *kf;
	unsigned long map, map_len, fp_addr, frame;
	u32 fp_size;
	u8 *fp;
	int ret;

	crmod_describe_machine(&me);
	fp_size = me.x86.xcr0 ? max_t(u32, me.x86.xsave_size,
				      CR_FXSAVE_SIZE + CR_XSAVE_HDR_SIZE) :
		  CR_FXSAVE_SIZE;
	ret = cr_set_base(p, ARCH_SET_FS, r->fs_base, "fs_base");
	if (!ret)
		ret = cr_set_base(p, ARCH_SET_GS, r->gs_base, "gs_base");
	if (!ret)
		ret = cr_restore_debugregs(p);
	if (ret)
		return ret;

	kf = cr_zalloc(sizeof(*kf));
	fp = cr_zalloc(fp_size + FP_XSTATE_MAGIC2_SIZE);
	fix = cr_zalloc(sizeof(*fix));
	if (!kf || !fp || !fix) {
		ret = -ENOMEM;
		goto out;
	}
	cr_fill_fpstate(p, &me.x86, fp, fp_size);

	/* A scratch mapping holds the frame: the image's memory is final. */
	map_len = PAGE_ALIGN(fp_size + FP_XSTATE_MAGIC2_SIZE + 64 +
			     sizeof(*kf) + 64);
	map = cr_fault("mapping the register frame") ? -CR_FAULT_ERRNO :
	      vm_mmap(NULL, 0, map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(map)) {
		ret = cr_fail(p->err, "no room for the register frame (%ld)",
			      (long)map);
		goto out;
	}
	fp_addr = map;		/* page-aligned, as XRSTOR needs 64 */
	frame = ALIGN(fp_addr + fp_size + FP_XSTATE_MAGIC2_SIZE, 64);

	kf->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			  (fp_size > CR_FXSAVE_SIZE ? UC_FP_XSTATE : 0);
	kf->uc.uc_stack.ss_sp = (void __user *)(unsigned long)p->signals.altstack_sp;
	kf->uc.uc_stack.ss_size = p->signals.altstack_size;
	kf->uc.uc_stack.ss_flags = p->signals.altstack_flags & ~SS_ONSTACK;
	kf->uc.uc_mcontext.r8 = r->r8;
	kf->uc.uc_mcontext.r9 = r->r9;
	kf->uc.uc_mcontext.r10 = r->r10;
	kf->uc.uc_mcontext.r11 = r->r11;
	kf->uc.uc_mcontext.r12 = r->r12;
	kf->uc.uc_mcontext.r13 = r->r13;
	kf->uc.uc_mcontext.r14 = r->r14;
	kf->uc.uc_mcontext.r15 = r->r15;
	kf->uc.uc_mcontext.di = r->di;
	kf->uc.uc_mcontext.si = r->si;
	kf->uc.uc_mcontext.bp = r->bp;
	kf->uc.uc_mcontext.bx = r->bx;
	kf->uc.uc_mcontext.dx = r->dx;
	kf->uc.uc_mcontext.ax = r->ax;
	kf->uc.uc_mcontext.cx = r->cx;
	kf->uc.uc_mcontext.sp = r->sp;
	kf->uc.uc_mcontext.ip = r->ip;
	kf->uc.uc_mcontext.flags = r->flags;
	kf->uc.uc_mcontext.cs = __USER_CS;
	kf->uc.uc_mcontext.ss = __USER_DS;
	kf->uc.uc_mcontext.fpstate = fp_addr;
	kf->uc.uc_sigmask.sig[0] = p->signals.blocked &
				   ~(sigmask(SIGKILL) | sigmask(SIGSTOP));

	if (cr_fault("writing the register frame") ||
	    copy_to_user((void __user *)fp_addr, fp,
			 fp_size + FP_XSTATE_MAGIC2_SIZE) ||
	    copy_to_user((void __user *)frame, kf, sizeof(*kf))) {
		ret = cr_fail(p->err, "cannot write the register frame");
		goto unmap;
	}

	/* rt_sigreturn finds its frame one word below the stack pointer. */
	regs->sp = frame + sizeof(long);
	*retval = crmod_sym___x64_sys_rt_sigreturn(regs);
	if (cr_fault("loading the registers (rt_sigreturn)") ||
	    sigismember(&current->pending.signal, SIGSEGV))
		ret = cr_fail(p->err, "the kernel refused the register state (rt_sigreturn)");
	else
		ret = cr_queue_rax_fixup(p, fix);
	if (!ret)
		fix = NULL;	/* the task work frees it */
unmap:
	if (vm_munmap(map, map_len) && !ret)
		ret = cr_fail(p->err, "cannot unmap the register frame");
out:
	cr_free(fix);
	cr_free(kf);
	cr_free(fp);
	return ret;
}
