// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: files whose content the image carries, because restart cannot
 * find them by path: a deleted file still open or mapped (recreated
 * unlinked, with O_TMPFILE, in its directory), a memfd (with its seals) and
 * shared anonymous memory. Their content goes into FILE_DATA sections, one
 * per stretch of data, holes left out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

/* A deleted file's content is kept up to this size. */
#define CR_UNLINKED_MAX		(64ULL << 20)
/* One FILE_DATA section holds at most this much. */
#define CR_DATA_CHUNK		(4UL << 20)
/* An image holds at most this many extents: beyond is corruption. */
#define CR_MAX_EXTENTS		BIT(22)
#define CR_KNOWN_SEALS		(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
				 CR_F_SEAL_EXEC)
#ifdef F_SEAL_EXEC
#define CR_F_SEAL_EXEC		F_SEAL_EXEC
#else
#define CR_F_SEAL_EXEC		0
#endif
/* Seals that must wait until the mappings are made, in phase 2. */
#define CR_LATE_SEALS		(F_SEAL_FUTURE_WRITE | F_SEAL_SEAL)

bool cr_is_content_kind(u32 kind)
{
	return kind == CRMOD_STATE_UNLINKED_FILE || kind == CRMOD_STATE_MEMFD ||
	       kind == CRMOD_STATE_SHARED_ANON;
}

int cr_content_register(struct cr_ckpt *ck, struct cr_file_ref *ref)
{
	if (ref->rec.kind == CRMOD_STATE_UNLINKED_FILE &&
	    ref->rec.size > CR_UNLINKED_MAX)
		return cr_refuse(ck->err, CRMOD_STATE_UNLINKED_BIG,
				 "%s was deleted and is %llu bytes", ref->path,
				 ref->rec.size);
	if (ref->rec.kind == CRMOD_STATE_MEMFD)
		ref->rec.seals = SHMEM_I(file_inode(ref->file))->seals;
	return 0;
}

/* One FILE_DATA section: len bytes of f at offset, read into buf. */
static int cr_write_extent(struct cr_ckpt *ck, struct cr_file_ref *ref,
			   struct file *f, void *buf, loff_t offset, size_t len)
{
	struct crmod_file_data head = {
		.file = ref->rec.id, .offset = offset, .len = len,
	};
	loff_t pos = offset;
	ssize_t n;
	u32 crc;
	int ret;

	n = cr_fault("reading a file's content") ? -CR_FAULT_ERRNO :
	    kernel_read(f, buf, len, &pos);
	if (n != len)
		return cr_fail(ck->err, "reading %zu bytes of %s at %lld: error %zd",
			       len, ref->path[0] ? ref->path : "shared memory",
			       offset, n);
	crc = cr_crc_update(CR_CRC_INIT, &head, sizeof(head));
	crc = cr_crc_final(cr_crc_update(crc, buf, len));
	ret = cr_begin_section(&ck->w, CRMOD_SEC_FILE_DATA,
			       sizeof(head) + len, crc);
	if (!ret)
		ret = cr_write_raw(&ck->w, &head, sizeof(head));
	if (!ret)
		ret = cr_write_raw(&ck->w, buf, len);
	if (!ret)
		ret = cr_end_section(&ck->w, sizeof(head) + len);
	return ret;
}

/*
 * The stretches of data, as SEEK_DATA and SEEK_HOLE find them (whole
 * pages), through a file of our own so that the process's position stays.
 */
int cr_write_file_data(struct cr_ckpt *ck, struct cr_file_ref *ref)
{
	loff_t size = ref->rec.size, pos = 0;
	struct file *f;
	void *buf;
	int ret = 0;

	f = cr_dentry_open(&ref->file->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(f))
		return cr_fail(ck->err, "cannot open %s to read its content (%ld)",
			       ref->path, PTR_ERR(f));
	buf = cr_alloc(CR_DATA_CHUNK);
	if (!buf) {
		cr_fput(f);
		return -ENOMEM;
	}
	while (pos < size && !ret) {
		loff_t data = cr_fault("finding a file's data") ? -CR_FAULT_ERRNO :
			      vfs_llseek(f, pos, SEEK_DATA), hole;

		if (data == -ENXIO || data >= size)
			break;
		if (data < 0) {
			ret = cr_fail(ck->err, "finding the data of %s: error %lld",
				      ref->path, data);
			break;
		}
		hole = vfs_llseek(f, data, SEEK_HOLE);
		if (hole < 0 || hole > size)
			hole = size;
		data = round_down(data, PAGE_SIZE);
		hole = min_t(loff_t, round_up(hole, PAGE_SIZE), size);
		for (pos = data; pos < hole && !ret;) {
			size_t len = min_t(loff_t, hole - pos, CR_DATA_CHUNK);

			ret = cr_write_extent(ck, ref, f, buf, pos, len);
			pos += len;
			if (fatal_signal_pending(current))
				ret = -EINTR;
			cond_resched();
		}
	}
	cr_free(buf);
	cr_fput(f);
	return ret;
}

/* Restart. */

int cr_read_file_data(struct cr_plan *p, u64 len, u32 crc_expected)
{
	struct crmod_file_data head;
	const struct cr_file_ref *ref;
	struct cr_extent *e;
	int ret;

	if (len < sizeof(head))
		return cr_plan_fail(p, "length %llu is too short for file data", len);
	ret = cr_read_exact(&p->r, &head, sizeof(head), "file data");
	if (ret)
		return ret;
	ref = cr_plan_file(p, head.file);
	if (!ref || !cr_is_content_kind(ref->rec.kind))
		return cr_plan_fail(p,
				    "content for file %u, which is no file with content of its own",
				    head.file);
	if (head.reserved)
		return cr_plan_fail(p, "reserved field is %u", head.reserved);
	if (head.len != len - sizeof(head) || !head.len ||
	    head.offset % p->page_size || head.offset > ref->rec.size ||
	    head.len > ref->rec.size - head.offset)
		return cr_plan_fail(p, "%llu bytes at %llu do not fit a file of %llu bytes",
				    head.len, head.offset, ref->rec.size);
	if (p->nr_data) {
		const struct cr_extent *last = &p->data[p->nr_data - 1];

		if (head.file < last->file ||
		    (head.file == last->file &&
		     head.offset < last->addr + last->len))
			return cr_plan_fail(p,
					    "content of file %u at %llu overlaps or precedes the one before",
					    head.file, head.offset);
	}
	ret = cr_plan_grow((void **)&p->data, p->nr_data, &p->cap_data,
			   sizeof(*p->data), CR_MAX_EXTENTS);
	if (ret == -E2BIG)
		return cr_plan_fail(p, "more than %lu stretches of file content",
				    CR_MAX_EXTENTS);
	if (ret)
		return ret;
	e = &p->data[p->nr_data];
	memset(e, 0, sizeof(*e));
	e->file = head.file;
	e->addr = head.offset;
	e->len = head.len;
	e->head.data = head;
	e->head_len = sizeof(head);
	ret = cr_plan_read_extent(p, e, crc_expected);
	if (ret)
		return ret;
	p->nr_data++;
	return 0;
}

static struct file *cr_make_unlinked(struct cr_plan *p, struct cr_file_ref *ref)
{
	struct cr_file_ref *dir = cr_plan_file(p, ref->rec.dir);
	struct file *f;

	/* unlinked from the start, in the directory it was in */
	f = cr_file_open_root(&dir->file->f_path, ".",
			      O_TMPFILE | O_RDWR | O_LARGEFILE, ref->rec.mode & 07777);
	if (IS_ERR(f))
		cr_fail(p->err, "cannot recreate the deleted file %s in %s (error %ld%s)",
			ref->path, dir->path, PTR_ERR(f),
			PTR_ERR(f) == -EOPNOTSUPP ? ": the filesystem has no O_TMPFILE" : "");
	return f;
}

static struct file *cr_make_memfd(struct cr_plan *p, struct cr_file_ref *ref)
{
	struct file *f;

	f = cr_fault("making a memfd") ? ERR_PTR(-CR_FAULT_ERRNO) :
	    cr_file_acquired(cr_compat_shmem_file_setup(ref->path, 0, true));

	if (IS_ERR(f)) {
		cr_fail(p->err, "cannot make the memfd %s (%ld)", ref->path,
			PTR_ERR(f));
		return f;
	}
	/* as memfd_create() makes it; sealing allowed until seals say no */
	f->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	f->f_flags |= O_LARGEFILE;
	SHMEM_I(file_inode(f))->seals = 0;
	return f;
}

/* The owner, mode and mtime the file had, where it differs. */
static int cr_restore_attrs(struct cr_plan *p, struct cr_file_ref *ref)
{
	struct user_namespace *ns = current_user_ns();
	struct inode *inode = file_inode(ref->file);
	const struct crmod_file *rec = &ref->rec;
	struct iattr attr = {
		.ia_valid = ATTR_MODE | ATTR_MTIME | ATTR_MTIME_SET,
		.ia_mode = rec->mode,
		.ia_mtime = { .tv_sec = rec->mtime_sec,
			      .tv_nsec = rec->mtime_nsec },
	};
	int ret;

	if (rec->mtime_nsec >= NSEC_PER_SEC)
		return cr_fail(p->err, "%s: mtime nanoseconds %u", ref->path,
			       rec->mtime_nsec);
	attr.ia_uid = make_kuid(ns, rec->uid);
	attr.ia_gid = make_kgid(ns, rec->gid);
	if (!uid_valid(attr.ia_uid) || !gid_valid(attr.ia_gid))
		return cr_fail(p->err, "%s: owner %u:%u has no mapping here",
			       ref->path, rec->uid, rec->gid);
	if (!uid_eq(attr.ia_uid, inode->i_uid))
		attr.ia_valid |= ATTR_UID;
	if (!gid_eq(attr.ia_gid, inode->i_gid))
		attr.ia_valid |= ATTR_GID;
	ret = cr_fault("setting a file's owner and mode") ? -CR_FAULT_ERRNO :
	      cr_compat_setattr(ref->file, &attr);
	if (ret)
		return cr_fail(p->err,
			       "%s: cannot give it owner %u:%u, mode %#o and its mtime (%d)",
			       ref->path, rec->uid, rec->gid, rec->mode, ret);
	return 0;
}

/*
 * Phase 1: the object made anew, filled, sized, owned and sealed as it
 * was. None of it is visible to anyone but this restart.
 */
int cr_plan_make_content(struct cr_plan *p, struct cr_file_ref *ref)
{
	u32 i, seals;
	int ret;

	switch (ref->rec.kind) {
	case CRMOD_STATE_UNLINKED_FILE:
		if (ref->rec.size > CR_UNLINKED_MAX)
			return cr_fail(p->err,
				       "the deleted file %s is %llu bytes; crmod keeps them up to %llu",
				       ref->path, ref->rec.size, CR_UNLINKED_MAX);
		ref->file = cr_make_unlinked(p, ref);
		break;
	case CRMOD_STATE_MEMFD:
		ref->file = cr_make_memfd(p, ref);
		break;
	default:
		ref->file = cr_fault("making shared memory") ? ERR_PTR(-CR_FAULT_ERRNO) :
			    cr_file_acquired(cr_compat_shmem_file_setup("dev/zero",
									ref->rec.size,
									false));
		if (IS_ERR(ref->file))
			cr_fail(p->err, "cannot make %llu bytes of shared memory (%ld)",
				ref->rec.size, PTR_ERR(ref->file));
		break;
	}
	if (IS_ERR(ref->file)) {
		ret = PTR_ERR(ref->file);
		ref->file = NULL;
		return ret;
	}
	for (i = 0; i < p->nr_data; i++) {
		if (p->data[i].file != ref->rec.id)
			continue;
		ret = cr_plan_copy_extent(p, &p->data[i], ref->file);
		if (ret)
			return ret;
	}
	if (i_size_read(file_inode(ref->file)) != ref->rec.size) {
		ret = cr_fault("sizing a file") ? -CR_FAULT_ERRNO :
		      vfs_truncate(&ref->file->f_path, ref->rec.size);
		if (ret)
			return cr_fail(p->err, "cannot give %s its size %llu (%d)",
				       ref->path[0] ? ref->path : "shared memory",
				       ref->rec.size, ret);
	}
	if (ref->rec.kind != CRMOD_STATE_SHARED_ANON) {
		ret = cr_restore_attrs(p, ref);
		if (ret)
			return ret;
	}
	if (ref->rec.kind != CRMOD_STATE_MEMFD)
		return 0;
	if (ref->rec.seals & ~CR_KNOWN_SEALS)
		return cr_fail(p->err, "memfd %s: unknown seals %#x", ref->path,
			       ref->rec.seals);
	seals = ref->rec.seals & ~CR_LATE_SEALS;
	ret = !seals ? 0 : cr_fault("sealing a memfd") ? -CR_FAULT_ERRNO :
	      cr_compat_memfd_add_seals(ref->file, seals);
	if (ret)
		return cr_fail(p->err, "memfd %s: cannot seal it %#x (%d)",
			       ref->path, seals, ret);
	return 0;
}

/* Phase 2, once every mapping is made: the seals that forbid making one. */
int cr_restore_seals(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_files; i++) {
		struct cr_file_ref *ref = &p->files[i];
		u32 seals = ref->rec.seals & CR_LATE_SEALS;

		if (ref->rec.kind != CRMOD_STATE_MEMFD || !seals)
			continue;
		ret = cr_fault("sealing a memfd") ? -CR_FAULT_ERRNO :
		      cr_compat_memfd_add_seals(ref->file, seals);
		if (ret)
			return cr_fail(p->err, "memfd %s: cannot seal it %#x (%d)",
				       ref->path, seals, ret);
	}
	return 0;
}
