// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the task itself: name, personality, nice, umask, cwd, rlimits,
 * and the mm fields behind /proc/PID/{cmdline,environ,auxv,exe,stat}.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/mm.h>
#include <linux/personality.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "compat.h"
#include "crmod.h"
#include "resolver.h"

static_assert(RLIM_NLIMITS <= CRMOD_RLIMITS);
static_assert(sizeof_field(struct mm_struct, saved_auxv) <=
	      CRMOD_AUXV_WORDS * sizeof(__u64));

/* mm->exe_file, referenced: get_mm_exe_file() is not exported. */
static struct file *cr_mm_exe_file(struct mm_struct *mm)
{
	struct file *file;

	rcu_read_lock();
	file = rcu_dereference(mm->exe_file);
	if (file && !get_file_rcu(file))
		file = NULL;
	rcu_read_unlock();
	return file;
}

static int cr_register_dir(struct cr_ckpt *ck, const struct path *path,
			   u32 *id)
{
	struct file *dir = dentry_open(path, O_PATH | O_DIRECTORY,
				       current_cred());
	int ret;

	if (IS_ERR(dir))
		return cr_fail(ck->err, "cannot open a directory of the process (%ld)",
			       PTR_ERR(dir));
	ret = cr_file_register(ck, dir, CRMOD_FILE_DIRECTORY, id);
	fput(dir);
	return ret;
}

int cr_dump_task(struct cr_ckpt *ck)
{
	struct crmod_task *t = &ck->task_rec;
	struct task_struct *task = ck->task;
	struct mm_struct *mm = ck->mm;
	struct file *exe;
	struct path pwd, root, mine;
	unsigned int i;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	__get_task_comm(t->comm, sizeof(t->comm), task);
	t->pid = task_pid_vnr(task);
	t->personality = task->personality;
	t->nice = task_nice(task);

	task_lock(task);
	t->umask = task->fs->umask;
	get_fs_pwd(task->fs, &pwd);
	get_fs_root(task->fs, &root);
	task_unlock(task);
	/* A root other than the caller's is a chroot, restored by path. */
	get_fs_root(current->fs, &mine);
	if (!path_equal(&root, &mine))
		ret = cr_register_dir(ck, &root, &t->root_file);
	path_put(&mine);
	path_put(&root);
	if (ret) {
		path_put(&pwd);
		return ret;
	}
	ret = cr_register_dir(ck, &pwd, &t->cwd_file);
	path_put(&pwd);
	if (ret)
		return ret;

	exe = cr_mm_exe_file(mm);
	if (exe) {
		ret = cr_file_register(ck, exe, CRMOD_FILE_REGULAR,
				       &t->exe_file);
		fput(exe);
		if (ret)
			return ret;
	}

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	t->start_code = mm->start_code;
	t->end_code = mm->end_code;
	t->start_data = mm->start_data;
	t->end_data = mm->end_data;
	t->start_brk = mm->start_brk;
	t->brk = mm->brk;
	t->start_stack = mm->start_stack;
	t->arg_start = mm->arg_start;
	t->arg_end = mm->arg_end;
	t->env_start = mm->env_start;
	t->env_end = mm->env_end;
	for (i = 0; i + 1 < ARRAY_SIZE(mm->saved_auxv); i += 2) {
		t->auxv[i] = mm->saved_auxv[i];
		t->auxv[i + 1] = mm->saved_auxv[i + 1];
		if (mm->saved_auxv[i] == AT_NULL)
			break;
	}
	t->auxv_words = min_t(unsigned int, i + 2,
			      ARRAY_SIZE(mm->saved_auxv));
	mmap_read_unlock(mm);

	crmod_compat_rseq_get(task, &t->rseq, &t->rseq_len, &t->rseq_sig);

	task_lock(task->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		t->rlim_cur[i] = task->signal->rlim[i].rlim_cur;
		t->rlim_max[i] = task->signal->rlim[i].rlim_max;
	}
	task_unlock(task->group_leader);
	return 0;
}

int cr_read_task(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_task *t = payload;
	u64 limit = TASK_SIZE;
	unsigned int i;

	if (p->has_task)
		return cr_plan_fail(p, "a second TASK section");
	if (len != sizeof(*t))
		return cr_plan_fail(p, "length %llu, expected %zu", len,
				    sizeof(*t));
	if (strnlen(t->comm, sizeof(t->comm)) == sizeof(t->comm))
		return cr_plan_fail(p, "comm is not NUL-terminated");
	if (t->auxv_words > ARRAY_SIZE(current->mm->saved_auxv) ||
	    t->auxv_words % 2)
		return cr_plan_fail(p, "%u auxv words; this kernel keeps at most %zu pairs",
				    t->auxv_words,
				    ARRAY_SIZE(current->mm->saved_auxv) / 2);
	if (t->start_code > t->end_code || t->start_data > t->end_data ||
	    t->start_brk > t->brk || t->arg_start > t->arg_end ||
	    t->env_start > t->env_end || t->end_code > limit ||
	    t->end_data > limit || t->brk > limit || t->arg_end > limit ||
	    t->env_end > limit || t->start_stack > limit)
		return cr_plan_fail(p, "mm fields out of order or beyond the user address space");
	if (t->nice < MIN_NICE || t->nice > MAX_NICE)
		return cr_plan_fail(p, "nice %d is out of range", t->nice);
	if (t->umask & ~0777)
		return cr_plan_fail(p, "umask %#o is out of range", t->umask);
	if (t->rseq && (t->rseq >= limit || t->rseq % 32 || t->rseq_len < 32))
		return cr_plan_fail(p, "rseq area %#llx of %u bytes is not a valid registration",
				    t->rseq, t->rseq_len);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		if (t->rlim_cur[i] > t->rlim_max[i])
			return cr_plan_fail(p, "rlimit %u: soft %llu above hard %llu",
					    i, t->rlim_cur[i], t->rlim_max[i]);
	}
	p->task = *t;
	p->has_task = true;
	return 0;
}

/* Check TASK's references once every FILE is known. */
int cr_plan_check_task(struct cr_plan *p)
{
	const struct cr_file_ref *exe = cr_plan_file(p, p->task.exe_file);
	const struct cr_file_ref *cwd = cr_plan_file(p, p->task.cwd_file);
	const struct cr_file_ref *root = cr_plan_file(p, p->task.root_file);

	if (!p->has_task)
		return cr_fail(p->err, "the image has no TASK section");
	if (p->task.exe_file && (!exe || exe->rec.kind != CRMOD_FILE_REGULAR))
		return cr_fail(p->err,
			       "section TASK: the executable is file %u, which the image does not define",
			       p->task.exe_file);
	if (p->task.cwd_file && (!cwd || cwd->rec.kind != CRMOD_FILE_DIRECTORY))
		return cr_fail(p->err,
			       "section TASK: the working directory is file %u, which the image does not define",
			       p->task.cwd_file);
	if (p->task.root_file &&
	    (!root || root->rec.kind != CRMOD_FILE_DIRECTORY))
		return cr_fail(p->err,
			       "section TASK: the root directory is file %u, which the image does not define",
			       p->task.root_file);
	if (p->task.root_file && !ns_capable(current_user_ns(), CAP_SYS_CHROOT))
		return cr_fail(p->err, "the image is chrooted; restarting it needs CAP_SYS_CHROOT");
	if (current->fs->users != 1)
		return cr_fail(p->err, "the restarting process shares its fs_struct");
	return 0;
}

/*
 * Past the point of no return. Limits and priority never go beyond what
 * the restarting caller may set itself.
 */
void cr_restore_task(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	struct rlimit *rlim = current->signal->rlim;
	bool raise = capable(CAP_SYS_RESOURCE);
	unsigned int i;

	crmod_sym___set_task_comm(current, t->comm, false);
	crmod_compat_rseq_set(t->rseq, t->rseq_len, t->rseq_sig);
	current->personality = t->personality;
	current->fs->umask = t->umask;
	if (t->root_file)
		crmod_sym_set_fs_root(current->fs,
				      &cr_plan_file(p, t->root_file)->file->f_path);
	if (t->cwd_file)
		crmod_sym_set_fs_pwd(current->fs,
				     &cr_plan_file(p, t->cwd_file)->file->f_path);
	if (t->nice >= task_nice(current) || can_nice(current, t->nice))
		set_user_nice(current, t->nice);

	task_lock(current->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		u64 max = t->rlim_max[i];

		if (!raise && max > rlim[i].rlim_max)
			max = rlim[i].rlim_max;
		rlim[i].rlim_max = max;
		rlim[i].rlim_cur = min(t->rlim_cur[i], max);
	}
	task_unlock(current->group_leader);
}
