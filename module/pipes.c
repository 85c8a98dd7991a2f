// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: pipes and named FIFOs whose every end the process holds. Their
 * buffered bytes are read without being consumed and written into a new
 * pipe (or the FIFO, found again by path) on restart, and each open end is
 * opened again with its own flags. A pipe or FIFO with an end outside the
 * process is handed over on fds 0-2 (as crctl restart's own), refused
 * elsewhere.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "crmod.h"
#include "resource.h"
#include "resolver.h"

#define CR_MAX_PIPES	4096

bool cr_is_pipe(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISFIFO(inode->i_mode) && inode->i_sb->s_magic == PIPEFS_MAGIC;
}

int cr_pipe_register(struct cr_ckpt *ck, struct file *file, bool named, u32 *id)
{
	struct pipe_inode_info *pipe = file_inode(file)->i_pipe;
	struct cr_pipe_ref *ref;
	u32 i;

	if (!pipe)
		return cr_fail(ck->err, "a pipe without its buffer");
	for (i = 0; i < ck->nr_pipes; i++)
		if (ck->pipes[i].pipe == pipe)
			break;
	if (i == ck->nr_pipes) {
		struct cr_pipe_ref *pipes;

		if (i == CR_MAX_PIPES)
			return cr_fail(ck->err, "more than %d pipes", CR_MAX_PIPES);
		pipes = cr_realloc_array(ck->pipes, i, i + 1, sizeof(*pipes));
		if (!pipes)
			return -ENOMEM;
		ck->pipes = pipes;
		memset(&pipes[i], 0, sizeof(pipes[i]));
		pipes[i].pipe = pipe;
		pipes[i].file = cr_file_get(file);
		pipes[i].named = named;
		ck->nr_pipes++;
	}
	ref = &ck->pipes[i];
	/* called once per open file description of it */
	if (file->f_mode & FMODE_READ)
		ref->readers++;
	if (file->f_mode & FMODE_WRITE)
		ref->writers++;
	*id = i + 1;
	return 0;
}

/*
 * Once every fd is seen: a pipe is kept when the process holds all its
 * ends, else its open files must be on fds 0-2, to be handed over. Kept
 * pipes are numbered 1.. again.
 */
int cr_pipes_resolve(struct cr_ckpt *ck)
{
	u32 i, kept = 0;

	for (i = 0; i < ck->nr_pipes; i++) {
		struct cr_pipe_ref *ref = &ck->pipes[i];
		unsigned int readers, writers;

		pipe_lock(ref->pipe);
		readers = ref->pipe->readers;
		writers = ref->pipe->writers;
		pipe_unlock(ref->pipe);
		if (readers != ref->readers || writers != ref->writers)
			continue;
		ref->id = ++kept;
		/* a FIFO handed over as stdio needs no file where it restarts */
		if (ref->named) {
			int ret = cr_file_register(ck, ref->file, CRMOD_STATE_FIFO,
						   &ref->fifo);

			if (ret)
				return ret;
		}
	}
	for (i = 0; i < ck->nr_ofds; i++) {
		struct crmod_ofd *o = &ck->ofds[i].rec;
		struct cr_pipe_ref *ref;
		u32 j, fd = U32_MAX;

		if (o->kind != CRMOD_OFD_PIPE)
			continue;
		ref = &ck->pipes[o->object - 1];
		if (ref->id) {
			o->object = ref->id;
			continue;
		}
		for (j = 0; j < ck->nr_fds; j++)
			if (ck->fds[j].ofd == o->id) {
				fd = ck->fds[j].fd;
				break;
			}
		if (fd > 2)
			return cr_refuse(ck->err, CRMOD_STATE_OUTSIDE_PIPE,
					 "fd %u is an end of a %s whose other end is outside the process",
					 fd, ref->named ? "FIFO" : "pipe");
		o->kind = CRMOD_OFD_INHERIT;
		o->object = fd;
	}
	return 0;
}

static int cr_write_pipe(struct cr_ckpt *ck, struct cr_pipe_ref *ref)
{
	struct pipe_inode_info *pipe = ref->pipe;
	struct crmod_pipe *rec;
	unsigned int slot;
	u64 len = 0;
	u8 *data;
	int ret;

	/* The process is stopped; nothing else holds this pipe's ends. */
	pipe_lock(pipe);
	for (slot = pipe->tail; slot != pipe->head; slot++) {
		struct pipe_buffer *buf = &pipe->bufs[slot & (pipe->ring_size - 1)];

		if (buf->flags & PIPE_BUF_FLAG_PACKET) {
			pipe_unlock(pipe);
			return cr_refuse(ck->err, CRMOD_STATE_PIPE_PACKETS,
					 "a %s holds packets", ref->named ? "FIFO" : "pipe");
		}
		len += buf->len;
	}
	rec = cr_zalloc(sizeof(*rec) + len);
	if (!rec) {
		pipe_unlock(pipe);
		return -ENOMEM;
	}
	rec->id = ref->id;
	rec->fifo = ref->fifo;
	rec->capacity = (u64)pipe->max_usage << PAGE_SHIFT;
	rec->len = len;
	data = (u8 *)(rec + 1);
	for (slot = pipe->tail; slot != pipe->head; slot++) {
		struct pipe_buffer *buf = &pipe->bufs[slot & (pipe->ring_size - 1)];
		void *kaddr = kmap_local_page(buf->page);

		memcpy(data, kaddr + buf->offset, buf->len);
		kunmap_local(kaddr);
		data += buf->len;
	}
	pipe_unlock(pipe);
	ret = cr_write_section(&ck->w, CRMOD_SEC_PIPE, rec, sizeof(*rec) + len);
	cr_free(rec);
	return ret;
}

int cr_write_pipes(struct cr_ckpt *ck)
{
	u32 i;
	int ret;

	for (i = 0; i < ck->nr_pipes; i++) {
		if (!ck->pipes[i].id)
			continue;
		ret = cr_write_pipe(ck, &ck->pipes[i]);
		if (ret)
			return ret;
	}
	return 0;
}

void cr_pipes_release(struct cr_pipe_ref *pipes, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (pipes[i].file)
			cr_fput(pipes[i].file);
	}
	cr_free(pipes);
}

/* Restart. */

int cr_read_pipe(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_pipe *rec = payload;
	const struct cr_file_ref *fifo;
	struct cr_plan_pipe *pipes, *pp;

	if (len < sizeof(*rec) || rec->len != len - sizeof(*rec))
		return cr_plan_fail(p, "length %llu does not fit a pipe record of %llu bytes",
				    len, len < sizeof(*rec) ? 0 : rec->len);
	if (rec->id != p->nr_pipes + 1)
		return cr_plan_fail(p, "pipe id %u, expected %u", rec->id,
				    p->nr_pipes + 1);
	fifo = cr_plan_file(p, rec->fifo);
	if (rec->fifo && (!fifo || fifo->rec.kind != CRMOD_STATE_FIFO))
		return cr_plan_fail(p, "file %u is no FIFO", rec->fifo);
	if (!rec->capacity || rec->capacity > (1U << 31) || rec->len > rec->capacity)
		return cr_plan_fail(p, "a pipe of %llu bytes holding %llu",
				    rec->capacity, rec->len);
	/* an image of smaller pages: F_SETPIPE_SZ sizes in this kernel's */
	if (rec->capacity % PAGE_SIZE)
		return cr_plan_fail(p,
				    "a pipe of %llu bytes, not a multiple of this kernel's %lu-byte pages",
				    rec->capacity, PAGE_SIZE);
	if (p->nr_pipes == CR_MAX_PIPES)
		return cr_plan_fail(p, "more than %d pipes", CR_MAX_PIPES);
	pipes = cr_realloc_array(p->pipes, p->nr_pipes, p->nr_pipes + 1,
				 sizeof(*pipes));
	if (!pipes)
		return -ENOMEM;
	p->pipes = pipes;
	pp = &pipes[p->nr_pipes];
	memset(pp, 0, sizeof(*pp));
	pp->rec = *rec;
	pp->data = cr_alloc(rec->len ?: 1);
	if (!pp->data)
		return -ENOMEM;
	memcpy(pp->data, rec + 1, rec->len);
	p->nr_pipes++;
	return 0;
}

/* The FIFO by its path, open both ways: never blocks, and is ours alone. */
static int cr_plan_open_fifo(struct cr_plan *p, struct cr_plan_pipe *pp)
{
	struct cr_file_ref *ref = cr_plan_file(p, pp->rec.fifo);
	struct pipe_inode_info *pipe;
	unsigned int readers, writers;

	pp->base = cr_plan_open_object(p, ref, O_RDWR | O_NONBLOCK);
	if (IS_ERR(pp->base)) {
		int ret = PTR_ERR(pp->base);

		pp->base = NULL;
		return ret;
	}
	pipe = file_inode(pp->base)->i_pipe;
	pipe_lock(pipe);
	readers = pipe->readers;
	writers = pipe->writers;
	pipe_unlock(pipe);
	if (readers != 1 || writers != 1)
		return cr_fail(p->err,
			       "the FIFO %s is open elsewhere (%u readers and %u writers besides this restart): its bytes would mix",
			       ref->path, readers - 1, writers - 1);
	if (pipe->head != pipe->tail)
		return cr_fail(p->err, "the FIFO %s holds bytes of its own",
			       ref->path);
	return 0;
}

/* New pipes (or the FIFOs), filled, not yet installed: nobody sees them. */
int cr_plan_open_pipes(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_pipes; i++) {
		struct cr_plan_pipe *pp = &p->pipes[i];
		loff_t pos = 0;
		ssize_t n;

		if (pp->rec.fifo) {
			ret = cr_plan_open_fifo(p, pp);
		} else {
			struct file *ends[2];

			ret = cr_fault("creating a pipe") ? -CR_FAULT_ERRNO :
			      crmod_sym_create_pipe_files(ends, O_NONBLOCK);
			if (!ret) {
				cr_file_acquired(ends[0]);
				cr_file_acquired(ends[1]);
				pp->other = ends[0];
				pp->base = ends[1];
			} else {
				cr_fail(p->err, "cannot create pipe %u (%d)",
					pp->rec.id, ret);
			}
		}
		if (ret)
			return ret;
		if (pp->rec.capacity != ((u64)PIPE_DEF_BUFFERS << PAGE_SHIFT)) {
			long size = cr_fault("sizing a pipe") ? -CR_FAULT_ERRNO :
				    crmod_sym_pipe_fcntl(pp->base, F_SETPIPE_SZ,
							 pp->rec.capacity);

			if (size < 0)
				return cr_fail(p->err, "cannot size pipe %u to %llu bytes (%ld)",
					       pp->rec.id, pp->rec.capacity, size);
		}
		if (!pp->rec.len)
			continue;
		n = cr_fault("filling a pipe") ? -CR_FAULT_ERRNO :
		    kernel_write(pp->base, pp->data, pp->rec.len, &pos);
		if (n != pp->rec.len)
			return cr_fail(p->err, "cannot refill pipe %u with %llu bytes (%zd)",
				       pp->rec.id, pp->rec.len, n);
	}
	return 0;
}

/*
 * An open end, as the image's open file had it: opened anew on the pipe's
 * inode, as /proc/PID/fd/N would open it, never waiting for a partner.
 */
struct file *cr_plan_open_pipe_end(struct cr_plan *p,
				   const struct crmod_ofd *ofd)
{
	struct cr_plan_pipe *pp = &p->pipes[ofd->object - 1];
	struct file *f;

	f = cr_dentry_open(&pp->base->f_path, ofd->flags | O_NONBLOCK, current_cred());
	if (IS_ERR(f)) {
		cr_fail(p->err, "cannot open an end of pipe %u with flags %#o (%ld)",
			pp->rec.id, ofd->flags, PTR_ERR(f));
		return f;
	}
	spin_lock(&f->f_lock);
	f->f_flags = (f->f_flags & ~O_NONBLOCK) | (ofd->flags & O_NONBLOCK);
	spin_unlock(&f->f_lock);
	return f;
}

void cr_plan_pipes_free(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_pipes; i++) {
		if (p->pipes[i].base)
			cr_fput(p->pipes[i].base);
		if (p->pipes[i].other)
			cr_fput(p->pipes[i].other);
		cr_free(p->pipes[i].data);
	}
	cr_free(p->pipes);
}
