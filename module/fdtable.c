// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the fd table and the open file descriptions behind it. fds dup()ed
 * from one open share it: one position, one set of flags; restart opens each
 * open file description once and installs it at every fd that had it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stat.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"
#include "resolver.h"

/* An image holds at most this many fds and open files: beyond is corruption. */
#define CR_MAX_FDS	65536

/* Open flags an open file description keeps across checkpoint and restart. */
#define CR_OFD_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_NOATIME | __O_SYNC | O_LARGEFILE | \
			 O_PATH | O_DIRECTORY | O_NOFOLLOW)
/* What restart may set on an open file it takes from its own caller. */
#define CR_INHERIT_SETFL	(O_APPEND | O_NONBLOCK)

/*
 * A terminal (of whatever driver: tty, pty, console, hvc) on fds 0-2:
 * restart hands over its own. Memory devices are found again by path.
 */
static bool cr_is_terminal(struct inode *inode)
{
	return S_ISCHR(inode->i_mode) && imajor(inode) != MEM_MAJOR;
}

static struct cr_ofd_ref *cr_ofd_find(struct cr_ckpt *ck, struct file *file)
{
	u32 i;

	for (i = 0; i < ck->nr_ofds; i++)
		if (ck->ofds[i].file == file)
			return &ck->ofds[i];
	return NULL;
}

/* What the open file is, as an open file description of the image. */
static int cr_ofd_describe(struct cr_ckpt *ck, unsigned int fd,
			   struct file *file, struct crmod_ofd *rec)
{
	struct inode *inode = file_inode(file);
	char what[32];
	u32 kind;
	int ret;

	snprintf(what, sizeof(what), "fd %u", fd);
	rec->flags = file->f_flags & CR_OFD_FLAGS;
	rec->pos = file->f_pos;
	/* a lease sets the file's owner too: name the lease */
	if (cr_compat_file_has_lease(file))
		return cr_refuse(ck->err, CRMOD_STATE_FILE_LEASES,
				 "fd %u holds a lease", fd);
	if (file->f_flags & FASYNC || cr_compat_file_has_owner(file))
		return cr_refuse(ck->err, CRMOD_STATE_ASYNC_IO_SIGNALS,
				 "fd %u has a signal owner or O_ASYNC", fd);
	if (!(file->f_mode & FMODE_PATH)) {
		if (cr_is_pipe(file)) {
			rec->kind = CRMOD_OFD_PIPE;
			rec->pos = 0;
			return cr_pipe_register(ck, file, false, &rec->object);
		}
		if (fd <= 2 && (cr_is_terminal(inode) || S_ISSOCK(inode->i_mode))) {
			rec->kind = CRMOD_OFD_INHERIT;
			rec->object = fd;
			rec->pos = 0;
			return 0;
		}
	}
	ret = cr_file_classify(ck, file, what, &kind);
	if (ret)
		return ret;
	if (kind == CRMOD_STATE_FIFO && !(file->f_mode & FMODE_PATH)) {
		rec->kind = CRMOD_OFD_PIPE;
		rec->pos = 0;
		return cr_pipe_register(ck, file, true, &rec->object);
	}
	rec->kind = CRMOD_OFD_FILE;
	return cr_file_register(ck, file, kind, &rec->object);
}

static int cr_dump_fd(struct cr_ckpt *ck, unsigned int fd, struct file *file,
		      bool cloexec)
{
	struct cr_ofd_ref *ofd = cr_ofd_find(ck, file);
	struct crmod_fd *rec;
	int ret;

	ret = cr_plan_grow((void **)&ck->fds, ck->nr_fds, &ck->cap_fds,
			   sizeof(*ck->fds), CR_MAX_FDS);
	if (ret == -E2BIG)
		return cr_fail(ck->err, "more than %d open fds", CR_MAX_FDS);
	if (ret)
		return ret;
	if (!ofd) {
		ret = cr_plan_grow((void **)&ck->ofds, ck->nr_ofds,
				   &ck->cap_ofds, sizeof(*ck->ofds), CR_MAX_FDS);
		if (ret)
			return ret;
		ofd = &ck->ofds[ck->nr_ofds];
		memset(ofd, 0, sizeof(*ofd));
		ofd->rec.id = ck->nr_ofds + 1;
		/* the one the parent has too (after fork): shared again */
		ret = cr_tree_parent_fd(ck, file);
		if (ret >= 0) {
			ofd->rec.kind = CRMOD_OFD_PARENT;
			ofd->rec.object = ret;
			ofd->rec.flags = file->f_flags & CR_OFD_FLAGS;
			ret = 0;
		} else {
			ret = cr_ofd_describe(ck, fd, file, &ofd->rec);
		}
		if (ret)
			return ret;
		ofd->file = cr_file_get(file);
		ck->nr_ofds++;
	}
	rec = &ck->fds[ck->nr_fds++];
	memset(rec, 0, sizeof(*rec));
	rec->fd = fd;
	rec->ofd = ofd->rec.id;
	rec->fd_flags = cloexec ? CRMOD_FD_CLOEXEC : 0;
	return 0;
}

int cr_dump_fds(struct cr_ckpt *ck)
{
	unsigned int fd;
	int ret = 0;

	for (fd = 0;; fd++) {
		bool cloexec;
		struct file *file = cr_file_acquired(cr_compat_next_fd(ck->task, &fd,
								   &cloexec));

		if (!file)
			break;
		ret = cr_dump_fd(ck, fd, file, cloexec);
		cr_fput(file);
		if (ret)
			return ret;
	}
	return cr_pipes_resolve(ck);
}

int cr_write_fds(struct cr_ckpt *ck)
{
	struct crmod_ofd *recs;
	u32 i;
	int ret;

	recs = cr_alloc_array(ck->nr_ofds ?: 1, sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	for (i = 0; i < ck->nr_ofds; i++)
		recs[i] = ck->ofds[i].rec;
	ret = cr_write_section(&ck->w, CRMOD_SEC_OFDS, recs,
			       ck->nr_ofds * sizeof(*recs));
	cr_free(recs);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_FDS, ck->fds,
				       ck->nr_fds * sizeof(*ck->fds));
	return ret;
}

void cr_ofds_release(struct cr_ofd_ref *ofds, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (ofds[i].file)
			cr_fput(ofds[i].file);
	cr_free(ofds);
}

/* Restart. */

static int cr_check_ofd(struct cr_plan *p, u64 i, const struct crmod_ofd *o)
{
	u32 acc = o->flags & O_ACCMODE;
	const struct cr_file_ref *ref;

	if (o->id != i + 1)
		return cr_plan_fail(p, "open file %llu has id %u", i, o->id);
	if (o->flags & ~CR_OFD_FLAGS)
		return cr_plan_fail(p, "open file %u: unknown flags %#x", o->id,
				    o->flags & ~CR_OFD_FLAGS);
	if (acc == O_ACCMODE || ((o->flags & O_PATH) && acc != O_RDONLY))
		return cr_plan_fail(p, "open file %u: access mode %#o", o->id, acc);
	if (o->pos < 0)
		return cr_plan_fail(p, "open file %u: negative position %lld",
				    o->id, o->pos);
	switch (o->kind) {
	case CRMOD_OFD_FILE:
		ref = cr_plan_file(p, o->object);
		if (!ref)
			return cr_plan_fail(p, "open file %u: no file %u", o->id,
					    o->object);
		if (ref->rec.kind == CRMOD_STATE_FIFO && !(o->flags & O_PATH))
			return cr_plan_fail(p, "open file %u: a FIFO opened as a file",
					    o->id);
		if (ref->rec.kind == CRMOD_STATE_KERNEL_VIEW_FILE &&
		    acc != O_RDONLY)
			return cr_plan_fail(p, "open file %u: a /proc or /sys file to write",
					    o->id);
		if (ref->rec.kind == CRMOD_STATE_SYMLINK && !(o->flags & O_PATH))
			return cr_plan_fail(p,
					    "open file %u: a symbolic link opened without O_PATH",
					    o->id);
		if (ref->rec.kind == CRMOD_STATE_DIRECTORY &&
		    !(o->flags & O_PATH) && acc != O_RDONLY)
			return cr_plan_fail(p, "open file %u: a directory open for writing",
					    o->id);
		return 0;
	case CRMOD_OFD_PIPE:
		if (o->flags & O_PATH)
			return cr_plan_fail(p, "open file %u: an O_PATH pipe", o->id);
		if (o->object == 0 || o->object > p->nr_pipes)
			return cr_plan_fail(p, "open file %u: no pipe %u", o->id,
					    o->object);
		if (acc == O_RDWR && !p->pipes[o->object - 1].rec.fifo)
			return cr_plan_fail(p, "open file %u: both ends of a pipe",
					    o->id);
		return 0;
	case CRMOD_OFD_INHERIT:
		if (o->object > 2 || (o->flags & O_PATH) || o->pos)
			return cr_plan_fail(p, "open file %u: inherited from fd %u",
					    o->id, o->object);
		return 0;
	case CRMOD_OFD_PARENT:
		if (!p->has_process || o->object > INT_MAX || o->pos)
			return cr_plan_fail(p, "open file %u: the parent's fd %u, %s",
					    o->id, o->object,
					    p->has_process ? "out of range" :
					    "but the process has no parent in the tree");
		return 0;
	default:
		return cr_plan_fail(p, "open file %u: unknown kind %u", o->id,
				    o->kind);
	}
}

int cr_read_ofds(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_ofd *ofds = payload;
	u64 n = len / sizeof(*ofds), i;
	int ret;

	if (p->has_ofds)
		return cr_plan_fail(p, "a second OFDS section");
	if (len % sizeof(*ofds) || n > CR_MAX_FDS)
		return cr_plan_fail(p, "length %llu is not a multiple of %zu up to %d open files",
				    len, sizeof(*ofds), CR_MAX_FDS);
	for (i = 0; i < n; i++) {
		ret = cr_check_ofd(p, i, &ofds[i]);
		if (ret)
			return ret;
	}
	p->ofds = cr_zalloc_array(n ?: 1, sizeof(*p->ofds));
	if (!p->ofds)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		p->ofds[i].rec = ofds[i];
	p->nr_ofds = n;
	p->has_ofds = true;
	return 0;
}

int cr_read_fds(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_fd *fds = payload;
	u64 n = len / sizeof(*fds);
	u64 i;

	if (p->has_fds)
		return cr_plan_fail(p, "a second FDS section");
	if (!p->has_ofds)
		return cr_plan_fail(p, "the fd table before the open files (OFDS)");
	if (len % sizeof(*fds) || n > CR_MAX_FDS)
		return cr_plan_fail(p, "length %llu is not a multiple of %zu up to %d fds",
				    len, sizeof(*fds), CR_MAX_FDS);
	for (i = 0; i < n; i++) {
		const struct crmod_fd *fd = &fds[i];

		if (i && fd->fd <= fds[i - 1].fd)
			return cr_plan_fail(p, "fd entry %llu: fd %u after fd %u: not sorted",
					    i, fd->fd, fds[i - 1].fd);
		if (fd->fd > INT_MAX)
			return cr_plan_fail(p, "fd %u is beyond any fd table", fd->fd);
		if (!cr_plan_ofd(p, fd->ofd))
			return cr_plan_fail(p, "fd %u: no open file %u", fd->fd,
					    fd->ofd);
		if (fd->fd_flags & ~CRMOD_FD_CLOEXEC)
			return cr_plan_fail(p, "fd %u: unknown fd flags %#x",
					    fd->fd, fd->fd_flags);
		if (fd->reserved)
			return cr_plan_fail(p, "fd %u: reserved field is %u",
					    fd->fd, fd->reserved);
	}
	p->fds = cr_alloc(len ?: 1);
	if (!p->fds)
		return -ENOMEM;
	memcpy(p->fds, payload, len);
	p->nr_fds = n;
	p->has_fds = true;
	return 0;
}

/* The restarting process's own open file at fd, fit for what the image did. */
static struct file *cr_plan_inherit(struct cr_plan *p, const struct crmod_ofd *o)
{
	u32 acc = o->flags & O_ACCMODE;
	unsigned int differ;
	struct file *f = cr_fget(o->object);

	if (!f) {
		cr_fail(p->err,
			"fd %u was a terminal, socket or pipe to be taken from the restarting process, which has no fd %u",
			o->object, o->object);
		return ERR_PTR(-EBADF);
	}
	if (((acc == O_RDONLY || acc == O_RDWR) && !(f->f_mode & FMODE_READ)) ||
	    ((acc == O_WRONLY || acc == O_RDWR) && !(f->f_mode & FMODE_WRITE))) {
		cr_fput(f);
		cr_fail(p->err,
			"fd %u was open with access mode %#o; the restarting process's fd %u is not",
			o->object, acc, o->object);
		return ERR_PTR(-EBADF);
	}
	differ = (o->flags ^ f->f_flags) &
		 (CR_OFD_FLAGS & ~O_ACCMODE & ~CR_INHERIT_SETFL & ~O_LARGEFILE);
	if (differ) {
		cr_fput(f);
		cr_fail(p->err,
			"fd %u had open flags %#o; the restarting process's fd %u differs in %#o",
			o->object, o->flags, o->object, differ);
		return ERR_PTR(-EINVAL);
	}
	return f;
}

/* Open every open file description of the image, installing none. */
int cr_plan_open_ofds(struct cr_plan *p)
{
	unsigned long nofile = rlimit(RLIMIT_NOFILE);
	u32 i;

	if (atomic_read(&current->files->count) != get_nr_threads(current))
		return cr_fail(p->err, "the restarting process shares its fd table");
	/* the image's own limit comes last: it may be below its fds */
	if (p->nr_fds && p->fds[p->nr_fds - 1].fd >= nofile)
		return cr_fail(p->err,
			       "fd %u is beyond the restarting process's open file limit %lu",
			       p->fds[p->nr_fds - 1].fd, nofile);
	for (i = 0; i < p->nr_ofds; i++) {
		struct cr_plan_ofd *ofd = &p->ofds[i];
		const struct crmod_ofd *o = &ofd->rec;
		struct file *f;

		switch (o->kind) {
		case CRMOD_OFD_INHERIT:
			f = cr_plan_inherit(p, o);
			break;
		case CRMOD_OFD_PIPE:
			f = cr_plan_open_pipe_end(p, o);
			break;
		case CRMOD_OFD_PARENT:
			f = cr_tree_parent_file(p, o);
			break;
		default:
			f = cr_plan_open_object(p, cr_plan_file(p, o->object),
						o->flags | O_LARGEFILE);
			break;
		}
		if (IS_ERR(f))
			return PTR_ERR(f);
		ofd->file = f;
		if (o->kind == CRMOD_OFD_FILE && o->pos &&
		    !(o->flags & O_PATH)) {
			loff_t pos = cr_fault("seeking an open file") ? -CR_FAULT_ERRNO :
				     vfs_llseek(f, o->pos, SEEK_SET);

			if (pos != o->pos)
				return cr_fail(p->err,
					       "open file %u: cannot seek %s to %lld (%lld)",
					       o->id, cr_plan_file(p, o->object)->path,
					       o->pos, pos);
		}
	}
	return 0;
}

void cr_plan_ofds_free(struct cr_plan *p)
{
	u32 i;

	for (i = 0; p->ofds && i < p->nr_ofds; i++)
		if (p->ofds[i].file)
			cr_fput(p->ofds[i].file);
	cr_free(p->ofds);
	cr_free(p->fds);
}

/* fcntl(F_SETFL) of what may be set, on an inherited open file. */
static void cr_set_inherited_flags(struct file *f, unsigned int flags)
{
	spin_lock(&f->f_lock);
	f->f_flags = (f->f_flags & ~CR_INHERIT_SETFL) |
		     (flags & CR_INHERIT_SETFL);
	spin_unlock(&f->f_lock);
}

/* Past the point of no return: the caller's fd table becomes the image's. */
int cr_restore_fds(struct cr_plan *p)
{
	unsigned int fd;
	u32 i;
	int ret;

	for (fd = 0;; fd++) {
		bool cloexec;
		struct file *file = cr_file_acquired(cr_compat_next_fd(current, &fd,
								   &cloexec));

		if (!file)
			break;
		cr_fput(file);
		close_fd(fd);
	}
	for (i = 0; i < p->nr_fds; i++) {
		const struct crmod_fd *rec = &p->fds[i];
		struct cr_plan_ofd *ofd = cr_plan_ofd(p, rec->ofd);

		if (ofd->rec.kind == CRMOD_OFD_INHERIT)
			cr_set_inherited_flags(ofd->file, ofd->rec.flags);
		ret = cr_fault("installing an fd") ? -CR_FAULT_ERRNO :
		      crmod_sym_replace_fd(rec->fd, ofd->file,
					   rec->fd_flags & CRMOD_FD_CLOEXEC ?
					   O_CLOEXEC : 0);
		if (ret < 0)
			return cr_fail(p->err, "cannot install fd %u (%d)",
				       rec->fd, ret);
	}
	return 0;
}
