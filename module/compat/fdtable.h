/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: walking a task's fd table. task_lookup_next_fd_rcu() (5.13)
 * became task_lookup_next_fdget_rcu(), which takes a reference (6.7), then
 * fget_task_next() (6.13); close_on_exec() takes the files_struct from 6.10.
 */
#ifndef CRMOD_COMPAT_FDTABLE_H
#define CRMOD_COMPAT_FDTABLE_H

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/sched/task.h>

static inline bool cr_compat_close_on_exec(unsigned int fd,
					   struct files_struct *files)
{
#ifdef CR_HAVE_CLOSE_ON_EXEC_FILES
	return close_on_exec(fd, files);
#else
	return close_on_exec(fd, files_fdtable(files));
#endif
}

/* The open file at *fd or the next one above, referenced, or NULL. */
static inline struct file *cr_compat_next_fd(struct task_struct *t,
					     unsigned int *fd, bool *cloexec)
{
	struct files_struct *files;
	struct file *file;

#if defined(CR_HAVE_FGET_TASK_NEXT)
	file = fget_task_next(t, fd);
#elif defined(CR_HAVE_TASK_LOOKUP_NEXT_FDGET_RCU)
	rcu_read_lock();
	file = task_lookup_next_fdget_rcu(t, fd);
	rcu_read_unlock();
#else
	rcu_read_lock();
	file = task_lookup_next_fd_rcu(t, fd);
	if (file && !get_file_rcu(file))
		file = NULL;
	rcu_read_unlock();
#endif
	*cloexec = false;
	if (!file)
		return NULL;
	task_lock(t);
	files = t->files;
	if (files) {
		spin_lock(&files->file_lock);
		*cloexec = cr_compat_close_on_exec(*fd, files);
		spin_unlock(&files->file_lock);
	}
	task_unlock(t);
	return file;
}

#endif
