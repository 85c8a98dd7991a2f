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
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sort.h>

#include "compat.h"
#include "crmod.h"
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

static int cr_refuse_shared(struct cr_ckpt *ck, const struct cr_hold *first,
			    size_t n)
{
	char *buf = cr_alloc(PATH_MAX), *path;
	int fd = first[n - 1].fd, ret;

	if (!buf)
		return -ENOMEM;
	path = d_path(&first->file->f_path, buf, PATH_MAX);
	if (IS_ERR(path))
		path = "?";
	if (fd >= 0)
		ret = cr_refuse(ck->err, CRMOD_STATE_SHARED_TASK_STATE,
				"fd %d (%s) is an open file description another process holds too (%ld references, %zu of this process): restart cannot keep its position and flags shared",
				fd, path, (long)file_count(first->file), n);
	else
		ret = cr_refuse(ck->err, CRMOD_STATE_SHARED_TASK_STATE,
				"the shared memory %s is mapped by another process too (%ld references, %zu of this process): restart cannot keep it shared",
				path, (long)file_count(first->file), n);
	cr_free(buf);
	return ret;
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
		    cr_hold_matters(&holds[i], j - i))
			ret = cr_refuse_shared(ck, &holds[i], j - i);
	}
	cr_free(holds);
	return ret;
}
