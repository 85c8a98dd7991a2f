// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: file locks the process holds. flock() and OFD locks belong to an
 * open file, POSIX locks to the process (its fd table). Restart takes the
 * first two in phase 1, on the open files it made, so that a conflict
 * refuses the image cleanly; POSIX locks, which closing any fd of the file
 * would drop, are checked for conflicts then and taken once the fd table is
 * final. Leases are refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

#define CR_MAX_LOCKS	65536

static const char *cr_lock_how(int type)
{
	return type == F_RDLCK ? "read" : "write";
}

static fmode_t cr_lock_fmode(int type)
{
	return type == F_RDLCK ? FMODE_READ : FMODE_WRITE;
}

/*
 * A POSIX lock is on the file, whichever fd: it is recorded at the first
 * open file of the inode that fcntl(2) would take it through (one open for
 * reading for a read lock, for writing for a write lock), or, if there is
 * none, at the first, which cr_dump_locks() then refuses.
 */
static bool cr_posix_lock_home(struct cr_ckpt *ck, u32 ofd, int type)
{
	struct inode *inode = file_inode(ck->ofds[ofd].file);
	fmode_t need = cr_lock_fmode(type);
	u32 i, first = ck->nr_ofds;

	for (i = 0; i < ck->nr_ofds; i++) {
		if (file_inode(ck->ofds[i].file) != inode)
			continue;
		if (first == ck->nr_ofds)
			first = i;
		if (ck->ofds[i].file->f_mode & need)
			return i == ofd;
	}
	return first == ofd;
}

/* Which of this process's locks are on the open file; counts, or fills. */
static u32 cr_collect_locks(struct cr_ckpt *ck, u32 ofd, struct crmod_lock *out)
{
	struct file *file = ck->ofds[ofd].file;
	struct file_lock_context *ctx = cr_compat_lock_context(file_inode(file));
	struct file_lock *fl;
	u32 n = 0;

	if (!ctx)
		return 0;
	spin_lock(&ctx->flc_lock);
	cr_for_each_file_lock(fl, &ctx->flc_flock) {
		if (cr_fl_file(fl) != file)
			continue;
		if (out)
			out[n] = (struct crmod_lock) {
				.ofd = ofd + 1, .kind = CRMOD_LOCK_FLOCK,
				.type = cr_fl_type(fl), .start = 0, .end = -1,
			};
		n++;
	}
	cr_for_each_file_lock(fl, &ctx->flc_posix) {
		u32 kind;

		if (cr_fl_flags(fl) & FL_OFDLCK) {
			if (cr_fl_file(fl) != file)
				continue;
			kind = CRMOD_LOCK_OFD;
		} else {
			if (cr_fl_owner(fl) != ck->task->files ||
			    !cr_posix_lock_home(ck, ofd, cr_fl_type(fl)))
				continue;
			kind = CRMOD_LOCK_POSIX;
		}
		if (out)
			out[n] = (struct crmod_lock) {
				.ofd = ofd + 1, .kind = kind,
				.type = cr_fl_type(fl), .start = fl->fl_start,
				.end = fl->fl_end == OFFSET_MAX ? -1 : fl->fl_end,
			};
		n++;
	}
	spin_unlock(&ctx->flc_lock);
	return n;
}

int cr_dump_locks(struct cr_ckpt *ck)
{
	u32 i;
	int ret;

	for (i = 0; i < ck->nr_ofds; i++) {
		struct file *file = ck->ofds[i].file;
		u32 first = ck->nr_locks, n, j;

		n = cr_collect_locks(ck, i, NULL);
		if (!n)
			continue;
		if (ck->ofds[i].rec.kind == CRMOD_OFD_INHERIT)
			return cr_fail(ck->err,
				       "open file %u, a terminal, socket or pipe handed over on fds 0-2, holds a file lock: crmod cannot restore that",
				       i + 1);
		if (ck->ofds[i].rec.kind == CRMOD_OFD_PARENT)
			return cr_fail(ck->err,
				       "open file %u, shared with the parent process, holds a file lock: crmod cannot restore that yet",
				       i + 1);
		while (ck->nr_locks + n > ck->cap_locks) {
			ret = cr_plan_grow((void **)&ck->locks, ck->cap_locks,
					   &ck->cap_locks, sizeof(*ck->locks),
					   CR_MAX_LOCKS);
			if (ret == -E2BIG)
				return cr_fail(ck->err, "more than %d file locks",
					       CR_MAX_LOCKS);
			if (ret)
				return ret;
		}
		/* the process is stopped: its locks are as they were counted */
		ck->nr_locks += cr_collect_locks(ck, i, ck->locks + ck->nr_locks);
		for (j = first; j < ck->nr_locks; j++)
			if (ck->locks[j].kind != CRMOD_LOCK_FLOCK &&
			    !(file->f_mode & cr_lock_fmode(ck->locks[j].type)))
				return cr_fail(ck->err,
					       "open file %u holds a %s lock but is not open to %s, as restart would need to take it",
					       i + 1, cr_lock_how(ck->locks[j].type),
					       cr_lock_how(ck->locks[j].type));
	}
	return 0;
}

/* Restart. */

int cr_read_locks(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_lock *locks = payload;
	u64 n = len / sizeof(*locks), i;
	u32 mode;

	if (p->has_locks)
		return cr_plan_fail(p, "a second LOCKS section");
	if (!p->has_ofds)
		return cr_plan_fail(p, "locks before the open files (OFDS)");
	if (len % sizeof(*locks) || n > CR_MAX_LOCKS)
		return cr_plan_fail(p, "length %llu is not a multiple of %zu up to %d locks",
				    len, sizeof(*locks), CR_MAX_LOCKS);
	for (i = 0; i < n; i++) {
		const struct crmod_lock *l = &locks[i];
		const struct cr_plan_ofd *ofd = cr_plan_ofd(p, l->ofd);

		if (!ofd || ofd->rec.kind == CRMOD_OFD_INHERIT ||
		    ofd->rec.kind == CRMOD_OFD_PARENT ||
		    (ofd->rec.flags & O_PATH))
			return cr_plan_fail(p, "lock %llu: open file %u cannot hold one",
					    i, l->ofd);
		if (l->kind < CRMOD_LOCK_FLOCK || l->kind > CRMOD_LOCK_OFD)
			return cr_plan_fail(p, "lock %llu: unknown kind %u", i, l->kind);
		if (l->type != F_RDLCK && l->type != F_WRLCK)
			return cr_plan_fail(p, "lock %llu: type %u", i, l->type);
		/* as fcntl(2) asks of the open file (flock asks nothing) */
		mode = ofd->rec.flags & O_ACCMODE;
		if (l->kind != CRMOD_LOCK_FLOCK && mode != O_RDWR &&
		    mode != (l->type == F_RDLCK ? O_RDONLY : O_WRONLY))
			return cr_plan_fail(p, "lock %llu: a %s lock, open file %u not open to %s",
					    i, cr_lock_how(l->type), l->ofd, cr_lock_how(l->type));
		if (l->start < 0 || (l->end != -1 && l->end < l->start) ||
		    (l->kind == CRMOD_LOCK_FLOCK && (l->start || l->end != -1)))
			return cr_plan_fail(p, "lock %llu: range %lld-%lld", i,
					    l->start, l->end);
		if (l->reserved)
			return cr_plan_fail(p, "lock %llu: reserved field is %u",
					    i, l->reserved);
	}
	p->locks = cr_alloc(len ?: 1);
	if (!p->locks)
		return -ENOMEM;
	memcpy(p->locks, payload, len);
	p->nr_locks = n;
	p->has_locks = true;
	return 0;
}

/* The lock request of a record, on the plan's open file. */
static struct file *cr_lock_request(struct cr_plan *p, const struct crmod_lock *l,
				    struct file_lock *fl)
{
	struct file *file = cr_plan_ofd(p, l->ofd)->file;

	locks_init_lock(fl);
	cr_fl_set(fl, file, l->type, current->tgid,
		  l->kind == CRMOD_LOCK_FLOCK ? FL_FLOCK :
		  l->kind == CRMOD_LOCK_OFD ? FL_POSIX | FL_OFDLCK : FL_POSIX,
		  l->kind == CRMOD_LOCK_POSIX ? (fl_owner_t)current->files :
						(fl_owner_t)file);
	fl->fl_start = l->start;
	fl->fl_end = l->end == -1 ? OFFSET_MAX : l->end;
	return file;
}

static int cr_lock_conflict(struct cr_plan *p, const struct crmod_lock *l,
			    struct file *file, int ret)
{
	struct file *ofd_file = cr_plan_ofd(p, l->ofd)->file;
	char buf[64], *path = file_path(ofd_file, buf, sizeof(buf));

	return cr_fail(p->err,
		       "%s: cannot take the image's %s lock on bytes %lld-%lld again: %s (%d)",
		       IS_ERR(path) ? "a file" : path,
		       l->kind == CRMOD_LOCK_FLOCK ? "flock" :
		       l->kind == CRMOD_LOCK_OFD ? "OFD" : "POSIX",
		       l->start, l->end,
		       ret == -EAGAIN ? "another process holds a conflicting one" : "error",
		       ret);
}

/*
 * Phase 1: flock and OFD locks taken on our open files (dropped with
 * them if the restart is refused); POSIX locks only tested.
 */
int cr_plan_take_locks(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_locks; i++) {
		const struct crmod_lock *l = &p->locks[i];
		struct file_lock fl;
		struct file *file = cr_lock_request(p, l, &fl);

		if (cr_fault("taking a file lock"))
			return cr_lock_conflict(p, l, file, -CR_FAULT_ERRNO);
		switch (l->kind) {
		case CRMOD_LOCK_FLOCK:
			ret = locks_lock_inode_wait(file_inode(file), &fl);
			break;
		case CRMOD_LOCK_OFD:
			ret = vfs_lock_file(file, F_OFD_SETLK, &fl, NULL);
			break;
		default:
			ret = vfs_test_lock(file, &fl);
			if (!ret && cr_fl_type(&fl) != F_UNLCK)
				ret = -EAGAIN;
			break;
		}
		if (ret)
			return cr_lock_conflict(p, l, file, ret);
	}
	return 0;
}

/* Phase 2, once the fd table is final: the process's POSIX locks. */
int cr_restore_locks(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_locks; i++) {
		const struct crmod_lock *l = &p->locks[i];
		struct file_lock fl;
		struct file *file;

		if (l->kind != CRMOD_LOCK_POSIX)
			continue;
		file = cr_lock_request(p, l, &fl);
		ret = cr_fault("taking a POSIX lock") ? -CR_FAULT_ERRNO :
		      vfs_lock_file(file, F_SETLK, &fl, NULL);
		if (ret)
			return cr_lock_conflict(p, l, file, ret);
	}
	return 0;
}
