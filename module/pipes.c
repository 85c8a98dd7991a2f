// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: pipes the process holds both ends of. Their buffered bytes are
 * read without being consumed and written into a new pipe on restart. A
 * pipe end on stdio whose other end is outside is handed over instead.
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
#include "resolver.h"

#define CR_MAX_PIPES	4096

bool cr_is_pipe(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISFIFO(inode->i_mode) && inode->i_sb->s_magic == PIPEFS_MAGIC;
}

int cr_pipe_register(struct cr_ckpt *ck, struct file *file, u32 *id)
{
	struct pipe_inode_info *pipe = file_inode(file)->i_pipe;
	struct cr_pipe_ref *ref;
	u32 i;

	for (i = 0; i < ck->nr_pipes; i++)
		if (ck->pipes[i].pipe == pipe)
			break;
	if (i == ck->nr_pipes) {
		struct cr_pipe_ref *pipes;

		if (i == CR_MAX_PIPES)
			return cr_fail(ck->err, "more than %d pipes", CR_MAX_PIPES);
		pipes = krealloc_array(ck->pipes, i + 1, sizeof(*pipes),
				       GFP_KERNEL);
		if (!pipes)
			return -ENOMEM;
		ck->pipes = pipes;
		memset(&pipes[i], 0, sizeof(pipes[i]));
		pipes[i].pipe = pipe;
		pipes[i].file = get_file(file);
		ck->nr_pipes++;
	}
	ref = &ck->pipes[i];
	ref->ends |= file->f_mode & (FMODE_READ | FMODE_WRITE);
	*id = i + 1;
	return 0;
}

/*
 * Once every fd is seen: a pipe with an end outside the process is handed
 * over on stdio, refused elsewhere. Kept pipes are numbered 1.. again.
 */
int cr_pipes_resolve(struct cr_ckpt *ck)
{
	u32 i, kept = 0;

	for (i = 0; i < ck->nr_pipes; i++) {
		if (ck->pipes[i].ends == (FMODE_READ | FMODE_WRITE))
			ck->pipes[i].id = ++kept;
	}
	for (i = 0; i < ck->nr_fds; i++) {
		struct crmod_fd *fd = &ck->fds[i];
		struct cr_pipe_ref *ref;

		if (fd->kind != CRMOD_FD_PIPE)
			continue;
		ref = &ck->pipes[fd->file - 1];
		if (ref->id) {
			fd->file = ref->id;
		} else if (fd->fd <= 2) {
			fd->kind = CRMOD_FD_INHERIT;
			fd->file = 0;
		} else {
			return cr_fail(ck->err,
				       "fd %u is an end of a pipe whose other end is outside the process: crmod cannot checkpoint that yet",
				       fd->fd);
		}
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
	for (slot = pipe->tail; slot != pipe->head; slot++)
		len += pipe->bufs[slot & (pipe->ring_size - 1)].len;
	rec = kvzalloc(sizeof(*rec) + len, GFP_KERNEL);
	if (!rec) {
		pipe_unlock(pipe);
		return -ENOMEM;
	}
	rec->id = ref->id;
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
	kvfree(rec);
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
			fput(pipes[i].file);
	}
	kfree(pipes);
}

/* Restart. */

int cr_read_pipe(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_pipe *rec = payload;
	struct cr_plan_pipe *pipes, *pp;

	if (len < sizeof(*rec) || rec->len != len - sizeof(*rec))
		return cr_plan_fail(p, "length %llu does not fit a pipe record of %llu bytes",
				    len, len < sizeof(*rec) ? 0 : rec->len);
	if (rec->id != p->nr_pipes + 1)
		return cr_plan_fail(p, "pipe id %u, expected %u", rec->id,
				    p->nr_pipes + 1);
	if (rec->reserved)
		return cr_plan_fail(p, "reserved field is %u", rec->reserved);
	if (rec->capacity < PAGE_SIZE || rec->capacity > (1U << 31) ||
	    rec->len > rec->capacity)
		return cr_plan_fail(p, "a pipe of %llu bytes holding %llu",
				    rec->capacity, rec->len);
	if (p->nr_pipes == CR_MAX_PIPES)
		return cr_plan_fail(p, "more than %d pipes", CR_MAX_PIPES);
	pipes = krealloc_array(p->pipes, p->nr_pipes + 1, sizeof(*pipes),
			       GFP_KERNEL);
	if (!pipes)
		return -ENOMEM;
	p->pipes = pipes;
	pp = &pipes[p->nr_pipes];
	memset(pp, 0, sizeof(*pp));
	pp->rec = *rec;
	pp->data = kvmalloc(rec->len ?: 1, GFP_KERNEL);
	if (!pp->data)
		return -ENOMEM;
	memcpy(pp->data, rec + 1, rec->len);
	p->nr_pipes++;
	return 0;
}

/* New pipes, filled, not yet installed: the caller does not see them. */
int cr_plan_open_pipes(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_pipes; i++) {
		struct cr_plan_pipe *pp = &p->pipes[i];
		loff_t pos = 0;
		ssize_t n;

		ret = crmod_sym_create_pipe_files(pp->end, O_NONBLOCK);
		if (ret) {
			pp->end[0] = NULL;
			pp->end[1] = NULL;
			return cr_fail(p->err, "cannot create pipe %u (%d)",
				       pp->rec.id, ret);
		}
		if (pp->rec.capacity != ((u64)PIPE_DEF_BUFFERS << PAGE_SHIFT)) {
			long size = crmod_sym_pipe_fcntl(pp->end[1], F_SETPIPE_SZ,
							 pp->rec.capacity);

			if (size < 0)
				return cr_fail(p->err, "cannot size pipe %u to %llu bytes (%ld)",
					       pp->rec.id, pp->rec.capacity, size);
		}
		if (!pp->rec.len)
			continue;
		n = kernel_write(pp->end[1], pp->data, pp->rec.len, &pos);
		if (n != pp->rec.len)
			return cr_fail(p->err, "cannot refill pipe %u with %llu bytes (%zd)",
				       pp->rec.id, pp->rec.len, n);
	}
	return 0;
}

/* The pipe end an fd record names, referenced, with its O_NONBLOCK. */
struct file *cr_plan_pipe_end(struct cr_plan *p, const struct crmod_fd *fd)
{
	int acc = fd->file_flags & O_ACCMODE;
	struct file *f;

	if (fd->file == 0 || fd->file > p->nr_pipes ||
	    (acc != O_RDONLY && acc != O_WRONLY))
		return NULL;
	f = p->pipes[fd->file - 1].end[acc == O_WRONLY];
	spin_lock(&f->f_lock);
	f->f_flags = (f->f_flags & ~O_NONBLOCK) | (fd->file_flags & O_NONBLOCK);
	spin_unlock(&f->f_lock);
	return get_file(f);
}

void cr_plan_pipes_free(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_pipes; i++) {
		if (p->pipes[i].end[0])
			fput(p->pipes[i].end[0]);
		if (p->pipes[i].end[1])
			fput(p->pipes[i].end[1]);
		kvfree(p->pipes[i].data);
	}
	kfree(p->pipes);
}
