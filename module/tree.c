// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: a process's place in a process tree. A tree is checkpointed one
 * process at a time, by a caller that holds every process of it in a
 * ptrace stop; each image says who its parent is (PROCESS). Restart
 * checks that the restarting process already has that parent and exit
 * signal (crctl makes the tree with clone3's set_tid, parents first), and
 * the processes of a tree cross the point of no return together: each
 * says it is ready on a pipe and waits on another for crctl's word; and
 * return to user space together, once each has said it is restored.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

/* ---- checkpoint ---- */

/*
 * Children (zombies included) and tracees of the target, as pids in the
 * caller's namespace. Without TREE there may be none: checkpointing only
 * the root would orphan them. With TREE each must be a live child held by
 * the caller, which checkpoints it too. The task list is walked under RCU,
 * as the tasklist lock is not exported; the target is stopped, so it makes
 * no children, and those it has may only exit meanwhile.
 */
int cr_check_children(struct cr_ckpt *ck, pid_t pid, bool tree)
{
	struct cr_names list = { .len = 0 };
	pid_t zombie = 0, loose = 0;
	struct task_struct *p;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process(p) {
		/* a child of any of its threads is the process's */
		if (rcu_dereference(p->real_parent)->signal != ck->task->signal &&
		    !(p->ptrace &&
		      rcu_dereference(p->parent)->signal == ck->task->signal))
			continue;
		n++;
		cr_names_add(&list, "%d", task_pid_vnr(p));
		if (p->exit_state && !zombie)
			zombie = task_pid_vnr(p);
		else if (!p->exit_state && !cr_held_by_caller(p) && !loose)
			loose = task_pid_vnr(p);
	}
	rcu_read_unlock();
	if (!n)
		return 0;
	if (!tree)
		return cr_refuse(ck->err, CRMOD_STATE_CHILDREN,
				 "process %d has %u child process%s (%s)",
				 pid, n, n == 1 ? "" : "es", cr_names_text(&list));
	if (zombie)
		return cr_refuse(ck->err, CRMOD_STATE_ZOMBIE,
				 "process %d's child %d has exited and is not reaped yet",
				 pid, zombie);
	if (loose)
		return cr_refuse(ck->err, CRMOD_STATE_CHILDREN,
				 "process %d's child %d is not held in a ptrace stop by the caller, so not checkpointed with it (or traced by it)",
				 pid, loose);
	return 0;
}

/*
 * A child of the tree: its parent, exit signal, process group and session.
 * The parent is checkpointed by the caller too, so it is held as well.
 */
int cr_dump_process(struct cr_ckpt *ck, pid_t pid)
{
	struct task_struct *t = ck->task, *parent;
	struct pid_namespace *ns = task_active_pid_ns(t);
	struct crmod_process *rec = &ck->process;
	bool held, same_pgrp, same_session;
	pid_t ppid;

	rcu_read_lock();
	parent = rcu_dereference(t->real_parent);
	ppid = task_tgid_vnr(parent);
	held = cr_held_by_caller(parent);
	rec->ppid = task_tgid_nr_ns(parent, ns);
	same_pgrp = task_pgrp(t) == task_pgrp(parent);
	same_session = task_session(t) == task_session(parent);
	rcu_read_unlock();
	rec->exit_signal = t->exit_signal < 0 ? 0 : t->exit_signal;
	ck->has_process = true;
	if (!held || !rec->ppid)
		return cr_fail(ck->err,
			       "process %d's parent %d is not held in a ptrace stop by the caller: it is not checkpointed with it",
			       pid, ppid);
	if (!same_pgrp || !same_session)
		return cr_refuse(ck->err, CRMOD_STATE_PROCESS_GROUPS,
				 "process %d is in a %s of its own, not its parent %d's",
				 pid, same_session ? "process group" : "session",
				 ppid);
	if (t->exit_signal < 0 || !valid_signal(t->exit_signal))
		return cr_fail(ck->err, "process %d has exit signal %d",
			       pid, t->exit_signal);
	return 0;
}

/*
 * The fd at which a child's parent has file (the same open file
 * description, inherited across fork), or -1: the child's image then
 * names the parent's, and restart shares it again.
 */
int cr_tree_parent_fd(struct cr_ckpt *ck, struct file *file)
{
	struct task_struct *parent;
	int where;

	if (!ck->has_process)
		return -1;
	rcu_read_lock();
	parent = rcu_dereference(ck->task->real_parent);
	where = cr_task_holds(parent, file);
	rcu_read_unlock();
	return where > 0 ? where - 1 : -1;
}

/*
 * What a child takes from whoever starts it (a terminal, a socket, a pipe
 * going out of the tree on its fds 0-2) is shared with its parent, or it
 * came from elsewhere: a pipe between two processes of the tree on fds
 * 0-2 (`a | b`) is not restored yet.
 */
int cr_check_inherited_stdio(struct cr_ckpt *ck, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < ck->nr_ofds; i++)
		if (ck->ofds[i].rec.kind == CRMOD_OFD_INHERIT)
			return cr_refuse(ck->err, CRMOD_STATE_TREE_STDIO,
					 "process %d's fd %u is a terminal, socket or pipe its parent does not have",
					 pid, ck->ofds[i].rec.object);
	return 0;
}

int cr_write_process(struct cr_ckpt *ck)
{
	if (!ck->has_process)
		return 0;
	return cr_write_section(&ck->w, CRMOD_SEC_PROCESS, &ck->process,
				sizeof(ck->process));
}

/* ---- restart ---- */

int cr_read_process(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_process *rec = payload;

	if (p->hdr.format_version < 6)
		return cr_plan_fail(p,
				    "a PROCESS section in a format %u image: it came with format 6",
				    p->hdr.format_version);
	if (p->has_process)
		return cr_plan_fail(p, "a second PROCESS section");
	if (len != sizeof(*rec))
		return cr_plan_fail(p, "length %llu, expected %zu", len, sizeof(*rec));
	if (!rec->ppid || rec->ppid > PID_MAX_LIMIT || rec->reserved ||
	    !valid_signal(rec->exit_signal))
		return cr_plan_fail(p, "parent %u, exit signal %u, reserved %#llx",
				    rec->ppid, rec->exit_signal, rec->reserved);
	p->process_rec = *rec;
	p->has_process = true;
	return 0;
}

/*
 * A child of the tree restarts under its restored parent with its exit
 * signal: both are set when a process is made, not later. Validation
 * checks the image alone.
 */
int cr_plan_check_process(struct cr_plan *p)
{
	const struct crmod_process *rec = &p->process_rec;
	pid_t ppid;

	if (!p->has_process || (p->flags & CRMOD_RESTART_VALIDATE))
		return 0;
	if (p->has_task && rec->ppid == p->task.pid)
		return cr_fail(p->err, "section PROCESS: the process is its own parent");
	rcu_read_lock();
	ppid = task_tgid_vnr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	if (ppid != rec->ppid)
		return cr_fail(p->err,
			       "section PROCESS: the process's parent was %u; the restarting process's is %d (crctl restart makes the tree)",
			       rec->ppid, ppid);
	if (current->exit_signal != (int)rec->exit_signal)
		return cr_fail(p->err,
			       "section PROCESS: the process's exit signal was %u; the restarting process's is %d",
			       rec->exit_signal, current->exit_signal);
	return 0;
}

/*
 * The processes of trees past their phase 1, so that a child finds the
 * open files its parent opened (CRMOD_OFD_PARENT). A tree is known by its
 * go pipe, which all its processes have; a process by its global tgid.
 * Locking: cr_tree_lock guards the list and, while a member is on it, its
 * plan's fds and open files, which its process frees only once it has
 * taken itself off the list.
 */
struct cr_tree_member {
	struct list_head node;
	struct file *go;
	pid_t tgid;
	struct cr_plan *plan;
};

static LIST_HEAD(cr_tree_members);
static DEFINE_MUTEX(cr_tree_lock);

static int cr_tree_join(struct cr_plan *p)
{
	struct cr_tree_member *m = cr_zalloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->go = p->go;
	m->tgid = task_tgid_nr(current);
	m->plan = p;
	mutex_lock(&cr_tree_lock);
	list_add(&m->node, &cr_tree_members);
	mutex_unlock(&cr_tree_lock);
	p->member = m;
	return 0;
}

void cr_tree_leave(struct cr_plan *p)
{
	if (!p->member)
		return;
	mutex_lock(&cr_tree_lock);
	list_del(&p->member->node);
	mutex_unlock(&cr_tree_lock);
	cr_free(p->member);
	p->member = NULL;
}

/* The parent's open file on fd, referenced; NULL while it is not there. */
static struct file *cr_tree_find(struct cr_plan *p, pid_t parent, u32 fd,
				 bool *no_fd)
{
	struct cr_tree_member *m;
	struct file *file = NULL;
	u32 i;

	mutex_lock(&cr_tree_lock);
	list_for_each_entry(m, &cr_tree_members, node) {
		if (m->go != p->go || m->tgid != parent)
			continue;
		*no_fd = true;
		for (i = 0; i < m->plan->nr_fds; i++) {
			const struct crmod_fd *rec = &m->plan->fds[i];

			if (rec->fd != fd)
				continue;
			file = cr_plan_ofd(m->plan, rec->ofd)->file;
			if (file) {
				file = cr_file_get(file);
				*no_fd = false;
			}
			break;
		}
		break;
	}
	mutex_unlock(&cr_tree_lock);
	return file;
}

/*
 * A child's open file that is its parent's: the parent's, once the parent
 * is past its phase 1 (so, in a tree, each waits only for its ancestors).
 * Validation checks the image alone: nothing to open.
 */
struct file *cr_tree_parent_file(struct cr_plan *p, const struct crmod_ofd *o)
{
	struct file *file;
	bool no_fd = false;
	pid_t parent;

	if (!p->go)
		return (p->flags & CRMOD_RESTART_VALIDATE) ? NULL :
		       ERR_PTR(cr_fail(p->err,
				       "open file %u is the parent's fd %u: a tree's process restarts in step with it (CRMOD_RESTART_BARRIER)",
				       o->id, o->object));
	rcu_read_lock();
	parent = task_tgid_nr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	for (;;) {
		file = cr_tree_find(p, parent, o->object, &no_fd);
		if (file)
			return file;
		if (no_fd)
			return ERR_PTR(cr_fail(p->err,
					       "open file %u is the parent's fd %u, which the parent's image does not have",
					       o->id, o->object));
		if (vfs_poll(p->go, NULL) & (EPOLLHUP | EPOLLERR))
			return ERR_PTR(cr_fail(p->err,
					       "open file %u is the parent's fd %u; the parent did not restart",
					       o->id, o->object));
		if (fatal_signal_pending(current))
			return ERR_PTR(-EINTR);
		schedule_timeout_killable(msecs_to_jiffies(5));
	}
}

/* The barrier's pipes, taken before anything is read. */
int cr_tree_open(struct cr_plan *p, const struct crmod_restart_args *args)
{
	if (!(p->flags & CRMOD_RESTART_BARRIER) ||
	    (p->flags & CRMOD_RESTART_VALIDATE))
		return 0;
	p->ready = cr_fget(args->ready_fd);
	if (!p->ready || !(p->ready->f_mode & FMODE_WRITE))
		return cr_fail(p->err, "ready fd %d is not open for writing",
			       args->ready_fd);
	p->go = cr_fget(args->go_fd);
	if (!p->go || !(p->go->f_mode & FMODE_READ))
		return cr_fail(p->err, "go fd %d is not open for reading",
			       args->go_fd);
	p->finish = cr_fget(args->finish_fd);
	if (!p->finish || !(p->finish->f_mode & FMODE_READ))
		return cr_fail(p->err, "finish fd %d is not open for reading",
			       args->finish_fd);
	return 0;
}

/*
 * Ready, and the word to go on: the last step before the point of no
 * return. Anything but one byte of word cancels, the caller unchanged.
 */
int cr_tree_barrier(struct cr_plan *p)
{
	loff_t pos = 0;
	ssize_t n;
	char c = 'r';

	if (!p->ready)
		return 0;
	n = cr_tree_join(p);
	if (n)
		return n;
	n = kernel_write(p->ready, &c, 1, &pos);
	if (n != 1)
		return cr_fail(p->err, "cannot say the process is ready: error %zd",
			       n);
	pos = 0;
	n = kernel_read(p->go, &c, 1, &pos);
	if (n == 1)
		return 0;
	if (n < 0 && n != -EINTR && n != -ERESTARTSYS)
		return cr_fail(p->err, "waiting for the tree's other processes: error %zd",
			       n);
	cr_fail(p->err, "cancelled: %s",
		n ? "interrupted by a signal" :
		"another process of the tree did not restart");
	return -ECANCELED;
}

/*
 * Until the pipe has a byte or no writer. Past the point of no return the
 * restored registers wait as task work (TIF_NOTIFY_SIGNAL), which ends any
 * interruptible sleep at once, a pipe's read among them: so it is polled,
 * in killable sleeps. There are as many bytes as readers, each reading
 * one: a reader that sees one finds one.
 */
static int cr_tree_wait_readable(struct file *pipe)
{
	while (!(vfs_poll(pipe, NULL) & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if (fatal_signal_pending(current))
			return -EINTR;
		schedule_timeout_killable(msecs_to_jiffies(5));
	}
	return 0;
}

/*
 * Restored, and waiting for the word that every process of the tree is
 * (on a pipe of its own: a byte left on go is another process's): none
 * returns to user space before. Anything else means another process
 * failed after the point of no return, and so this one dies too (crctl
 * has the reason from the one that failed).
 */
int cr_tree_done(struct cr_plan *p)
{
	loff_t pos = 0;
	char c = 'd';

	if (!p->ready)
		return 0;
	if (kernel_write(p->ready, &c, 1, &pos) == 1 &&
	    cr_tree_wait_readable(p->finish) == 0) {
		pos = 0;
		if (kernel_read(p->finish, &c, 1, &pos) == 1)
			return 0;
	}
	force_sig(SIGKILL);
	return -EINTR;
}

void cr_tree_close(struct cr_plan *p)
{
	if (p->ready)
		cr_fput(p->ready);
	if (p->go)
		cr_fput(p->go);
	if (p->finish)
		cr_fput(p->finish);
}
