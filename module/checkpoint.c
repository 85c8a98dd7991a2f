// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: CRCTL_IOC_CHECKPOINT. The caller holds the target in a ptrace
 * stop, so it cannot run, and the caller has already passed the kernel's
 * own ptrace access check. The target is only read, never changed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/ptrace.h>
#include <linux/regset.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "crmod.h"
#include "resource.h"

const struct user_regset *cr_find_regset(struct task_struct *t,
					 unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(t);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

static int cr_check_target(struct cr_ckpt *ck, pid_t pid)
{
	struct task_struct *t = ck->task;
	int shared = 0, n;

	if (t == current)
		return cr_fail(ck->err, "a process cannot checkpoint itself");
	if (!cr_held_by_caller(t)) {
		cr_fail(ck->err,
			"process %d is not held in a ptrace stop by the caller (PTRACE_SEIZE, then PTRACE_INTERRUPT)",
			pid);
		return -EPERM;
	}
	if (!thread_group_leader(t))
		return cr_fail(ck->err, "%d is a thread of process %d: checkpoint the process",
			       pid, task_tgid_vnr(t));
	/* restart would let it run: its stop is not part of the image */
	if (READ_ONCE(t->signal->flags) & SIGNAL_STOP_STOPPED)
		return cr_refuse(ck->err, CRMOD_STATE_STOPPED,
				 "process %d is stopped by a signal", pid);
	if (cr_check_threads(ck, pid) ||
	    cr_check_children(ck, pid, ck->flags & CRMOD_CHECKPOINT_TREE))
		return -EINVAL;
	if ((ck->flags & CRMOD_CHECKPOINT_CHILD) && cr_dump_process(ck, pid))
		return -EINVAL;
	ck->mm = get_task_mm(t);
	if (!ck->mm)
		return cr_fail(ck->err, "process %d has no address space", pid);
	/* held by its threads (each shares all of them) and by us */
	n = 1 + ck->nr_threads;
	if (atomic_read(&ck->mm->mm_users) > n + 1)
		return cr_refuse(ck->err, CRMOD_STATE_SHARED_TASK_STATE,
				 "process %d shares its address space with another process",
				 pid);
	task_lock(t);
	if (t->files && atomic_read(&t->files->count) > n)
		shared = 1;
	else if (t->fs && t->fs->users > n)
		shared = 2;
	task_unlock(t);
	if (!shared && refcount_read(&t->sighand->count) > n)
		shared = 3;
	if (shared)
		return cr_refuse(ck->err, CRMOD_STATE_SHARED_TASK_STATE,
				 "process %d shares its %s with another process",
				 pid, shared == 1 ? "fd table" :
				 shared == 2 ? "working directory and root" :
				 "signal handlers");
	return cr_arch_check_target(ck);
}

/* Everything read and checked first: a refusal writes nothing. */
static int cr_gather(struct cr_ckpt *ck, pid_t pid)
{
	int ret;

	ret = cr_check_target(ck, pid);
	if (!ret)
		ret = cr_wait_off_cpu(ck, pid);
	if (!ret)
		ret = cr_check_unshared(ck);
	if (!ret)
		ret = cr_dump_task(ck);
	if (!ret)
		ret = cr_dump_threads(ck);
	if (!ret)
		ret = cr_dump_cgroup(ck);
	if (!ret)
		ret = cr_dump_vmas(ck);
	if (!ret)
		ret = cr_dump_vdso_id(ck);
	if (!ret)
		ret = cr_dump_fds(ck);
	if (!ret && ck->has_process)
		ret = cr_check_inherited_stdio(ck, pid);
	if (!ret)
		ret = cr_dump_locks(ck);
	if (!ret)
		ret = cr_dump_timers(ck);
	return ret;
}

static int cr_checkpoint(struct cr_ckpt *ck, pid_t pid)
{
	int ret;

	ret = cr_gather(ck, pid);
	if (!ret)
		ret = cr_write_header(&ck->w);
	if (!ret)
		ret = cr_write_files(ck);
	if (!ret)
		ret = cr_write_pipes(ck);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_TASK, &ck->task_rec,
				       sizeof(ck->task_rec));
	if (!ret)
		ret = cr_write_process(ck);
	if (!ret)
		ret = cr_write_namespaces(ck);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_CGROUP, ck->cgroup,
				       strlen(ck->cgroup) + 1);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_VMAS, ck->vmas,
				       ck->nr_vmas * sizeof(*ck->vmas));
	if (!ret)
		ret = cr_write_vdso_syms(ck);
	if (!ret)
		ret = cr_dump_pages(ck);
	if (!ret)
		ret = cr_write_own_state(ck);
	if (!ret)
		ret = cr_dump_creds(ck);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_TIMERS, &ck->timers,
				       sizeof(ck->timers));
	if (!ret)
		ret = cr_write_fds(ck);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_LOCKS, ck->locks,
				       ck->nr_locks * sizeof(*ck->locks));
	if (!ret)
		ret = cr_write_threads(ck);
	/* SIGKILL can end a ptrace stop: then what was read may be torn. */
	if (!ret && (!cr_held_by_caller(ck->task) ||
		     !cr_threads_still_held(ck)))
		ret = cr_fail(ck->err, "process %d left its ptrace stop during checkpoint",
			      pid);
	if (!ret)
		ret = cr_write_end(&ck->w);
	return ret;
}

long crmod_ioc_checkpoint(void __user *uarg)
{
	struct crmod_checkpoint_args args;
	/* on the stack: even a checkpoint that cannot start is explained */
	struct cr_error err_buf = { .msg = "" }, *err = &err_buf;
	struct cr_ckpt *ck;
	struct file *out;
	long ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~(u64)CRMOD_CHECKPOINT_KNOWN_FLAGS)
		return -EINVAL;
	cr_fault_begin();
	ck = cr_zalloc(sizeof(*ck));
	if (!ck) {
		cr_fail(err, "out of memory for the checkpoint");
		ret = -ENOMEM;
		goto report;
	}
	ck->err = err;
	ck->w.err = err;
	ck->flags = args.flags;

	rcu_read_lock();
	ck->task = pid_task(find_vpid(args.pid), PIDTYPE_PID);
	if (ck->task)
		get_task_struct(ck->task);
	rcu_read_unlock();
	if (!ck->task) {
		cr_fail(err, "no process %u", args.pid);
		ret = -ESRCH;
		goto report;
	}
	out = cr_fget(args.fd);
	if (!out) {
		cr_fail(err, "fd %d is not open", args.fd);
		ret = -EBADF;
		goto put_task;
	}
	if (!(out->f_mode & FMODE_WRITE)) {
		cr_fail(err, "fd %d is not open for writing", args.fd);
		ret = -EBADF;
		goto put_file;
	}
	ck->w.file = out;
	ck->w.pos = out->f_pos;

	ret = cr_checkpoint(ck, args.pid);
	if (!(out->f_mode & FMODE_STREAM))
		out->f_pos = ck->w.pos;
put_file:
	cr_fput(out);
put_task:
	put_task_struct(ck->task);
report:
	args.image_bytes = ck ? ck->w.bytes : 0;
	if (ret && !err->msg[0])
		cr_fail(err, "error %ld", ret);
	if (ret)
		cr_note_fault(err);
	memcpy(args.error, err->msg, sizeof(args.error));
	if (copy_to_user(uarg, &args, sizeof(args)))
		ret = -EFAULT;
	if (ck) {
		if (ck->mm)
			mmput(ck->mm);
		cr_ofds_release(ck->ofds, ck->nr_ofds);
		cr_files_release(ck->files, ck->nr_files);
		cr_free(ck->vmas);
		cr_free(ck->vdso_syms);
		cr_free(ck->fds);
		cr_free(ck->locks);
		cr_free(ck->cgroup);
		cr_pipes_release(ck->pipes, ck->nr_pipes);
		cr_threads_release(ck);
	}
	cr_free(ck);
	return ret;
}
