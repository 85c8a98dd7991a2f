/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: struct file and its neighbours. The fown_struct became a
 * pointer, allocated on first use (6.12); get_file_rcu() takes the
 * __rcu pointer (6.7); notify_change() takes the mount's idmap (6.3);
 * a file system may offer mmap_prepare instead of mmap (6.16).
 */
#ifndef CRMOD_COMPAT_FILE_H
#define CRMOD_COMPAT_FILE_H

#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/mount.h>

/* Has someone set F_SETOWN on it (a SIGIO/SIGURG target)? */
static inline bool cr_compat_file_has_owner(struct file *file)
{
#ifdef CR_HAVE_FOWN_POINTER
	struct fown_struct *fown = READ_ONCE(file->f_owner);

	return fown && READ_ONCE(fown->pid);
#else
	return READ_ONCE(file->f_owner.pid);
#endif
}

/* Can the file be mapped at all (either hook, as do_mmap() accepts)? */
static inline bool cr_compat_file_can_mmap(const struct file *file)
{
#ifdef CR_HAVE_MMAP_PREPARE
	if (file->f_op->mmap_prepare)
		return true;
#endif
	return file->f_op->mmap;
}

/* mm->exe_file, referenced (get_mm_exe_file() is not exported). */
static inline struct file *cr_compat_mm_exe_file(struct mm_struct *mm)
{
	struct file *file;

#ifdef CR_HAVE_GET_FILE_RCU_PTR
	file = get_file_rcu(&mm->exe_file);
#else
	rcu_read_lock();
	file = rcu_dereference(mm->exe_file);
	if (file && !get_file_rcu(file))
		file = NULL;
	rcu_read_unlock();
#endif
	return file;
}

/* notify_change() on the file, under its inode lock. */
static inline int cr_compat_setattr(struct file *file, struct iattr *attr)
{
	struct dentry *dentry = file->f_path.dentry;
	int ret;

	inode_lock(d_inode(dentry));
#ifdef CR_HAVE_MNT_IDMAP
	ret = notify_change(file_mnt_idmap(file), dentry, attr, NULL);
#else
	ret = notify_change(file_mnt_user_ns(file), dentry, attr, NULL);
#endif
	inode_unlock(d_inode(dentry));
	return ret;
}

/* Unlink the name an open file was just created by (still in its directory). */
static inline int cr_compat_unlink_created(struct file *file)
{
	struct dentry *dentry = file->f_path.dentry;
	struct dentry *parent = dget_parent(dentry);
	struct inode *dir = d_inode(parent);
	int ret = -ESTALE;

	/*
	 * As unlink(2) holds the dentry it looked up: with the file's the only
	 * reference, d_delete() would make the open file's dentry negative.
	 */
	dget(dentry);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	if (dentry->d_parent == parent && !d_unlinked(dentry))
#ifdef CR_HAVE_MNT_IDMAP
		ret = vfs_unlink(file_mnt_idmap(file), dir, dentry, NULL);
#else
		ret = vfs_unlink(file_mnt_user_ns(file), dir, dentry, NULL);
#endif
	inode_unlock(dir);
	dput(dentry);
	dput(parent);
	return ret;
}

/* As execve() does, shut writers out of a file (and let them in again). */
static inline int cr_compat_deny_write_access(struct file *file)
{
	return deny_write_access(file);
}

static inline void cr_compat_allow_write_access(struct file *file)
{
	allow_write_access(file);
}

#endif
