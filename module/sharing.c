// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: what a process shares with processes outside it. An open file
 * description another process holds too (inherited across fork, passed
 * over a socket) shares its position and flags with it; a memory object
 * with no name (shared anonymous memory, a memfd, a deleted file) that
 * another process maps shares its pages. Restart can give the process only
 * its own copy: checkpoint refuses both, naming each.
 *
 * The process holds a file once per fd slot, once per mapping and once as
 * its mm's executable. This runs before any state is read: the module holds
 * no file yet and the target is stopped with an fd table and mm of its own,
 * so a count above that is someone else's (or a passing reader's, such as
 * /proc/PID/fdinfo, which a retry outlives).
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sort.h>

#include "compat.h"
#include "crmod.h"
#include "resolver.h"
#include "resource.h"

/* One reference the process holds: an fd (fd >= 0), or a mapping's. */
struct cr_hold {
	struct file *file;
	int fd;			/* -1: a mapping or the executable */
	bool shared_map;	/* a MAP_SHARED mapping */
};

static int cr_hold_cmp(const void *a, const void *b)
{
	const struct cr_hold *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->fd - y->fd;
}

/*
 * Shared state the image could not keep shared. Not devices, sockets (both
 * restored as fresh opens or refused by kind) or O_PATH fds (no position);
 * not stdio (0-2), which a process gets from whoever starts it and restart
 * hands over from crctl.
 */
static bool cr_hold_matters(const struct cr_hold *first, size_t n)
{
	struct file *file = first->file;
	umode_t mode = file_inode(file)->i_mode;
	size_t i;

	if (S_ISCHR(mode) || S_ISSOCK(mode) || (file->f_mode & FMODE_PATH))
		return false;
	for (i = 0; i < n; i++)
		if (first[i].fd > 2 ||
		    (first[i].shared_map && !file_inode(file)->i_nlink))
			return true;
	return false;
}

/* Another process holding the file: in an fd slot (fd >= 0) or a mapping. */
struct cr_holder {
	struct task_struct *task;
	int fd;
};

#define CR_HOLDERS_MAX 4

static int cr_fd_is(const void *file, struct file *f, unsigned int fd)
{
	return f == file ? fd + 1 : 0;
}

/*
 * Where t holds file: its fd + 1, -1 for a mapping only, 0 nowhere. Called
 * under RCU, so nothing here sleeps: an mm whose lock is taken right now
 * is not searched (the holder then goes unnamed).
 */
int cr_task_holds(struct task_struct *t, struct file *file)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	int where;

	task_lock(t);	/* keeps ->files and ->mm */
	where = iterate_fd(t->files, 0, cr_fd_is, file);
	mm = t->mm;
	if (!where && mm && mmap_read_trylock(mm)) {
		for (vma = find_vma(mm, 0); vma && !where;
		     vma = find_vma(mm, vma->vm_end))
			if (vma->vm_file == file)
				where = -1;
		mmap_read_unlock(mm);
	}
	task_unlock(t);
	return where;
}

static int cr_fd_count(const void *arg, struct file *f, unsigned int fd)
{
	struct { struct file *file; long n; } *c = (void *)arg;

	if (f == c->file)
		c->n++;
	return 0;
}

/*
 * The references t holds on file: fd slots and mappings. Under RCU, as
 * cr_task_holds: an mm whose lock is taken right now is not counted (the
 * file then looks shared with someone else, and is refused).
 */
static long cr_task_refs(struct task_struct *t, struct file *file)
{
	struct { struct file *file; long n; } c = { file, 0 };
	struct vm_area_struct *vma;
	struct mm_struct *mm;

	task_lock(t);
	iterate_fd(t->files, 0, cr_fd_count, &c);
	mm = t->mm;
	if (mm && mmap_read_trylock(mm)) {
		for (vma = find_vma(mm, 0); vma; vma = find_vma(mm, vma->vm_end))
			if (vma->vm_file == file)
				c.n++;
		mmap_read_unlock(mm);
	}
	task_unlock(t);
	return c.n;
}

/* Is t below the thread group of top (its child, grandchild, ...)? */
static bool cr_below(struct task_struct *t, struct task_struct *top)
{
	while (t->pid > 1) {
		t = rcu_dereference(t->real_parent);
		if (same_thread_group(t, top))
			return true;
	}
	return false;
}

/*
 * In a tree: the references on file of the process's parent (the child's
 * image then names the parent's open file) and of its descendants held by
 * the caller (their images name this one's). What they hold is kept
 * shared; anyone else's is not.
 */
static long cr_lineage_refs(struct cr_ckpt *ck, struct file *file)
{
	struct task_struct *t, *parent;
	long n = 0;

	if (!(ck->flags & CRMOD_CHECKPOINT_TREE))
		return 0;
	rcu_read_lock();
	parent = rcu_dereference(ck->task->real_parent);
	for_each_process(t) {
		if ((t->flags & PF_KTHREAD) || same_thread_group(t, ck->task))
			continue;
		if ((ck->has_process && same_thread_group(t, parent)) ||
		    (cr_held_by_caller(t) && cr_below(t, ck->task)))
			n += cr_task_refs(t, file);
	}
	rcu_read_unlock();
	return n;
}

/* Up to CR_HOLDERS_MAX other processes holding file, referenced: how many. */
static size_t cr_find_holders(struct cr_ckpt *ck, struct file *file,
			      struct cr_holder *holders)
{
	struct task_struct *t;
	size_t n = 0;
	int where;

	rcu_read_lock();
	for_each_process(t) {
		if (n == CR_HOLDERS_MAX)
			break;
		if ((t->flags & PF_KTHREAD) || same_thread_group(t, ck->task))
			continue;
		where = cr_task_holds(t, file);
		if (!where)
			continue;
		get_task_struct(t);
		holders[n++] = (struct cr_holder){ t, where > 0 ? where - 1 : -1 };
	}
	rcu_read_unlock();
	return n;
}

/*
 * Who else holds file, for the refusal: the first holder the caller may
 * inspect, by its pid in the caller's pid namespace; no more than that of
 * one the caller may not.
 */
static void cr_name_holder(struct cr_ckpt *ck, struct file *file, char *buf,
			   size_t len)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct cr_holder holders[CR_HOLDERS_MAX];
	size_t n = cr_find_holders(ck, file, holders), i;
	char comm[TASK_COMM_LEN];
	bool named = false;
	pid_t nr;

	snprintf(buf, len, "%s",
		 "no process's fd or mapping (a message in flight on a socket, or the kernel)");
	for (i = 0; i < n; i++) {
		struct task_struct *t = holders[i].task;

		nr = task_tgid_nr_ns(t, ns);
		if (named) {
			/* only the references are dropped */
		} else if (nr && crmod_sym_ptrace_may_access(t, PTRACE_MODE_READ_FSCREDS)) {
			get_task_comm(comm, t);
			if (holders[i].fd >= 0)
				snprintf(buf, len, "process %d (%s), as its fd %d",
					 nr, comm, holders[i].fd);
			else
				snprintf(buf, len, "process %d (%s), in a mapping",
					 nr, comm);
			named = true;
		} else {
			snprintf(buf, len, nr ? "a process you may not inspect" :
				 "a process outside your pid namespace");
		}
		put_task_struct(t);
	}
}

static int cr_refuse_shared(struct cr_ckpt *ck, const struct cr_hold *first,
			    size_t n)
{
	char *buf = cr_alloc(PATH_MAX), *path;
	int fd = first[n - 1].fd, ret;
	char holder[TASK_COMM_LEN + 64];

	if (!buf)
		return -ENOMEM;
	path = d_path(&first->file->f_path, buf, PATH_MAX);
	if (IS_ERR(path))
		path = "?";
	cr_name_holder(ck, first->file, holder, sizeof(holder));
	if (fd >= 0)
		ret = cr_refuse(ck->err, CRMOD_STATE_SHARED_TASK_STATE,
				"fd %d (%s) is an open file description held too by %s (%ld references, %zu of this process): restart cannot keep its position and flags shared",
				fd, path, holder, (long)file_count(first->file), n);
	else
		ret = cr_refuse(ck->err, CRMOD_STATE_SHARED_TASK_STATE,
				"the shared memory %s is held too by %s (%ld references, %zu of this process): restart cannot keep it shared",
				path, holder, (long)file_count(first->file), n);
	cr_free(buf);
	return ret;
}

/*
 * A file held by fds only, whose other references are all the tree's
 * parent's and descendants': restart shares it among them as it was.
 * Memory shared with them is not kept shared yet.
 */
static bool cr_shared_in_lineage(struct cr_ckpt *ck, const struct cr_hold *first,
				 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (first[i].fd < 0)
			return false;
	return (long)file_count(first->file) - (long)n ==
	       cr_lineage_refs(ck, first->file);
}

/* Every file reference of the process, into *holds; their number, or < 0. */
static long cr_collect_holds(struct cr_ckpt *ck, struct cr_hold **holds)
{
	struct mm_struct *mm = ck->mm;
	size_t n = 0, cap;
	struct vm_area_struct *vma;
	struct cr_hold *h;
	unsigned int fd;
	bool cloexec;
	struct file *exe;

	/* the fds: counted first, the table does not change while stopped */
	cap = 1;
	for (fd = 0;; fd++) {
		struct file *f = cr_compat_next_fd(ck->task, &fd, &cloexec);

		if (!f)
			break;
		fput(f);
		cap++;
	}
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	cap += mm->map_count;
	h = cr_alloc_array(cap, sizeof(*h));
	if (!h) {
		mmap_read_unlock(mm);
		return -ENOMEM;
	}
	for (vma = find_vma(mm, 0); vma && n < cap; vma = find_vma(mm, vma->vm_end))
		if (vma->vm_file)
			h[n++] = (struct cr_hold){ vma->vm_file, -1,
						   !!(vma->vm_flags & VM_MAYSHARE) };
	exe = cr_compat_mm_exe_file(mm);
	mmap_read_unlock(mm);
	if (exe) {
		/* a pointer only: the mm's own reference keeps it */
		if (n < cap)
			h[n++] = (struct cr_hold){ exe, -1, false };
		fput(exe);
	}
	for (fd = 0; n < cap; fd++) {
		struct file *f = cr_compat_next_fd(ck->task, &fd, &cloexec);

		if (!f)
			break;
		h[n++] = (struct cr_hold){ f, fd, false };
		fput(f);
	}
	*holds = h;
	return n;
}

int cr_check_unshared(struct cr_ckpt *ck)
{
	struct cr_hold *holds;
	long n = cr_collect_holds(ck, &holds);
	size_t i, j;
	int ret = 0;

	if (n < 0)
		return n;
	sort(holds, n, sizeof(*holds), cr_hold_cmp, NULL);
	for (i = 0; i < n && !ret; i = j) {
		for (j = i + 1; j < n && holds[j].file == holds[i].file; j++)
			;
		if ((size_t)file_count(holds[i].file) > j - i &&
		    cr_hold_matters(&holds[i], j - i) &&
		    !cr_shared_in_lineage(ck, &holds[i], j - i))
			ret = cr_refuse_shared(ck, &holds[i], j - i);
	}
	cr_free(holds);
	return ret;
}
