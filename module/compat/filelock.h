/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: file locks. 6.3 moved them to <linux/filelock.h>; 6.9 split
 * what every lock has into struct file_lock_core, and leases into struct
 * file_lease.
 */
#ifndef CRMOD_COMPAT_FILELOCK_H
#define CRMOD_COMPAT_FILELOCK_H

#include <linux/fs.h>
#ifdef CR_HAVE_FILELOCK_H
#include <linux/filelock.h>
#endif

static inline struct file_lock_context *cr_compat_lock_context(struct inode *inode)
{
	return locks_inode_context(inode);
}

#ifdef CR_HAVE_FILE_LOCK_CORE
#define cr_for_each_file_lock(fl, head) list_for_each_entry(fl, head, c.flc_list)
#define cr_fl_file(fl)		((fl)->c.flc_file)
#define cr_fl_type(fl)		((fl)->c.flc_type)
#define cr_fl_flags(fl)		((fl)->c.flc_flags)
#define cr_fl_owner(fl)		((fl)->c.flc_owner)
#else
#define cr_for_each_file_lock(fl, head) list_for_each_entry(fl, head, fl_list)
#define cr_fl_file(fl)		((fl)->fl_file)
#define cr_fl_type(fl)		((fl)->fl_type)
#define cr_fl_flags(fl)		((fl)->fl_flags)
#define cr_fl_owner(fl)		((fl)->fl_owner)
#endif

/* A lock request, after locks_init_lock(). */
static inline void cr_fl_set(struct file_lock *fl, struct file *file, u32 type,
			     pid_t pid, unsigned int flags, fl_owner_t owner)
{
	cr_fl_file(fl) = file;
	cr_fl_type(fl) = type;
	cr_fl_flags(fl) = flags;
	cr_fl_owner(fl) = owner;
#ifdef CR_HAVE_FILE_LOCK_CORE
	fl->c.flc_pid = pid;
#else
	fl->fl_pid = pid;
#endif
}

/* Does the open file hold a lease (F_SETLEASE)? */
static inline bool cr_compat_file_has_lease(struct file *file)
{
	struct file_lock_context *ctx = locks_inode_context(file_inode(file));
	bool found = false;
#ifdef CR_HAVE_FILE_LOCK_CORE
	struct file_lock_core *fl;

	if (!ctx)
		return false;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(fl, &ctx->flc_lease, flc_list)
		found |= fl->flc_file == file;
#else
	struct file_lock *fl;

	if (!ctx)
		return false;
	spin_lock(&ctx->flc_lock);
	list_for_each_entry(fl, &ctx->flc_lease, fl_list)
		found |= fl->fl_file == file;
#endif
	spin_unlock(&ctx->flc_lock);
	return found;
}

#endif
