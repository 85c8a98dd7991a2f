// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: files. The files an image refers to (executable, mappings, open
 * files, cwd) are recorded by path with their identity, and the fd table
 * by number, flags and position.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/namei.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stat.h>

#include "crmod.h"
#include "resolver.h"

/* An image holds at most this many files and fds: beyond is corruption. */
#define CR_MAX_FILES	65536
#define CR_MAX_FDS	65536

/* Open flags an fd keeps across checkpoint and restart. */
#define CR_FD_FILE_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			  O_DIRECT | O_NOATIME | O_SYNC | O_LARGEFILE)

static int cr_stat(struct file *file, struct kstat *st)
{
	return vfs_getattr(&file->f_path, st, STATX_BASIC_STATS,
			   AT_STATX_SYNC_AS_STAT);
}

int cr_file_register(struct cr_ckpt *ck, struct file *file, u32 kind,
		     u32 *id)
{
	struct cr_file_ref *ref;
	struct kstat st;
	char *buf, *path;
	u32 i;
	int ret;

	for (i = 0; i < ck->nr_files; i++) {
		if (file_inode(ck->files[i].file) == file_inode(file) &&
		    ck->files[i].rec.kind == kind) {
			*id = ck->files[i].rec.id;
			return 0;
		}
	}
	if (ck->nr_files == CR_MAX_FILES)
		return cr_fail(ck->err, "more than %d files", CR_MAX_FILES);
	if (ck->nr_files == ck->cap_files) {
		u32 cap = max(16U, ck->cap_files * 2);
		struct cr_file_ref *files;

		files = krealloc_array(ck->files, cap, sizeof(*files),
				       GFP_KERNEL);
		if (!files)
			return -ENOMEM;
		ck->files = files;
		ck->cap_files = cap;
	}

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	path = d_path(&file->f_path, buf, PATH_MAX);
	if (IS_ERR(path)) {
		kfree(buf);
		return cr_fail(ck->err, "a file's path is too long (%ld)",
			       PTR_ERR(path));
	}
	/* Pseudo files (memfd, shmem) have no link though not "unlinked". */
	if (d_unlinked(file->f_path.dentry) || !file_inode(file)->i_nlink) {
		cr_fail(ck->err, "%s was deleted: restart could not find it",
			path);
		kfree(buf);
		return -ENOENT;
	}
	path = kstrdup(path, GFP_KERNEL);
	kfree(buf);
	if (!path)
		return -ENOMEM;
	ret = cr_stat(file, &st);
	if (ret) {
		cr_fail(ck->err, "cannot stat %s (%d)", path, ret);
		kfree(path);
		return ret;
	}

	ref = &ck->files[ck->nr_files];
	memset(ref, 0, sizeof(*ref));
	ref->file = get_file(file);
	ref->path = path;
	ref->rec.id = ++ck->nr_files;
	ref->rec.kind = kind;
	ref->rec.size = st.size;
	ref->rec.mtime_sec = st.mtime.tv_sec;
	ref->rec.mtime_nsec = st.mtime.tv_nsec;
	ref->rec.mode = st.mode;
	ref->rec.ino = st.ino;
	ref->rec.path_len = strlen(path) + 1;
	*id = ref->rec.id;
	return 0;
}

void cr_files_release(struct cr_file_ref *files, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (files[i].file)
			fput(files[i].file);
		kfree(files[i].path);
	}
	kfree(files);
}

int cr_write_files(struct cr_ckpt *ck)
{
	u32 i;
	int ret;

	for (i = 0; i < ck->nr_files; i++) {
		struct cr_file_ref *ref = &ck->files[i];
		size_t len = sizeof(ref->rec) + ref->rec.path_len;
		u8 *payload = kmalloc(len, GFP_KERNEL);

		if (!payload)
			return -ENOMEM;
		memcpy(payload, &ref->rec, sizeof(ref->rec));
		memcpy(payload + sizeof(ref->rec), ref->path,
		       ref->rec.path_len);
		ret = cr_write_section(&ck->w, CRMOD_SEC_FILE, payload, len);
		kfree(payload);
		if (ret)
			return ret;
	}
	return 0;
}

static bool cr_is_dev(struct inode *inode, unsigned int major,
		      unsigned int minor)
{
	return S_ISCHR(inode->i_mode) &&
	       inode->i_rdev == MKDEV(major, minor);
}

/* A terminal or a pipe from outside on stdio: restart hands over its own. */
static bool cr_is_stdio_kind(struct inode *inode, unsigned int fd)
{
	unsigned int major = imajor(inode);

	if (fd > 2)
		return false;
	if (S_ISFIFO(inode->i_mode) || S_ISSOCK(inode->i_mode))
		return true;
	return S_ISCHR(inode->i_mode) &&
	       (major == TTY_MAJOR || major == TTYAUX_MAJOR ||
		(major >= UNIX98_PTY_SLAVE_MAJOR &&
		 major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT));
}

static const char *cr_kind_name(umode_t mode)
{
	if (S_ISFIFO(mode))
		return "a pipe";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISDIR(mode))
		return "a directory";
	return "a special file";
}

static int cr_dump_fd(struct cr_ckpt *ck, unsigned int fd, struct file *file,
		      bool cloexec)
{
	struct inode *inode = file_inode(file);
	struct crmod_fd *rec;
	int ret;

	if (ck->nr_fds == CR_MAX_FDS)
		return cr_fail(ck->err, "more than %d open fds", CR_MAX_FDS);
	if (ck->nr_fds % 64 == 0) {
		struct crmod_fd *fds;

		fds = krealloc_array(ck->fds, ck->nr_fds + 64, sizeof(*fds),
				     GFP_KERNEL);
		if (!fds)
			return -ENOMEM;
		ck->fds = fds;
	}
	rec = &ck->fds[ck->nr_fds];
	memset(rec, 0, sizeof(*rec));
	rec->fd = fd;
	rec->fd_flags = cloexec ? CRMOD_FD_CLOEXEC : 0;
	rec->file_flags = file->f_flags & CR_FD_FILE_FLAGS;
	rec->pos = file->f_pos;

	if (file->f_mode & FMODE_PATH) {
		return cr_fail(ck->err, "fd %u is an O_PATH fd: crmod cannot checkpoint that yet",
			       fd);
	} else if (cr_is_pipe(file)) {
		rec->kind = CRMOD_FD_PIPE;
		rec->pos = 0;
		ret = cr_pipe_register(ck, file, &rec->file);
		if (ret)
			return ret;
	} else if (S_ISREG(inode->i_mode)) {
		rec->kind = CRMOD_FD_FILE;
		ret = cr_file_register(ck, file, CRMOD_FILE_REGULAR,
				       &rec->file);
		if (ret)
			return ret;
	} else if (cr_is_dev(inode, MEM_MAJOR, 3)) {
		rec->kind = CRMOD_FD_DEVNULL;
	} else if (cr_is_dev(inode, MEM_MAJOR, 5)) {
		rec->kind = CRMOD_FD_DEVZERO;
	} else if (cr_is_stdio_kind(inode, fd)) {
		rec->kind = CRMOD_FD_INHERIT;
		rec->pos = 0;
	} else {
		return cr_fail(ck->err, "fd %u is %s: crmod cannot checkpoint that yet",
			       fd, cr_kind_name(inode->i_mode));
	}
	ck->nr_fds++;
	return 0;
}

int cr_dump_fds(struct cr_ckpt *ck)
{
	unsigned int fd;
	int ret = 0;

	for (fd = 0;; fd++) {
		struct files_struct *files;
		struct file *file;
		bool cloexec = false;

		rcu_read_lock();
		file = task_lookup_next_fd_rcu(ck->task, &fd);
		if (file && !get_file_rcu(file))
			file = NULL;
		task_lock(ck->task);
		files = ck->task->files;
		if (file && files)
			cloexec = close_on_exec(fd, files_fdtable(files));
		task_unlock(ck->task);
		rcu_read_unlock();
		if (!file)
			break;
		ret = cr_dump_fd(ck, fd, file, cloexec);
		fput(file);
		if (ret)
			break;
	}
	return ret ?: cr_pipes_resolve(ck);
}

/* Restart. */

struct cr_file_ref *cr_plan_file(struct cr_plan *p, u32 id)
{
	if (id == 0 || id > p->nr_files)
		return NULL;
	return &p->files[id - 1];
}

int cr_read_file(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_file *rec = payload;
	const char *path = payload + sizeof(*rec);
	struct cr_file_ref *files, *ref;

	if (len < sizeof(*rec) + 2)
		return cr_plan_fail(p, "length %llu is too short for a file record",
				    len);
	if (rec->path_len != len - sizeof(*rec))
		return cr_plan_fail(p, "path_len %u, but %llu path bytes follow",
				    rec->path_len, len - sizeof(*rec));
	if (path[rec->path_len - 1] || strlen(path) != rec->path_len - 1)
		return cr_plan_fail(p, "the path is not one NUL-terminated string");
	if (path[0] != '/')
		return cr_plan_fail(p, "path \"%s\" is not absolute", path);
	if (rec->id != p->nr_files + 1)
		return cr_plan_fail(p, "file id %u, expected %u", rec->id,
				    p->nr_files + 1);
	if (rec->kind != CRMOD_FILE_REGULAR &&
	    rec->kind != CRMOD_FILE_DIRECTORY)
		return cr_plan_fail(p, "unknown file kind %u", rec->kind);
	if (rec->reserved)
		return cr_plan_fail(p, "reserved field is %u, expected 0",
				    rec->reserved);
	if (p->nr_files == CR_MAX_FILES)
		return cr_plan_fail(p, "more than %d files", CR_MAX_FILES);

	files = krealloc_array(p->files, p->nr_files + 1, sizeof(*files),
			       GFP_KERNEL);
	if (!files)
		return -ENOMEM;
	p->files = files;
	ref = &files[p->nr_files];
	memset(ref, 0, sizeof(*ref));
	ref->rec = *rec;
	ref->path = kstrdup(path, GFP_KERNEL);
	if (!ref->path)
		return -ENOMEM;
	p->nr_files++;
	return 0;
}

/* Open every file the image names and check it is the one checkpointed. */
int cr_plan_check_files(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_files; i++) {
		struct cr_file_ref *ref = &p->files[i];
		int flags = O_RDONLY | O_LARGEFILE;
		struct kstat st;
		struct file *f;
		int ret;

		if (ref->rec.kind == CRMOD_FILE_DIRECTORY)
			flags |= O_DIRECTORY;
		f = filp_open(ref->path, flags, 0);
		if (IS_ERR(f)) {
			cr_fail(p->err,
				"%s: cannot open it (error %ld): it vanished or is not accessible",
				ref->path, PTR_ERR(f));
			return PTR_ERR(f);
		}
		ref->file = f;
		ret = cr_stat(f, &st);
		if (ret)
			return cr_fail(p->err, "%s: cannot stat it (%d)",
				       ref->path, ret);
		if ((st.mode & S_IFMT) != (ref->rec.mode & S_IFMT))
			return cr_fail(p->err,
				       "%s changed since the checkpoint: file type %o, was %o",
				       ref->path, st.mode & S_IFMT,
				       ref->rec.mode & S_IFMT);
		if (ref->rec.kind == CRMOD_FILE_DIRECTORY)
			continue;
		if (st.size != ref->rec.size)
			return cr_fail(p->err,
				       "%s changed since the checkpoint: size %lld, was %llu",
				       ref->path, st.size, ref->rec.size);
		if (st.mtime.tv_sec != ref->rec.mtime_sec ||
		    st.mtime.tv_nsec != ref->rec.mtime_nsec)
			return cr_fail(p->err,
				       "%s changed since the checkpoint: modified at %lld.%09ld, was %lld.%09u",
				       ref->path, st.mtime.tv_sec,
				       st.mtime.tv_nsec, ref->rec.mtime_sec,
				       ref->rec.mtime_nsec);
	}
	return 0;
}

int cr_read_fds(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_fd *fds = payload;
	u64 n = len / sizeof(*fds);
	u64 i;

	if (p->fds)
		return cr_plan_fail(p, "a second FDS section");
	if (len % sizeof(*fds))
		return cr_plan_fail(p, "length %llu is not a multiple of %zu",
				    len, sizeof(*fds));
	if (n > CR_MAX_FDS)
		return cr_plan_fail(p, "%llu fds, at most %d", n, CR_MAX_FDS);
	for (i = 0; i < n; i++) {
		const struct crmod_fd *fd = &fds[i];

		if (i && fd->fd <= fds[i - 1].fd)
			return cr_plan_fail(p, "fd entry %llu: fd %u after fd %u: not sorted",
					    i, fd->fd, fds[i - 1].fd);
		if (fd->kind < CRMOD_FD_FILE || fd->kind > CRMOD_FD_PIPE)
			return cr_plan_fail(p, "fd %u: unknown kind %u",
					    fd->fd, fd->kind);
		if (fd->fd_flags & ~CRMOD_FD_CLOEXEC)
			return cr_plan_fail(p, "fd %u: unknown fd flags %#x",
					    fd->fd, fd->fd_flags);
		if (fd->file_flags & ~CR_FD_FILE_FLAGS)
			return cr_plan_fail(p, "fd %u: unexpected open flags %#x",
					    fd->fd, fd->file_flags);
		if ((fd->kind == CRMOD_FD_FILE || fd->kind == CRMOD_FD_PIPE) &&
		    fd->file == 0)
			return cr_plan_fail(p, "fd %u: no file", fd->fd);
		if (fd->kind != CRMOD_FD_FILE && fd->kind != CRMOD_FD_PIPE &&
		    fd->file)
			return cr_plan_fail(p, "fd %u: file %u on an fd of kind %u",
					    fd->fd, fd->file, fd->kind);
		if (fd->pos < 0)
			return cr_plan_fail(p, "fd %u: negative position %lld",
					    fd->fd, fd->pos);
		if (fd->reserved)
			return cr_plan_fail(p, "fd %u: reserved field is %u",
					    fd->fd, fd->reserved);
	}
	p->fds = kmemdup(payload, len ?: 1, GFP_KERNEL);
	p->fd_files = kcalloc(n ?: 1, sizeof(*p->fd_files), GFP_KERNEL);
	if (!p->fds || !p->fd_files)
		return -ENOMEM;
	p->nr_fds = n;
	return 0;
}

/* Open the image's fds as new files, not yet installed in the caller. */
int cr_plan_open_fds(struct cr_plan *p)
{
	unsigned long nofile = rlimit(RLIMIT_NOFILE);
	u32 i;

	if (atomic_read(&current->files->count) != 1)
		return cr_fail(p->err, "the restarting process shares its fd table");
	for (i = 0; i < p->nr_fds; i++) {
		const struct crmod_fd *fd = &p->fds[i];
		int flags = fd->file_flags | O_LARGEFILE;
		const char *path;
		struct file *f;

		if (fd->fd >= nofile)
			return cr_fail(p->err,
				       "fd %u is beyond the restarting process's open file limit %lu",
				       fd->fd, nofile);
		switch (fd->kind) {
		case CRMOD_FD_INHERIT:
			f = fget(fd->fd);
			if (!f)
				return cr_fail(p->err,
					       "fd %u was a terminal or a pipe, to be taken from the restarting process, which has no fd %u",
					       fd->fd, fd->fd);
			fput(f);
			continue;
		case CRMOD_FD_PIPE:
			p->fd_files[i] = cr_plan_pipe_end(p, fd);
			if (!p->fd_files[i])
				return cr_fail(p->err,
					       "fd %u refers to pipe %u with access mode %#o: the image has no such pipe end",
					       fd->fd, fd->file,
					       fd->file_flags & O_ACCMODE);
			continue;
		case CRMOD_FD_DEVNULL:
			path = "/dev/null";
			break;
		case CRMOD_FD_DEVZERO:
			path = "/dev/zero";
			break;
		default: {
			struct cr_file_ref *ref = cr_plan_file(p, fd->file);

			if (!ref || ref->rec.kind != CRMOD_FILE_REGULAR)
				return cr_fail(p->err,
					       "fd %u refers to file %u, which the image does not define as a regular file",
					       fd->fd, fd->file);
			path = ref->path;
		}
		}
		f = filp_open(path, flags, 0);
		if (IS_ERR(f)) {
			cr_fail(p->err, "fd %u: cannot open %s (error %ld)",
				fd->fd, path, PTR_ERR(f));
			return PTR_ERR(f);
		}
		p->fd_files[i] = f;
		if (fd->kind == CRMOD_FD_FILE && fd->pos) {
			loff_t pos = vfs_llseek(f, fd->pos, SEEK_SET);

			if (pos != fd->pos)
				return cr_fail(p->err, "fd %u: cannot seek %s to %lld (%lld)",
					       fd->fd, path, fd->pos, pos);
		}
	}
	return 0;
}

static const struct crmod_fd *cr_plan_fd(struct cr_plan *p, unsigned int fd)
{
	u32 i;

	for (i = 0; i < p->nr_fds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

/* Past the point of no return: the caller's fd table becomes the image's. */
int cr_restore_fds(struct cr_plan *p)
{
	unsigned int fd;
	u32 i;
	int ret;

	for (fd = 0;; fd++) {
		const struct crmod_fd *rec;
		struct file *file;

		rcu_read_lock();
		file = task_lookup_next_fd_rcu(current, &fd);
		rcu_read_unlock();
		if (!file)
			break;
		rec = cr_plan_fd(p, fd);
		if (!rec || rec->kind != CRMOD_FD_INHERIT)
			close_fd(fd);
	}
	for (i = 0; i < p->nr_fds; i++) {
		const struct crmod_fd *rec = &p->fds[i];
		unsigned int flags = rec->fd_flags & CRMOD_FD_CLOEXEC ?
				     O_CLOEXEC : 0;
		struct file *file = p->fd_files[i];

		if (!file) {
			/* Inherited: install it again to set close-on-exec. */
			file = fget(rec->fd);
			if (!file)
				return cr_fail(p->err, "fd %u vanished during restart",
					       rec->fd);
			ret = crmod_sym_replace_fd(rec->fd, file, flags);
			fput(file);
		} else {
			ret = crmod_sym_replace_fd(rec->fd, file, flags);
		}
		if (ret < 0)
			return cr_fail(p->err, "cannot install fd %u (%d)",
				       rec->fd, ret);
	}
	return 0;
}
