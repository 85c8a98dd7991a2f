// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the files an image refers to (executable, mappings, open files,
 * cwd and root), as crmod_file records. A file found again by path is
 * recorded with its identity, which restart checks before it opens it for
 * use; unlinked files, memfds and shared memory carry their content
 * (filedata.c). Every other kind of file is refused at checkpoint by name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

/* An image holds at most this many files: beyond is corruption. */
#define CR_MAX_FILES	65536

/* Magic numbers of filesystems some kernels do not name in <linux/magic.h>. */
#define CR_AIO_RING_MAGIC	0xa10a10a1
#define CR_MQUEUE_MAGIC		0x19800202
#define CR_PID_FS_MAGIC		0x50494446

static int cr_stat(struct file *file, struct kstat *st)
{
	if (cr_fault("stat of a file"))
		return -CR_FAULT_ERRNO;
	return vfs_getattr(&file->f_path, st, STATX_BASIC_STATS,
			   AT_STATX_SYNC_AS_STAT);
}

static bool cr_path_kind(u32 kind)
{
	switch (kind) {
	case CRMOD_STATE_REGULAR_FILE:
	case CRMOD_STATE_DIRECTORY:
	case CRMOD_STATE_SYMLINK:
	case CRMOD_STATE_CHAR_DEVICE:
	case CRMOD_STATE_FIFO:
	case CRMOD_STATE_KERNEL_VIEW_FILE:
		return true;
	default:
		return false;
	}
}

/* The file type each kind of file record must have. */
static umode_t cr_kind_type(u32 kind)
{
	switch (kind) {
	case CRMOD_STATE_DIRECTORY:
		return S_IFDIR;
	case CRMOD_STATE_SYMLINK:
		return S_IFLNK;
	case CRMOD_STATE_CHAR_DEVICE:
		return S_IFCHR;
	case CRMOD_STATE_FIFO:
		return S_IFIFO;
	default:
		return S_IFREG;
	}
}

/* The memory devices any process may open: null, zero, full, random, urandom. */
static bool cr_plain_device(dev_t rdev)
{
	if (MAJOR(rdev) != MEM_MAJOR)
		return false;
	switch (MINOR(rdev)) {
	case 3: case 5: case 7: case 8: case 9:
		return true;
	default:
		return false;
	}
}

/* An anonymous-inode file names itself, e.g. "[eventfd]". */
static u32 cr_anon_inode_kind(const char *name)
{
	static const struct {
		const char *name;
		u32 kind;
	} names[] = {
		{ "[eventfd]", CRMOD_STATE_EVENTFD },
		{ "[eventpoll]", CRMOD_STATE_EPOLL },
		{ "[signalfd]", CRMOD_STATE_SIGNALFD },
		{ "[timerfd]", CRMOD_STATE_TIMERFD },
		{ "inotify", CRMOD_STATE_INOTIFY },
		{ "[fanotify]", CRMOD_STATE_INOTIFY },
		{ "[io_uring]", CRMOD_STATE_IO_URING },
		{ "[userfaultfd]", CRMOD_STATE_USERFAULTFD },
		{ "[pidfd]", CRMOD_STATE_PIDFD },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i].name))
			return names[i].kind;
	return CRMOD_STATE_ANON_INODE;
}

/* Filesystems whose files are views of the kernel, never found by path. */
static u32 cr_kernel_fs_kind(unsigned long magic)
{
	switch (magic) {
	case ANON_INODE_FS_MAGIC:
		return CRMOD_STATE_ANON_INODE;
	case SOCKFS_MAGIC:
		return CRMOD_STATE_SOCKET;
	case NSFS_MAGIC:
		return CRMOD_STATE_NAMESPACE_FILE;
	case CR_AIO_RING_MAGIC:
		return CRMOD_STATE_AIO;
	case CR_PID_FS_MAGIC:
		return CRMOD_STATE_PIDFD;
	case HUGETLBFS_MAGIC:
		return CRMOD_STATE_HUGETLB;
	case PROC_SUPER_MAGIC: case SYSFS_MAGIC: case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC: case SECURITYFS_MAGIC: case SELINUX_MAGIC:
	case SMACK_MAGIC: case CGROUP_SUPER_MAGIC: case CGROUP2_SUPER_MAGIC:
	case BPF_FS_MAGIC: case PSTOREFS_MAGIC: case EFIVARFS_MAGIC:
	case BINFMTFS_MAGIC: case CR_MQUEUE_MAGIC: case RDTGROUP_SUPER_MAGIC:
	case DEVPTS_SUPER_MAGIC: case BINDERFS_SUPER_MAGIC:
	case SECRETMEM_MAGIC: case DMA_BUF_MAGIC: case BDEVFS_MAGIC:
		return CRMOD_STATE_KERNEL_FS_FILE;
	default:
		return 0;
	}
}

/* kernel-internal shmem objects: memfd_create, shared anonymous, SysV. */
static u32 cr_shmem_kind(const char *name)
{
	if (!strncmp(name, "memfd:", 6))
		return CRMOD_STATE_MEMFD;
	if (!strcmp(name, "dev/zero"))
		return CRMOD_STATE_SHARED_ANON;
	if (!strncmp(name, "SYSV", 4))
		return CRMOD_STATE_SYSV_IPC;
	return CRMOD_STATE_ANON_INODE;
}

/*
 * Does the path d_path() gives lead back to this very file, from the
 * checkpointing caller's root (as restart will look for it)? Not if it
 * was opened in another mount namespace, or is mounted over now.
 */
static bool cr_reachable(struct file *file, const char *path)
{
	struct path found;
	bool same;

	if (path[0] != '/' || cr_fault("looking up a path") ||
	    kern_path(path, 0, &found))
		return false;
	/*
	 * The same dentry, through its own mount or a copy of it: a file
	 * crctl opened for a restarted process before it made the process's
	 * mount namespace is found there through that namespace's copy.
	 */
	same = found.dentry == file->f_path.dentry &&
	       found.mnt->mnt_root == file->f_path.mnt->mnt_root;
	path_put(&found);
	return same;
}

/* d_path() into buf, without the " (deleted)" it adds to unlinked names. */
static char *cr_d_path(struct file *file, char *buf, int len)
{
	char *path = d_path(&file->f_path, buf, len);
	size_t n;

	if (IS_ERR(path))
		return path;
	n = strlen(path);
	if (d_unlinked(file->f_path.dentry) && n > 10 &&
	    !strcmp(path + n - 10, " (deleted)"))
		path[n - 10] = 0;
	return path;
}

int cr_file_classify(struct cr_ckpt *ck, struct file *file, const char *what,
		     u32 *kind)
{
	struct inode *inode = file_inode(file);
	struct super_block *sb = inode->i_sb;
	struct dentry *dentry = file->f_path.dentry;
	umode_t mode = inode->i_mode;
	bool path_only = file->f_mode & FMODE_PATH;
	u32 k = cr_kernel_fs_kind(sb->s_magic);

	/* read and reopened by path, what they show needs no saving */
	if ((sb->s_magic == PROC_SUPER_MAGIC || sb->s_magic == SYSFS_MAGIC) &&
	    S_ISREG(mode) && !(file->f_mode & FMODE_WRITE)) {
		*kind = CRMOD_STATE_KERNEL_VIEW_FILE;
		return 0;
	}
	if (k == CRMOD_STATE_ANON_INODE)
		k = cr_anon_inode_kind(dentry->d_name.name);
	if (!k && sb->s_magic == TMPFS_MAGIC && (sb->s_flags & SB_NOUSER))
		k = cr_shmem_kind(dentry->d_name.name);
	if (!k && (sb->s_flags & SB_NOUSER))
		k = CRMOD_STATE_ANON_INODE;
	if (k == CRMOD_STATE_MEMFD || k == CRMOD_STATE_SHARED_ANON) {
		*kind = k;
		return 0;
	}
	if (k)
		return cr_refuse(ck->err, k, "%s", what);

	if (S_ISDIR(mode))
		k = CRMOD_STATE_DIRECTORY;
	else if (S_ISLNK(mode))
		k = CRMOD_STATE_SYMLINK;
	else if (S_ISFIFO(mode))
		k = CRMOD_STATE_FIFO;
	else if (S_ISCHR(mode) && (path_only || cr_plain_device(inode->i_rdev)))
		k = CRMOD_STATE_CHAR_DEVICE;
	else if (S_ISREG(mode))
		k = CRMOD_STATE_REGULAR_FILE;
	else if (S_ISSOCK(mode))
		return cr_refuse(ck->err, CRMOD_STATE_SOCKET,
				 "%s is a socket file", what);
	else
		return cr_refuse(ck->err, CRMOD_STATE_DEVICE,
				 "%s is the device %u:%u", what,
				 MAJOR(inode->i_rdev), MINOR(inode->i_rdev));

	if (d_unlinked(dentry)) {
		if (k != CRMOD_STATE_REGULAR_FILE)
			return cr_refuse(ck->err, CRMOD_STATE_UNREACHABLE_FILE,
					 "%s was deleted", what);
		if (inode->i_nlink)
			return cr_refuse(ck->err, CRMOD_STATE_UNLINKED_OTHER_NAME,
					 "%s was deleted, but has %u other name%s",
					 what, inode->i_nlink,
					 inode->i_nlink == 1 ? "" : "s");
		k = CRMOD_STATE_UNLINKED_FILE;
	}
	*kind = k;
	return 0;
}

/*
 * The path a file of /proc or /sys is found by at restart. The process's
 * own files in /proc are found again as /proc/self/..., the restarted
 * process's; those of another process or of a thread cannot be.
 */
static int cr_kernel_view_path(struct cr_ckpt *ck, struct file *file,
			       char **path)
{
	struct super_block *sb = file_inode(file)->i_sb;
	const char *rest, *top = sb->s_magic == PROC_SUPER_MAGIC ? "/proc/" :
								 "/sys/";
	unsigned long pid;
	const char *end;
	char num[16], *self;

	if (strncmp(*path, top, strlen(top)))
		return cr_refuse(ck->err, CRMOD_STATE_KERNEL_FS_FILE,
				 "%s: a file of a kernel filesystem mounted elsewhere than %s",
				 *path, top);
	rest = *path + strlen(top);
	if (sb->s_magic != PROC_SUPER_MAGIC || !isdigit(*rest))
		return 0;
	for (end = rest; isdigit(*end); end++)
		;
	if ((*end && *end != '/') || end - rest >= sizeof(num))
		return 0;
	memcpy(num, rest, end - rest);
	num[end - rest] = 0;
	if (kstrtoul(num, 10, &pid))
		return 0;
	if (pid != task_tgid_nr_ns(ck->task, proc_sb_info(sb)->pid_ns))
		return cr_refuse(ck->err, CRMOD_STATE_PROC_OTHER_PROCESS,
				 "%s is a file of process %lu", *path, pid);
	if (!strncmp(end, "/task/", 6))
		return cr_refuse(ck->err, CRMOD_STATE_PROC_OTHER_PROCESS,
				 "%s is a file of a thread", *path);
	self = cr_alloc(strlen(end) + sizeof("/proc/self"));
	if (!self)
		return -ENOMEM;
	sprintf(self, "/proc/self%s", end);
	cr_free(*path);
	*path = self;
	return 0;
}

static struct cr_file_ref *cr_file_new(struct cr_ckpt *ck)
{
	struct cr_file_ref *ref;
	int ret;

	ret = cr_plan_grow((void **)&ck->files, ck->nr_files, &ck->cap_files,
			   sizeof(*ck->files), CR_MAX_FILES);
	if (ret == -E2BIG)
		cr_fail(ck->err, "more than %d files", CR_MAX_FILES);
	if (ret)
		return ERR_PTR(ret);
	ref = &ck->files[ck->nr_files];
	memset(ref, 0, sizeof(*ref));
	return ref;
}

/* A directory by its path, e.g. an unlinked file's. */
static int cr_register_parent(struct cr_ckpt *ck, struct file *file, u32 *id)
{
	struct dentry *parent = dget_parent(file->f_path.dentry);
	struct path path = { .mnt = file->f_path.mnt, .dentry = parent };
	struct file *dir;
	int ret;

	dir = cr_dentry_open(&path, O_PATH | O_DIRECTORY, current_cred());
	dput(parent);
	if (IS_ERR(dir))
		return cr_fail(ck->err, "cannot open the directory of a deleted file (%ld)",
			       PTR_ERR(dir));
	ret = cr_file_register(ck, dir, CRMOD_STATE_DIRECTORY, id);
	cr_fput(dir);
	return ret;
}

int cr_file_register(struct cr_ckpt *ck, struct file *file, u32 kind,
		     u32 *id)
{
	struct user_namespace *ns = current_user_ns();
	struct cr_file_ref *ref;
	struct kstat st;
	char *buf, *path;
	u32 i, dir = 0;
	int ret;

	for (i = 0; i < ck->nr_files; i++) {
		if (file_inode(ck->files[i].file) == file_inode(file) &&
		    ck->files[i].rec.kind == kind) {
			*id = ck->files[i].rec.id;
			return 0;
		}
	}
	if (kind == CRMOD_STATE_UNLINKED_FILE) {
		ret = cr_register_parent(ck, file, &dir);
		if (ret)
			return ret;
	}

	buf = cr_alloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	if (kind == CRMOD_STATE_SHARED_ANON)
		path = "";
	else if (kind == CRMOD_STATE_MEMFD)
		path = (char *)file->f_path.dentry->d_name.name;
	else
		path = cr_d_path(file, buf, PATH_MAX);
	if (IS_ERR(path)) {
		cr_free(buf);
		return cr_fail(ck->err, "a file's path is too long (%ld)",
			       PTR_ERR(path));
	}
	if (cr_path_kind(kind) && !cr_reachable(file, path)) {
		ret = cr_refuse(ck->err, CRMOD_STATE_UNREACHABLE_FILE,
				"%s cannot be found by that path", path);
		cr_free(buf);
		return ret;
	}
	path = cr_strdup(path);
	cr_free(buf);
	if (!path)
		return -ENOMEM;
	if (kind == CRMOD_STATE_KERNEL_VIEW_FILE) {
		ret = cr_kernel_view_path(ck, file, &path);
		if (ret) {
			cr_free(path);
			return ret;
		}
	}
	ret = cr_stat(file, &st);
	if (ret) {
		cr_fail(ck->err, "cannot stat %s (%d)", path, ret);
		cr_free(path);
		return ret;
	}
	ref = cr_file_new(ck);
	if (IS_ERR(ref)) {
		cr_free(path);
		return PTR_ERR(ref);
	}
	ref->file = cr_file_get(file);
	ref->path = path;
	ref->rec.id = ck->nr_files + 1;
	ref->rec.kind = kind;
	ref->rec.size = st.size;
	ref->rec.mtime_sec = st.mtime.tv_sec;
	ref->rec.mtime_nsec = st.mtime.tv_nsec;
	ref->rec.mode = st.mode;
	ref->rec.ino = st.ino;
	ref->rec.uid = from_kuid_munged(ns, st.uid);
	ref->rec.gid = from_kgid_munged(ns, st.gid);
	ref->rec.dir = dir;
	if (kind == CRMOD_STATE_CHAR_DEVICE) {
		ref->rec.dev_major = MAJOR(st.rdev);
		ref->rec.dev_minor = MINOR(st.rdev);
	}
	ref->rec.path_len = strlen(path) + 1;
	ck->nr_files++;
	if (cr_is_content_kind(kind)) {
		ret = cr_content_register(ck, ref);
		if (ret)
			return ret;
	}
	*id = ref->rec.id;
	return 0;
}

void cr_files_release(struct cr_file_ref *files, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		if (files[i].file)
			cr_fput(files[i].file);
		if (files[i].mapped_ro)
			cr_fput(files[i].mapped_ro);
		if (files[i].mapped_rw)
			cr_fput(files[i].mapped_rw);
		cr_free(files[i].path);
	}
	cr_free(files);
}

int cr_write_files(struct cr_ckpt *ck)
{
	u32 i;
	int ret;

	for (i = 0; i < ck->nr_files; i++) {
		struct cr_file_ref *ref = &ck->files[i];
		size_t len = sizeof(ref->rec) + ref->rec.path_len;
		u8 *payload = cr_alloc(len);

		if (!payload)
			return -ENOMEM;
		memcpy(payload, &ref->rec, sizeof(ref->rec));
		memcpy(payload + sizeof(ref->rec), ref->path,
		       ref->rec.path_len);
		ret = cr_write_section(&ck->w, CRMOD_SEC_FILE, payload, len);
		cr_free(payload);
		if (!ret && cr_is_content_kind(ref->rec.kind))
			ret = cr_write_file_data(ck, ref);
		if (ret)
			return ret;
	}
	return 0;
}

/* Restart. */

/* What a file record's path field may hold, by kind. */
static int cr_check_record_path(struct cr_plan *p, const struct crmod_file *rec,
				const char *path)
{
	switch (rec->kind) {
	case CRMOD_STATE_SHARED_ANON:
		if (path[0])
			return cr_plan_fail(p, "shared memory has a name, \"%s\"",
					    path);
		return 0;
	case CRMOD_STATE_MEMFD:
		/* memfd_create(): at most 249 bytes after "memfd:" */
		if (strncmp(path, "memfd:", 6) || strlen(path) > 6 + 249 ||
		    strchr(path, '/'))
			return cr_plan_fail(p, "\"%s\" is not a memfd's name", path);
		return 0;
	case CRMOD_STATE_KERNEL_VIEW_FILE:
		if (strncmp(path, "/proc/", 6) && strncmp(path, "/sys/", 5))
			return cr_plan_fail(p, "\"%s\" is in neither /proc nor /sys",
					    path);
		return 0;
	default:
		if (path[0] != '/')
			return cr_plan_fail(p, "path \"%s\" is not absolute", path);
		return 0;
	}
}

int cr_read_file(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_file *rec = payload;
	const char *path = payload + sizeof(*rec);
	const struct cr_file_ref *dir;
	struct cr_file_ref *ref;
	int ret;

	if (len < sizeof(*rec) + 1)
		return cr_plan_fail(p, "length %llu is too short for a file record",
				    len);
	if (rec->path_len != len - sizeof(*rec))
		return cr_plan_fail(p, "path_len %u, but %llu path bytes follow",
				    rec->path_len, len - sizeof(*rec));
	if (path[rec->path_len - 1] || strlen(path) != rec->path_len - 1)
		return cr_plan_fail(p, "the path is not one NUL-terminated string");
	if (rec->id != p->nr_files + 1)
		return cr_plan_fail(p, "file id %u, expected %u", rec->id,
				    p->nr_files + 1);
	if (!cr_path_kind(rec->kind) && !cr_is_content_kind(rec->kind))
		return cr_plan_fail(p, "file kind %u: %s, which this module does not restore",
				    rec->kind, cr_state_text(rec->kind));
	ret = cr_check_record_path(p, rec, path);
	if (ret)
		return ret;
	if ((rec->mode & S_IFMT) != cr_kind_type(rec->kind) ||
	    (rec->mode & ~(S_IFMT | 07777)))
		return cr_plan_fail(p, "mode %#o does not fit a file of kind %s",
				    rec->mode, cr_state_text(rec->kind));
	if (rec->kind != CRMOD_STATE_CHAR_DEVICE &&
	    (rec->dev_major || rec->dev_minor))
		return cr_plan_fail(p, "a device number on a file that is no device");
	dir = cr_plan_file(p, rec->dir);
	if (rec->kind == CRMOD_STATE_UNLINKED_FILE ?
	    !dir || dir->rec.kind != CRMOD_STATE_DIRECTORY : rec->dir != 0)
		return cr_plan_fail(p, "directory %u does not fit a file of kind %s",
				    rec->dir, cr_state_text(rec->kind));
	if (rec->seals && rec->kind != CRMOD_STATE_MEMFD)
		return cr_plan_fail(p, "seals on a file that is no memfd");
	if (rec->size > MAX_LFS_FILESIZE)
		return cr_plan_fail(p, "size %llu is beyond any file's", rec->size);
	if (rec->reserved)
		return cr_plan_fail(p, "reserved field is %u, expected 0",
				    rec->reserved);

	ret = cr_plan_grow((void **)&p->files, p->nr_files, &p->cap_files,
			   sizeof(*p->files), CR_MAX_FILES);
	if (ret == -E2BIG)
		return cr_plan_fail(p, "more than %d files", CR_MAX_FILES);
	if (ret)
		return ret;
	ref = &p->files[p->nr_files];
	memset(ref, 0, sizeof(*ref));
	ref->rec = *rec;
	ref->path = cr_strdup(path);
	if (!ref->path)
		return -ENOMEM;
	p->nr_files++;
	return 0;
}

/* Phase 1: is the file at the path still the one checkpointed? */
static int cr_check_identity(struct cr_plan *p, struct cr_file_ref *ref)
{
	const struct crmod_file *rec = &ref->rec;
	struct kstat st;
	int ret;

	ret = cr_stat(ref->file, &st);
	if (ret)
		return cr_fail(p->err, "%s: cannot stat it (%d)", ref->path, ret);
	if ((st.mode & S_IFMT) != (rec->mode & S_IFMT))
		return cr_fail(p->err,
			       "%s changed since the checkpoint: file type %o, was %o",
			       ref->path, st.mode & S_IFMT, rec->mode & S_IFMT);
	switch (rec->kind) {
	case CRMOD_STATE_CHAR_DEVICE:
		if (MAJOR(st.rdev) != rec->dev_major ||
		    MINOR(st.rdev) != rec->dev_minor)
			return cr_fail(p->err,
				       "%s changed since the checkpoint: device %u:%u, was %u:%u",
				       ref->path, MAJOR(st.rdev), MINOR(st.rdev),
				       rec->dev_major, rec->dev_minor);
		return 0;
	case CRMOD_STATE_REGULAR_FILE:
		break;
	default:
		return 0;
	}
	if (st.size != rec->size)
		return cr_fail(p->err,
			       "%s changed since the checkpoint: size %lld, was %llu",
			       ref->path, st.size, rec->size);
	if (st.mtime.tv_sec != rec->mtime_sec ||
	    st.mtime.tv_nsec != rec->mtime_nsec)
		return cr_fail(p->err,
			       "%s changed since the checkpoint: modified at %lld.%09ld, was %lld.%09u",
			       ref->path, st.mtime.tv_sec, st.mtime.tv_nsec,
			       rec->mtime_sec, rec->mtime_nsec);
	return 0;
}

/* A file of /proc or /sys has no identity to check: only where it is. */
static int cr_check_kernel_view(struct cr_plan *p, struct cr_file_ref *ref)
{
	struct inode *inode = file_inode(ref->file);
	unsigned long want = strncmp(ref->path, "/proc/", 6) ? SYSFS_MAGIC :
							       PROC_SUPER_MAGIC;

	if (inode->i_sb->s_magic != want || !S_ISREG(inode->i_mode))
		return cr_fail(p->err,
			       "%s is no longer a file of %s here",
			       ref->path, want == SYSFS_MAGIC ? "sysfs" : "procfs");
	return 0;
}

/*
 * Find every file by path, as an O_PATH file (which never blocks on a FIFO
 * nor opens a device), and check it is the one checkpointed; make the
 * files whose content the image carries. Opening for use comes later, by
 * cr_plan_open_object(), which makes sure it opens that very file.
 */
int cr_plan_open_files(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_files; i++) {
		struct cr_file_ref *ref = &p->files[i];
		int flags = O_PATH;
		struct file *f;

		if (cr_is_content_kind(ref->rec.kind)) {
			ret = cr_plan_make_content(p, ref);
			if (ret)
				return ret;
			continue;
		}
		if (ref->rec.kind == CRMOD_STATE_SYMLINK)
			flags |= O_NOFOLLOW;
		f = cr_filp_open(ref->path, flags, 0);
		if (IS_ERR(f)) {
			cr_fail(p->err,
				"%s: cannot find it (error %ld): it vanished or is not accessible",
				ref->path, PTR_ERR(f));
			return PTR_ERR(f);
		}
		ref->file = f;
		if (ref->rec.kind == CRMOD_STATE_KERNEL_VIEW_FILE) {
			ret = cr_check_kernel_view(p, ref);
			if (ret)
				return ret;
			continue;
		}
		if (cr_kernel_fs_kind(file_inode(f)->i_sb->s_magic) ||
		    (file_inode(f)->i_sb->s_flags & SB_NOUSER))
			return cr_fail(p->err,
				       "%s is on a kernel filesystem: %s are not restored",
				       ref->path, cr_state_text(CRMOD_STATE_KERNEL_FS_FILE));
		ret = cr_check_identity(p, ref);
		if (ret)
			return ret;
	}
	return 0;
}

struct file *cr_plan_open_object(struct cr_plan *p, struct cr_file_ref *ref,
				 int flags)
{
	struct file *f;

	if (cr_is_content_kind(ref->rec.kind))
		return cr_dentry_open(&ref->file->f_path, flags, current_cred());
	if (ref->rec.kind == CRMOD_STATE_CHAR_DEVICE && !(flags & O_PATH) &&
	    !cr_plain_device(MKDEV(ref->rec.dev_major, ref->rec.dev_minor))) {
		cr_fail(p->err,
			"%s is the device %u:%u: restart opens only null, zero, full, random and urandom",
			ref->path, ref->rec.dev_major, ref->rec.dev_minor);
		return ERR_PTR(-EPERM);
	}
	if (ref->rec.kind == CRMOD_STATE_SYMLINK)
		flags |= O_NOFOLLOW;
	/* by path, as the caller: its permissions decide */
	f = cr_filp_open(ref->path, flags, 0);
	if (IS_ERR(f)) {
		cr_fail(p->err, "%s: cannot open it (error %ld)", ref->path,
			PTR_ERR(f));
		return f;
	}
	if (file_inode(f) != file_inode(ref->file)) {
		cr_fput(f);
		cr_fail(p->err, "%s was replaced during restart", ref->path);
		return ERR_PTR(-ESTALE);
	}
	return f;
}
