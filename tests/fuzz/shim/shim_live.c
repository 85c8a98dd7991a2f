// SPDX-License-Identifier: GPL-2.0
/*
 * crmod fuzz shim: a stand-in for the live system phase 1b checks the plan
 * against, so that the module's own cr_check_plan() runs whole. It is the
 * kindest system an image can meet:
 * - the restarting process is root with every capability (or, when the
 *   harness says, uid 1000 with none), single-threaded,
 *   sharing nothing, in the image's cgroup (the harness asks
 *   CRMOD_RESTART_ANY_CGROUP), with a login shell's limits;
 * - every file the image finds by path exists, with exactly the identity its
 *   FILE record says (shim_vfs_add() before the checks), on an ordinary
 *   filesystem; a FIFO has no other reader or writer; other paths do not
 *   exist; a deleted file's name is taken (it is made with O_TMPFILE);
 * - the process's vDSO and vvar are as large as the image's (set by the
 *   harness from the plan), so the kernel build always matches.
 * What the checks compare is then the image against itself: the record
 * checks, cross-references, leaks on the error paths. A refusal that a real
 * system would make for its own reasons is not exercised here.
 */
#include <shim/kernel.h>

#include <linux/crmod.h>

#include "../../../module/crmod.h"
#include "../../../module/resolver.h"
#include "../../../module/resource.h"
#include "shim.h"

/* ---- the caller: root, or with shim_privileged false uid 1000 ---- */
bool shim_privileged = true;

static struct cred shim_root = {
	.cap_inheritable = { 0 },
	.cap_permitted = { GENMASK_ULL(CAP_LAST_CAP, 0) },
	.cap_effective = { GENMASK_ULL(CAP_LAST_CAP, 0) },
	.cap_bset = { GENMASK_ULL(CAP_LAST_CAP, 0) },
	.user_ns = &init_user_ns,
};

static struct cred shim_user = {
	.uid = { 1000 }, .suid = { 1000 }, .euid = { 1000 }, .fsuid = { 1000 },
	.gid = { 1000 }, .sgid = { 1000 }, .egid = { 1000 }, .fsgid = { 1000 },
	.cap_bset = { GENMASK_ULL(CAP_LAST_CAP, 0) },
	.user_ns = &init_user_ns,
};

bool capable(int cap)
{
	(void)cap;
	return shim_privileged;
}

bool ns_capable(struct user_namespace *ns, int cap)
{
	(void)ns;
	(void)cap;
	return shim_privileged;
}

bool ns_capable_noaudit(struct user_namespace *ns, int cap)
{
	return ns_capable(ns, cap);
}

const struct cred *current_cred(void)
{
	return shim_privileged ? &shim_root : &shim_user;
}

struct user_namespace *current_user_ns(void)
{
	return &init_user_ns;
}

kuid_t make_kuid(struct user_namespace *ns, uid_t uid)
{
	(void)ns;
	return (kuid_t){ uid };
}

kgid_t make_kgid(struct user_namespace *ns, gid_t gid)
{
	(void)ns;
	return (kgid_t){ gid };
}

bool audit_loginuid_set(struct task_struct *tsk)
{
	(void)tsk;
	return false;
}

kuid_t audit_get_loginuid(struct task_struct *tsk)
{
	(void)tsk;
	return INVALID_UID;
}

unsigned int audit_get_sessionid(struct task_struct *tsk)
{
	(void)tsk;
	return -1U;
}

unsigned long rlimit(unsigned int limit)
{
	return current->signal->rlim[limit].rlim_cur;
}

/* Soft limits as a login shell has them, hard limits unlimited but two. */
static void shim_set_limits(void)
{
	struct rlimit *rlim = current->signal->rlim;
	unsigned int i;

	for (i = 0; i < RLIM_NLIMITS; i++)
		rlim[i].rlim_cur = rlim[i].rlim_max = RLIM_INFINITY;
	rlim[RLIMIT_NOFILE] = (struct rlimit){ 1024, 1048576 };
	rlim[RLIMIT_MEMLOCK] = (struct rlimit){ 8UL << 20, 8UL << 20 };
	rlim[RLIMIT_RTPRIO] = (struct rlimit){ 0, 0 };
	rlim[RLIMIT_SIGPENDING] = (struct rlimit){ 95000, 95000 };
	rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
	rlim[RLIMIT_CORE].rlim_cur = 0;
}

int task_nice(const struct task_struct *p)
{
	(void)p;
	return 0;
}

bool can_nice(const struct task_struct *p, const int nice)
{
	(void)p;
	(void)nice;
	return true;
}

bool task_no_new_privs(struct task_struct *p)
{
	(void)p;
	return false;
}

int get_nr_threads(struct task_struct *t)
{
	(void)t;
	return 1;
}

unsigned int cpumask_size(void)
{
	return sizeof(struct cpumask);
}

bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{
	return (m->bits[cpu / BITS_PER_LONG] >> (cpu % BITS_PER_LONG)) & 1;
}

void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	m->bits[cpu / BITS_PER_LONG] |= 1UL << (cpu % BITS_PER_LONG);
}

bool cpumask_empty(const struct cpumask *m)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m->bits); i++)
		if (m->bits[i])
			return false;
	return true;
}

/*
 * The stand-in vDSO is the image's build, so no proxy is planned: this
 * takes the place of module/vdso.c's own (weakened in the Makefile), which
 * reads the caller's vDSO from user memory.
 */
static u32 shim_vdso_id;

void shim_set_vdso_id(u32 id)
{
	shim_vdso_id = id;
}

int cr_vdso_id_here(unsigned long addr, size_t len, u32 *id)
{
	(void)addr;
	(void)len;
	*id = shim_vdso_id;
	return 0;
}

/* The stand-in caller has no executable file (its mm's exe_file is NULL). */
struct file *get_file_rcu(struct file __rcu **f)
{
	return *f;
}

/* ---- the mm: only the vDSO and vvar, as large as the image's ---- */
static const char *shim_special_name(struct vm_area_struct *vma);
static const struct vm_operations_struct shim_special_ops = {
	.name = shim_special_name,
};
static struct vm_area_struct shim_specials[3];
static const char *const shim_special_names[3] = { "[vdso]", "[vvar]", "[vvar_vclock]" };

static const char *shim_special_name(struct vm_area_struct *vma)
{
	return shim_special_names[vma - shim_specials];
}

void shim_set_specials(const u64 len[3])
{
	unsigned long at = 0x7ff000000000UL;
	int i;

	memset(shim_specials, 0, sizeof(shim_specials));
	for (i = 0; i < 3; i++) {
		shim_specials[i].vm_start = at;
		shim_specials[i].vm_end = at + len[i];
		shim_specials[i].vm_ops = &shim_special_ops;
		at += len[i] + PAGE_SIZE;
	}
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	int i;

	(void)mm;
	for (i = 0; i < 3; i++)
		if (shim_specials[i].vm_end > shim_specials[i].vm_start &&
		    shim_specials[i].vm_end > addr)
			return &shim_specials[i];
	return NULL;
}

int mmap_read_lock_killable(struct mm_struct *mm)
{
	(void)mm;
	return 0;
}

void mmap_read_unlock(struct mm_struct *mm)
{
	(void)mm;
}

/* ---- files ---- */
struct shim_node {
	struct shim_node *next;
	char *path;		/* NULL: not found by path */
	struct inode inode;
	struct dentry dentry;
	struct shmem_inode_info shmem;
	struct pipe_inode_info pipe;
};

static struct shim_node *shim_nodes;
static struct super_block shim_sb = { .s_magic = 0xef53 };	/* ext4 */
static struct vfsmount shim_mnt;

static int shim_mmap(struct file *f, struct vm_area_struct *vma)
{
	(void)f;
	(void)vma;
	return 0;
}

static const struct file_operations shim_fops = { .mmap = shim_mmap };

static struct shim_node *shim_node_new(const char *path, umode_t mode)
{
	struct shim_node *n = calloc(1, sizeof(*n));
	size_t len;

	if (!n)
		return NULL;
	if (path) {
		len = strlen(path) + 1;
		n->path = malloc(len);
		if (!n->path) {
			free(n);
			return NULL;
		}
		memcpy(n->path, path, len);
	}
	n->inode.i_mode = mode;
	n->inode.i_nlink = 1;
	n->inode.i_sb = &shim_sb;
	n->dentry.d_inode = &n->inode;
	n->dentry.d_parent = &n->dentry;
	n->dentry.d_name.name = (const unsigned char *)(path ? path : "");
	if (S_ISFIFO(mode)) {
		/* this restart's own ends, once it opens the FIFO both ways */
		n->pipe.readers = 1;
		n->pipe.writers = 1;
		n->inode.i_pipe = &n->pipe;
	}
	n->next = shim_nodes;
	shim_nodes = n;
	return n;
}

void shim_vfs_add(const char *path, umode_t mode, loff_t size, s64 mtime_sec,
		  long mtime_nsec, dev_t rdev)
{
	struct shim_node *n = shim_node_new(path, mode);

	if (!n)
		return;
	n->inode.i_size = size;
	n->inode.i_mtime.tv_sec = mtime_sec;
	n->inode.i_mtime.tv_nsec = mtime_nsec;
	n->inode.i_rdev = rdev;
}

void shim_vfs_reset(void)
{
	while (shim_nodes) {
		struct shim_node *n = shim_nodes;

		shim_nodes = n->next;
		free(n->path);
		free(n);
	}
}

static struct file *shim_file_on(struct dentry *d, int flags)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_path.mnt = &shim_mnt;
	f->f_path.dentry = d;
	f->f_inode = d->d_inode;
	f->f_op = &shim_fops;
	f->f_flags = flags;
	if (flags & O_PATH) {
		f->f_mode = FMODE_PATH;
	} else {
		if ((flags & O_ACCMODE) != O_WRONLY)
			f->f_mode |= FMODE_READ;
		if ((flags & O_ACCMODE) != O_RDONLY)
			f->f_mode |= FMODE_WRITE;
		f->f_mode |= FMODE_LSEEK;
	}
	shim_live_files++;
	return f;
}

struct file *filp_open(const char *filename, int flags, umode_t mode)
{
	struct shim_node *n;

	(void)mode;
	/* the name of a deleted file is taken: it is made with O_TMPFILE */
	if (flags & O_CREAT)
		return ERR_PTR(-EEXIST);
	for (n = shim_nodes; n; n = n->next)
		if (n->path && !strcmp(n->path, filename))
			return shim_file_on(&n->dentry, flags);
	return ERR_PTR(-ENOENT);
}

struct file *dentry_open(const struct path *path, int flags, const struct cred *cred)
{
	(void)cred;
	return shim_file_on(path->dentry, flags);
}

struct file *file_open_root(const struct path *root, const char *filename,
			    int flags, umode_t mode)
{
	struct shim_node *n;

	(void)root;
	(void)filename;
	if (!(flags & __O_TMPFILE))
		return ERR_PTR(-EROFS);
	n = shim_node_new(NULL, S_IFREG | (mode & 07777));
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->inode.i_nlink = 0;
	return shim_file_on(&n->dentry, flags & ~O_TMPFILE);
}

struct file *fget(unsigned int fd)
{
	struct shim_node *tty;

	/* fds 0-2: a terminal, open for reading and writing */
	if (fd > 2)
		return NULL;
	tty = shim_node_new(NULL, S_IFCHR | 0620);
	if (!tty)
		return NULL;
	tty->inode.i_rdev = MKDEV(136, 0);
	return shim_file_on(&tty->dentry, O_RDWR);
}

struct shmem_inode_info *SHMEM_I(struct inode *inode)
{
	return &container_of(inode, struct shim_node, inode)->shmem;
}

struct file *shmem_file_setup(const char *name, loff_t size, unsigned long flags)
{
	struct shim_node *n = shim_node_new(NULL, S_IFREG | 0777);

	(void)name;
	(void)flags;
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->inode.i_size = size;
	return shim_file_on(&n->dentry, O_RDWR);
}

int vfs_getattr(const struct path *path, struct kstat *stat, u32 request_mask,
		unsigned int query_flags)
{
	const struct inode *i = path->dentry->d_inode;

	(void)request_mask;
	(void)query_flags;
	memset(stat, 0, sizeof(*stat));
	stat->mode = i->i_mode;
	stat->size = i->i_size;
	stat->mtime = i->i_mtime;
	stat->rdev = i->i_rdev;
	stat->nlink = i->i_nlink;
	stat->uid = i->i_uid;
	stat->gid = i->i_gid;
	return 0;
}

ssize_t kernel_write(struct file *file, const void *buf, size_t count, loff_t *pos)
{
	struct inode *i = file->f_inode;

	(void)buf;
	if (file->shim_data)
		return -EBADF;	/* the image is not written to */
	*pos += count;
	if (!i->i_pipe && *pos > i->i_size)
		i->i_size = *pos;
	return count;
}

int vfs_truncate(const struct path *path, loff_t length)
{
	path->dentry->d_inode->i_size = length;
	return 0;
}

loff_t vfs_llseek(struct file *file, loff_t offset, int whence)
{
	(void)whence;
	file->f_pos = offset;
	return offset;
}

void inode_lock(struct inode *inode)
{
	(void)inode;
}

void inode_unlock(struct inode *inode)
{
	(void)inode;
}

struct mnt_idmap *file_mnt_idmap(struct file *file)
{
	(void)file;
	return NULL;
}

int notify_change(struct mnt_idmap *idmap, struct dentry *dentry,
		  struct iattr *attr, struct inode **delegated)
{
	(void)idmap;
	(void)delegated;
	if (attr->ia_valid & ATTR_MODE)
		dentry->d_inode->i_mode = (dentry->d_inode->i_mode & S_IFMT) |
					  (attr->ia_mode & 07777);
	return 0;
}

void pipe_lock(struct pipe_inode_info *pipe)
{
	(void)pipe;
}

void pipe_unlock(struct pipe_inode_info *pipe)
{
	(void)pipe;
}

static int shim_create_pipe_files(struct file **res, int flags)
{
	struct shim_node *n = shim_node_new(NULL, S_IFIFO | 0600);

	if (!n)
		return -ENOMEM;
	n->inode.i_sb = &shim_sb;
	res[0] = shim_file_on(&n->dentry, O_RDONLY | flags);
	if (IS_ERR(res[0]))
		return PTR_ERR(res[0]);
	res[1] = shim_file_on(&n->dentry, O_WRONLY | flags);
	if (IS_ERR(res[1])) {
		fput(res[0]);
		return PTR_ERR(res[1]);
	}
	return 0;
}

static long shim_pipe_fcntl(struct file *file, unsigned int cmd, unsigned int arg)
{
	(void)file;
	(void)cmd;
	return arg;
}

static long shim_memfd_fcntl(struct file *file, unsigned int cmd, unsigned int arg)
{
	(void)cmd;
	SHMEM_I(file->f_inode)->seals |= arg;
	return 0;
}

void locks_init_lock(struct file_lock *fl)
{
	memset(fl, 0, sizeof(*fl));
}

int locks_lock_inode_wait(struct inode *inode, struct file_lock *fl)
{
	(void)inode;
	(void)fl;
	return 0;
}

int vfs_lock_file(struct file *filp, unsigned int cmd, struct file_lock *fl,
		  struct file_lock *conf)
{
	(void)filp;
	(void)cmd;
	(void)fl;
	(void)conf;
	return 0;
}

int vfs_test_lock(struct file *filp, struct file_lock *fl)
{
	(void)filp;
	fl->fl_type = F_UNLCK;
	return 0;
}

/*
 * Memory: a big server's, 256 GiB of RAM and 16 GiB of swap, so that only
 * mappings no machine could hold fail the overcommit check. The policy is
 * the default (heuristic: /proc/sys/vm is not there), which never asks
 * what is committed: the two that do answer as strict accounting would.
 */
#define SHIM_RAM_PAGES	(256UL << (30 - PAGE_SHIFT))
#define SHIM_SWAP_PAGES	(16UL << (30 - PAGE_SHIFT))

unsigned long totalram_pages(void)
{
	return SHIM_RAM_PAGES;
}

static void shim_si_swapinfo(struct sysinfo *val)
{
	val->totalswap = SHIM_SWAP_PAGES;
	val->freeswap = SHIM_SWAP_PAGES;
}

static unsigned long shim_vm_commit_limit(void)
{
	return SHIM_RAM_PAGES / 2 + SHIM_SWAP_PAGES;
}

unsigned long vm_memory_committed(void)
{
	return 1UL << (30 - PAGE_SHIFT);
}

void shim_live_init(void)
{
	shim_set_limits();
	crmod_sym_create_pipe_files = shim_create_pipe_files;
	crmod_sym_pipe_fcntl = shim_pipe_fcntl;
	crmod_sym_memfd_fcntl = shim_memfd_fcntl;
	crmod_sym_si_swapinfo = shim_si_swapinfo;
	crmod_sym_vm_commit_limit = shim_vm_commit_limit;
}
