// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: ppc64 registers. Checkpoint reads them through the kernel's own
 * ptrace regsets (GPRs, FP, VMX, VSX). Restart writes them as the ucontext
 * of a signal frame and lets the kernel's rt_sigreturn load them, with the
 * blocked mask and the alternate signal stack; it marks the task so that
 * every register, r3 included, is restored on the way back to user mode.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/mman.h>
#include <linux/ptrace.h>
#include <linux/regset.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cputable.h>
#include <asm/ucontext.h>

#include "../../crmod.h"
#include "../../resource.h"
#include "../../resolver.h"

#define CR_TRAP_SC	0xc00	/* sc: errors as positive r3 with CR0.SO */
#define CR_TRAP_SCV	0x3000	/* scv: errors as negative r3 */
#define CR_CR0_SO	0x10000000UL

/* The image's VR area: VR0-31, VSCR, then VRSAVE in the first word. */
struct cr_ppc_vmx {
	u64 vr[32][2];
	u64 vscr[2];
	u32 vrsave;
	u32 pad[3];
};

static long cr_syscall(crmod_syscall_fn fn, unsigned long a, unsigned long b,
		       unsigned long c, unsigned long d, unsigned long e)
{
	struct pt_regs regs = {};

	regs.gpr[3] = a;
	regs.gpr[4] = b;
	regs.gpr[5] = c;
	regs.gpr[6] = d;
	regs.gpr[7] = e;
	return fn(&regs);
}

long cr_arch_mprotect(unsigned long start, size_t len, unsigned long prot)
{
	return cr_syscall(crmod_sym_sys_mprotect, start, len, prot, 0, 0);
}

long cr_arch_mremap(unsigned long old, unsigned long len, unsigned long new)
{
	return cr_syscall(crmod_sym_sys_mremap, old, len, len,
			  MREMAP_MAYMOVE | MREMAP_FIXED, new);
}

long cr_arch_madvise(unsigned long start, size_t len, int advice)
{
	return cr_syscall(crmod_sym_sys_madvise, start, len, advice, 0, 0);
}

long cr_arch_mlock2(unsigned long start, size_t len, int flags)
{
	return cr_syscall(crmod_sym_sys_mlock2, start, len, flags, 0, 0);
}

long cr_arch_mlockall(int flags)
{
	return cr_syscall(crmod_sym_sys_mlockall, flags, 0, 0, 0, 0);
}

/* Watchpoints a debugger set (DAWR/DABR): not restored, so refused. */
static bool cr_has_watchpoints(struct task_struct *t)
{
	int i;

	for (i = 0; i < HBP_NUM_MAX; i++) {
#ifdef CONFIG_HAVE_HW_BREAKPOINT
		if (t->thread.ptrace_bps[i])
			return true;
#endif
		if (t->thread.hw_brk[i].address)
			return true;
	}
	return false;
}

/* powerpc state of the process crmod does not restore: refused by name. */
int cr_arch_check_target(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;

	if (cr_has_watchpoints(t))
		return cr_refuse(ck->err, CRMOD_STATE_HW_WATCHPOINTS,
				 "the process has hardware watchpoints set by a debugger");
	if (t->thread.fpexc_mode || t->thread.align_ctl)
		return cr_refuse(ck->err, CRMOD_STATE_PRCTL_OTHER,
				 "the process set PR_SET_FPEXC or PR_SET_UNALIGN");
	return 0;
}

int cr_arch_check_vma(struct cr_ckpt *ck, struct vm_area_struct *vma)
{
	return 0;
}

u32 cr_arch_regs_section(void)
{
	return CRMOD_SEC_REGS_PPC;
}

static int cr_get(struct task_struct *t, unsigned int note, void *buf,
		  unsigned int size)
{
	const struct user_regset *rs = cr_find_regset(t, note);

	if (!rs || (rs->active && rs->active(t, rs) < 0))
		return -ENODEV;
	if (cr_fault("reading the registers"))
		return -CR_FAULT_ERRNO;
	return regset_get(t, rs, size, buf) == size ? 0 : -EIO;
}

/*
 * A task stopped inside an interrupted system call resumes, when no handler
 * runs, by restarting it (or with EINTR where the call cannot restart by
 * itself). The image records the registers it resumes with.
 */
static void cr_syscall_restart(struct crmod_ppc_regs *r)
{
	unsigned long trap = r->trap & ~0xfUL;
	long err;

	if (r->trap & 0x1)	/* no restart, as after sigreturn */
		return;
	if (trap == CR_TRAP_SC && (r->ccr & CR_CR0_SO))
		err = -(long)r->gpr[3];
	else if (trap == CR_TRAP_SCV)
		err = (long)r->gpr[3];
	else
		return;
	switch (err) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
		r->gpr[3] = r->orig_gpr3;
		r->nip -= 4;	/* the sc or scv instruction */
		break;
	case -ERESTART_RESTARTBLOCK:
		r->gpr[3] = trap == CR_TRAP_SC ? EINTR : -EINTR;
		break;
	}
}

int cr_arch_dump_regs(struct cr_ckpt *ck)
{
	struct crmod_ppc_regs *r;
	struct cr_ppc_vmx *vmx;
	int ret;

	BUILD_BUG_ON(offsetof(struct crmod_ppc_regs, fpr) !=
		     sizeof(struct user_pt_regs));
	r = cr_zalloc(sizeof(*r));
	vmx = cr_zalloc(sizeof(*vmx));
	if (!r || !vmx) {
		ret = -ENOMEM;
		goto out;
	}
	/* struct user_pt_regs is the start of crmod_ppc_regs, field by field. */
	ret = cr_get(ck->task, NT_PRSTATUS, r, sizeof(struct user_pt_regs));
	if (!ret)
		ret = cr_get(ck->task, NT_PRFPREG, r->fpr,
			     sizeof(r->fpr) + sizeof(r->fpscr));
	if (ret) {
		ret = cr_fail(ck->err, "cannot read the general or FP registers (%d)",
			      ret);
		goto out;
	}
	/* VMX and VSX only where the kernel has them (-ENODEV): never lost */
	ret = cr_get(ck->task, NT_PPC_VMX, vmx, 34 * 16);
	if (!ret) {
		memcpy(r->vr, vmx->vr, sizeof(r->vr));
		memcpy(r->vscr, vmx->vscr, sizeof(r->vscr));
		r->vrsave = vmx->vrsave;
		r->flags |= CRMOD_PPC_HAS_VMX;
	}
	if (ret && ret != -ENODEV) {
		ret = cr_fail(ck->err, "cannot read the VMX registers (%d)", ret);
		goto out;
	}
	ret = cr_get(ck->task, NT_PPC_VSX, r->vsx_low, sizeof(r->vsx_low));
	if (!ret)
		r->flags |= CRMOD_PPC_HAS_VSX;
	if (ret && ret != -ENODEV) {
		ret = cr_fail(ck->err, "cannot read the VSX registers (%d)", ret);
		goto out;
	}
	/* Saved in the thread when the stopped target was switched out. */
	if (cpu_has_feature(CPU_FTR_ARCH_207S)) {
		r->tar = ck->task->thread.tar;
		r->flags |= CRMOD_PPC_HAS_TAR;
	}
	if (cpu_has_feature(CPU_FTR_DSCR) && ck->task->thread.dscr_inherit) {
		r->dscr = ck->task->thread.dscr;
		r->flags |= CRMOD_PPC_HAS_DSCR;
	}
	r->ppr = ck->task->thread.regs->ppr;
	r->flags |= CRMOD_PPC_HAS_PPR;
	cr_syscall_restart(r);
	ret = cr_write_section(&ck->w, CRMOD_SEC_REGS_PPC, r, sizeof(*r));
out:
	cr_free(vmx);
	cr_free(r);
	return ret;
}

/*
 * AT_HWCAP bits no program depends on for correctness: they describe the
 * machine (SMT, cache snooping, the PMU's compatibility, an MMU), not
 * instructions.
 */
#define CR_PPC_HWCAP_ADVISORY	(PPC_FEATURE_SMT | PPC_FEATURE_ICACHE_SNOOP | \
				 PPC_FEATURE_PSERIES_PERFMON_COMPAT | \
				 PPC_FEATURE_HAS_MMU | PPC_FEATURE_UNIFIED_CACHE | \
				 PPC_FEATURE_NO_TB)

#define CRMOD_X86_CPUID(word, bit, name)
#define CRMOD_X86_XSTATE(bit, name)

static const struct {
	u32 mask;
	const char *name;
} cr_hwcap_names[] = {
#define CRMOD_PPC_HWCAP(mask, name) { mask, name },
#define CRMOD_PPC_HWCAP2(mask, name)
#include <linux/crmod_cpu.h>
#undef CRMOD_PPC_HWCAP
#undef CRMOD_PPC_HWCAP2
}, cr_hwcap2_names[] = {
#define CRMOD_PPC_HWCAP(mask, name)
#define CRMOD_PPC_HWCAP2(mask, name) { mask, name },
#include <linux/crmod_cpu.h>
#undef CRMOD_PPC_HWCAP
#undef CRMOD_PPC_HWCAP2
};

#undef CRMOD_X86_CPUID
#undef CRMOD_X86_XSTATE

/* Only the features of the table are checked; bits of no name are unused. */
static void cr_name_hwcap(struct cr_names *l, u64 hwcap, u64 hwcap2)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cr_hwcap_names); i++)
		if (hwcap & cr_hwcap_names[i].mask)
			cr_names_add(l, "%s", cr_hwcap_names[i].name);
	for (i = 0; i < ARRAY_SIZE(cr_hwcap2_names); i++)
		if (hwcap2 & cr_hwcap2_names[i].mask)
			cr_names_add(l, "%s", cr_hwcap2_names[i].name);
}

/*
 * What this CPU lacks of what the image needs: with a strict CPU policy,
 * every AT_HWCAP and AT_HWCAP2 feature the image's CPU had (glibc and
 * programs choose code by them once, at startup); always, what the
 * registers the image holds need.
 */
static int cr_check_cpu(struct cr_plan *p, const struct crmod_ppc_machine *me)
{
	const struct crmod_ppc_machine *img = &p->hdr.machine.ppc;
	const struct crmod_ppc_regs *r = p->regs;
	bool strict = !(p->flags & CRMOD_RESTART_CPU_FPU);
	struct cr_names lack = {};

	if (strict) {
		cr_name_hwcap(&lack, img->hwcap & ~me->hwcap &
			      ~(u64)CR_PPC_HWCAP_ADVISORY,
			      img->hwcap2 & ~me->hwcap2);
		if (lack.count)
			return cr_fail(p->err, "this CPU lacks what the image's CPU had: %s",
				       cr_names_text(&lack));
	}
	if ((r->flags & CRMOD_PPC_HAS_VMX) && !cpu_has_feature(CPU_FTR_ALTIVEC))
		cr_names_add(&lack, "altivec");
	if ((r->flags & CRMOD_PPC_HAS_VSX) && !cpu_has_feature(CPU_FTR_VSX))
		cr_names_add(&lack, "vsx");
	if ((r->flags & CRMOD_PPC_HAS_TAR) && !cpu_has_feature(CPU_FTR_ARCH_207S))
		cr_names_add(&lack, "tar (arch_2_07)");
	if ((r->flags & CRMOD_PPC_HAS_DSCR) && !cpu_has_feature(CPU_FTR_DSCR))
		cr_names_add(&lack, "dscr");
	if (lack.count)
		return cr_fail(p->err, "this CPU cannot load the image's registers: it lacks %s",
			       cr_names_text(&lack));
	return 0;
}

int cr_arch_check_regs(struct cr_plan *p)
{
	const struct crmod_ppc_regs *r = p->regs;
	struct crmod_machine me;
	int ret;

	if (!r)
		return cr_fail(p->err, "the image has no REGS_PPC section");
	if (p->regs_len != sizeof(*r))
		return cr_fail(p->err, "section REGS_PPC: length %u, expected %zu",
			       p->regs_len, sizeof(*r));
	if (r->flags & ~(u32)(CRMOD_PPC_HAS_VMX | CRMOD_PPC_HAS_VSX |
			      CRMOD_PPC_HAS_TAR | CRMOD_PPC_HAS_DSCR |
			      CRMOD_PPC_HAS_PPR))
		return cr_fail(p->err, "section REGS_PPC: unknown flags %#x",
			       r->flags);
	/* Debian's ppc64le kernels have no 32-bit compat, like crmod */
	if (!(r->msr & MSR_SF))
		return cr_fail(p->err,
			       "section REGS_PPC: a 32-bit process (MSR[SF] clear); crmod restarts 64-bit ones");
	crmod_describe_machine(&me);
	ret = cr_check_cpu(p, &me.ppc);
	if (ret)
		return ret;
	if (!(r->msr & MSR_LE))
		return cr_fail(p->err,
			       "section REGS_PPC: a big-endian process; crmod restarts little-endian ones");
	/* r1 is the process's business: rt_sigreturn takes any value */
	if (r->nip >= TASK_SIZE)
		return cr_fail(p->err, "section REGS_PPC: nip %#llx outside user space",
			       r->nip);
	return 0;
}

/* The SPRs rt_sigreturn leaves alone: into the thread and the CPU. */
static void cr_restore_sprs(const struct crmod_ppc_regs *r)
{
	preempt_disable();
	if (r->flags & CRMOD_PPC_HAS_TAR) {
		current->thread.tar = r->tar;
		mtspr(SPRN_TAR, r->tar);
	}
	if (r->flags & CRMOD_PPC_HAS_DSCR) {
		current->thread.dscr = r->dscr;
		current->thread.dscr_inherit = 1;
		mtspr(SPRN_DSCR, r->dscr);
	}
	preempt_enable();
	if (r->flags & CRMOD_PPC_HAS_PPR)
		current_pt_regs()->ppr = r->ppr;
}

/*
 * rt_sigreturn clears the user MSR's FP, VEC and VSX bits and then copies
 * the frame into the thread. A preemptible kernel can switch the task out
 * and back in between, and __switch_to's restore_math() then loads the
 * thread's earlier state into the CPU and sets the bits again: the next
 * switch out saves that over what was copied (the likely cause of a
 * thread's FPRs lost after a restart under sid's kernel, seen once).
 * Write the state again with preemption off: once the bits are clear, the
 * thread struct is what the task gets back.
 */
static void cr_restore_math_state(const struct crmod_ppc_regs *r)
{
	struct pt_regs *regs = current_pt_regs();
	struct thread_struct *th = &current->thread;
	int i;

	preempt_disable();
	regs_set_return_msr(regs, regs->msr & ~(MSR_FP | MSR_FE0 | MSR_FE1 |
						MSR_VEC | MSR_VSX));
	for (i = 0; i < 32; i++)
		th->TS_FPR(i) = r->fpr[i];
	th->fp_state.fpscr = r->fpscr;
#ifdef CONFIG_VSX
	for (i = 0; i < 32; i++)
		th->fp_state.fpr[i][TS_VSRLOWOFFSET] =
			r->flags & CRMOD_PPC_HAS_VSX ? r->vsx_low[i] : 0;
#endif
#ifdef CONFIG_ALTIVEC
	BUILD_BUG_ON(sizeof(th->vr_state.vr) != sizeof(r->vr) ||
		     sizeof(th->vr_state.vscr) != sizeof(r->vscr));
	if (r->flags & CRMOD_PPC_HAS_VMX) {
		memcpy(&th->vr_state.vr, r->vr, sizeof(r->vr));
		memcpy(&th->vr_state.vscr, r->vscr, sizeof(r->vscr));
	} else if (th->used_vr) {
		memset(&th->vr_state, 0, sizeof(th->vr_state));
	}
#endif
	preempt_enable();
}

int cr_arch_restore_regs(struct cr_plan *p, long *retval)
{
	const struct crmod_ppc_regs *r = p->regs;
	struct pt_regs *regs = current_pt_regs();
	unsigned long map, map_len, v_off, v_user;
	struct ucontext *uc;
	struct sigcontext *sc;
	u8 *v;
	int ret = 0;

	uc = cr_zalloc(sizeof(*uc));
	if (!uc)
		return -ENOMEM;
	map_len = PAGE_ALIGN(sizeof(*uc));
	map = cr_fault("mapping the register frame") ? -CR_FAULT_ERRNO :
	      vm_mmap(NULL, 0, map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(map)) {
		ret = cr_fail(p->err, "no room for the register frame (%ld)",
			      (long)map);
		goto out;
	}

	uc->uc_stack.ss_sp = (void __user *)(unsigned long)p->signals.altstack_sp;
	uc->uc_stack.ss_size = p->signals.altstack_size;
	uc->uc_stack.ss_flags = p->signals.altstack_flags & ~SS_ONSTACK;
	uc->uc_sigmask.sig[0] = p->signals.blocked &
				~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	sc = &uc->uc_mcontext;
	memcpy(sc->gp_regs, r->gpr, sizeof(r->gpr));
	sc->gp_regs[PT_NIP] = r->nip;
	sc->gp_regs[PT_MSR] = r->msr & MSR_LE;
	sc->gp_regs[PT_ORIG_R3] = r->orig_gpr3;
	sc->gp_regs[PT_CTR] = r->ctr;
	sc->gp_regs[PT_LNK] = r->link;
	sc->gp_regs[PT_XER] = r->xer;
	sc->gp_regs[PT_CCR] = r->ccr;
	sc->gp_regs[PT_DAR] = r->dar;
	sc->gp_regs[PT_DSISR] = r->dsisr;
	sc->gp_regs[PT_RESULT] = r->result;
	/* fpr[] then fpscr, as elf_fpregset_t lays them out. */
	memcpy(sc->fp_regs, r->fpr, sizeof(r->fpr) + sizeof(r->fpscr));

	/* The VR area is the first quadword boundary inside vmx_reserve. */
	v_off = offsetof(struct ucontext, uc_mcontext.vmx_reserve);
	v_user = ALIGN(map + v_off, 16);
	v = (u8 *)uc + (v_user - map);
	if (r->flags & CRMOD_PPC_HAS_VMX) {
		struct cr_ppc_vmx *vmx = (struct cr_ppc_vmx *)v;

		memcpy(vmx->vr, r->vr, sizeof(r->vr));
		memcpy(vmx->vscr, r->vscr, sizeof(r->vscr));
		vmx->vrsave = r->vrsave;
		sc->gp_regs[PT_MSR] |= MSR_VEC;
	}
	if (r->flags & CRMOD_PPC_HAS_VSX) {
		memcpy(v + ELF_NVRREG * 16, r->vsx_low, sizeof(r->vsx_low));
		sc->gp_regs[PT_MSR] |= MSR_VSX;
	}
	sc->v_regs = (void __user *)v_user;

	if (cr_fault("writing the register frame") ||
	    copy_to_user((void __user *)map, uc, sizeof(*uc))) {
		ret = cr_fail(p->err, "cannot write the register frame");
		goto unmap;
	}
	/* rt_sigreturn finds the ucontext at the stack pointer. */
	regs->gpr[1] = map;
	*retval = crmod_sym_sys_rt_sigreturn(regs);
	if (cr_fault("loading the registers (rt_sigreturn)") ||
	    sigismember(&current->pending.signal, SIGSEGV)) {
		ret = cr_fail(p->err, "the kernel refused the register state (rt_sigreturn)");
	} else {
		cr_restore_math_state(r);
		cr_restore_sprs(r);
	}
unmap:
	if (vm_munmap(map, map_len) && !ret)
		ret = cr_fail(p->err, "cannot unmap the register frame");
out:
	cr_free(uc);
	return ret;
}
