/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod: every difference between the kernel versions crmod builds against
 * lives here, so that the rest of the module reads as if for one kernel.
 */
#ifndef CRMOD_COMPAT_H
#define CRMOD_COMPAT_H

#include <linux/bvec.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/uio.h>
#include <linux/sched.h>
#include <linux/version.h>

/*
 * CAP_CHECKPOINT_RESTORE (5.9) lets a checkpoint/restart tool run without
 * the whole of CAP_SYS_ADMIN; older kernels only have the latter.
 */
static inline bool crmod_compat_capable(void)
{
#ifdef CAP_CHECKPOINT_RESTORE
	if (ns_capable_noaudit(&init_user_ns, CAP_CHECKPOINT_RESTORE))
		return true;
#endif
	return capable(CAP_SYS_ADMIN);
}

/* Read from file straight into user memory (import_ubuf() from 6.4). */
static inline ssize_t crmod_compat_read_user(struct file *file,
					     void __user *buf, size_t len,
					     loff_t *pos)
{
	struct iov_iter iter;
	int ret;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	ret = import_ubuf(ITER_DEST, buf, len, &iter);
#else
	struct iovec iov;

	ret = import_single_range(READ, buf, len, &iov, &iter);
#endif
	if (ret)
		return ret;
	return vfs_iter_read(file, &iter, pos, 0);
}

/* Write whole pages to a file in one call (ITER_SOURCE from 6.3). */
static inline ssize_t crmod_compat_write_pages(struct file *file,
					       struct bio_vec *bv,
					       unsigned long n, loff_t *pos)
{
	struct iov_iter iter;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	iov_iter_bvec(&iter, ITER_SOURCE, bv, n, n * PAGE_SIZE);
#else
	iov_iter_bvec(&iter, WRITE, bv, n, n * PAGE_SIZE);
#endif
	return vfs_iter_write(file, &iter, pos, 0);
}

/* Capability sets as one 64-bit mask (kernel_cap_t became a u64 in 6.3). */
static inline u64 crmod_compat_cap_get(kernel_cap_t cap)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return cap.val;
#else
	return cap.cap[0] | (u64)cap.cap[1] << 32;
#endif
}

static inline kernel_cap_t crmod_compat_cap_make(u64 mask)
{
	kernel_cap_t cap;

	mask &= GENMASK_ULL(CAP_LAST_CAP, 0);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	cap.val = mask;
#else
	cap.cap[0] = lower_32_bits(mask);
	cap.cap[1] = upper_32_bits(mask);
#endif
	return cap;
}

/*
 * The task's rseq registration (glibc registers one for every thread). The
 * registered length is kept from 6.3; before, it was always 32 bytes.
 */
static inline void crmod_compat_rseq_get(struct task_struct *t, u64 *addr,
					 u32 *len, u32 *sig)
{
	*addr = 0;
	*len = 0;
	*sig = 0;
#ifdef CONFIG_RSEQ
	*addr = (unsigned long)t->rseq;
	*sig = t->rseq_sig;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	*len = t->rseq_len;
#else
	*len = t->rseq ? 32 : 0;
#endif
#endif
}

/* Only for current, past the point of no return. */
static inline void crmod_compat_rseq_set(u64 addr, u32 len, u32 sig)
{
#ifdef CONFIG_RSEQ
	current->rseq = (struct rseq __user *)(unsigned long)addr;
	current->rseq_sig = sig;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	current->rseq_len = len;
#endif
	current->rseq_event_mask = 0;
	/* The kernel fills in cpu_id before the task next runs in user mode. */
	rseq_set_notify_resume(current);
#endif
}

#endif /* CRMOD_COMPAT_H */
