/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: the task's rseq registration (glibc registers one for every
 * thread). 6.3 keeps the registered length (before, it was always 32
 * bytes); 6.12 moved rseq_set_notify_resume() to <linux/rseq.h>; 7.2 keeps
 * it all in struct rseq_data, with the ABI version its own registration
 * takes (2 for areas over 32 bytes), and rseq_force_update().
 */
#ifndef CRMOD_COMPAT_RSEQ_H
#define CRMOD_COMPAT_RSEQ_H

#include <linux/sched.h>
#ifdef CONFIG_RSEQ
#include <linux/uaccess.h>
#include <uapi/linux/rseq.h>
#endif
#ifdef CR_HAVE_LINUX_RSEQ_H
#include <linux/rseq.h>
#endif

static inline void crmod_compat_rseq_get(struct task_struct *t, u64 *addr,
					 u32 *len, u32 *sig)
{
	*addr = 0;
	*len = 0;
	*sig = 0;
#ifdef CONFIG_RSEQ
#ifdef CR_HAVE_RSEQ_DATA
	*addr = (unsigned long)t->rseq.usrptr;
	*len = t->rseq.len;
	*sig = t->rseq.sig;
#else
	*addr = (unsigned long)t->rseq;
	*sig = t->rseq_sig;
#ifdef CR_HAVE_RSEQ_LEN
	*len = t->rseq_len;
#else
	*len = t->rseq ? 32 : 0;
#endif
#endif
#endif
}

#ifdef CONFIG_RSEQ
/*
 * The ids in a restored area are the checkpointed CPU's: reset them as
 * rseq() registration does, to what the kernel's reset view of them says
 * (7.2 checks the two agree for ABI v2 areas, and kills a task whose do
 * not): before 7.2 cpu_id_start 0, since then uninitialized as cpu_id.
 */
static inline int crmod_compat_rseq_reset_ids(u64 addr)
{
	struct rseq __user *area = u64_to_user_ptr(addr);
#ifdef CR_HAVE_RSEQ_DATA
	u32 start = (u32)RSEQ_CPU_ID_UNINITIALIZED;
#else
	u32 start = 0;
#endif

	if (put_user(start, &area->cpu_id_start) ||
	    put_user((u32)RSEQ_CPU_ID_UNINITIALIZED, &area->cpu_id))
		return -EFAULT;
#ifdef CR_HAVE_RSEQ_LEN
	if (put_user(0U, &area->node_id) || put_user(0U, &area->mm_cid))
		return -EFAULT;
#endif
	return 0;
}
#endif

/* Only for current, past the point of no return; -EFAULT if addr is not. */
static inline int crmod_compat_rseq_set(u64 addr, u32 len, u32 sig)
{
#ifdef CONFIG_RSEQ
#ifdef CR_HAVE_RSEQ_DATA
	unsigned long flags;

	rseq_reset(current);
	if (!addr)
		return 0;
	if (crmod_compat_rseq_reset_ids(addr))
		return -EFAULT;
	local_irq_save(flags);
	current->rseq.usrptr = (struct rseq __user *)(unsigned long)addr;
	current->rseq.len = len;
	current->rseq.sig = sig;
	current->rseq.event.has_rseq = len > 32 ? 2 : 1;
	local_irq_restore(flags);
	rseq_force_update();
#else
	if (addr && crmod_compat_rseq_reset_ids(addr))
		return -EFAULT;
	current->rseq = (struct rseq __user *)(unsigned long)addr;
	current->rseq_sig = sig;
#ifdef CR_HAVE_RSEQ_LEN
	current->rseq_len = len;
#endif
	current->rseq_event_mask = 0;
	/* The kernel fills in cpu_id before the task next runs in user mode. */
	rseq_set_notify_resume(current);
#endif
#endif
	return 0;
}

#endif
