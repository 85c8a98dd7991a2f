// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: a restarting process's threads meet. crctl makes each other
 * thread of the image with its tid; each calls CRCTL_IOC_RESTART_THREAD and
 * waits in a session, one per thread group. The leader, in
 * CRCTL_IOC_RESTART, checks in phase 1 that its threads are exactly the
 * image's and all waiting; a refusal sends them back unchanged. Past the
 * point of no return the leader restores the process and itself, then lets
 * every thread restore itself from its view of the plan, and waits until
 * each is done: the views point into the leader's plan. No thread returns
 * to user space before every one is restored (and, in a tree, before every
 * process of the tree is: the leader holds them until then); a thread that
 * fails kills the process, as the leader does.
 *
 * Locking: cr_sessions_lock guards the list and every field of a session
 * but the wait queue; waiters read state and counts with READ_ONCE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "crmod.h"
#include "resource.h"

enum cr_session_state { CR_SESSION_WAITING, CR_SESSION_GO, CR_SESSION_ABORT };

struct cr_session {
	struct list_head node;
	struct signal_struct *group;	/* whose threads: the key */
	int users;
	enum cr_session_state state;
	u32 waiting;		/* threads in the ioctl, not yet let go */
	u32 released;		/* threads let go past the point of no return */
	u32 restored;		/* of those, done (or failed) */
	bool failed;
	bool held;		/* a tree's: wait for the leader's word too */
	bool tree_go;		/* that word */
	struct cr_plan *plan;	/* from CR_SESSION_GO */
	wait_queue_head_t wq;
};

static LIST_HEAD(cr_sessions);
static DEFINE_MUTEX(cr_sessions_lock);

/* The calling thread group's session, made if asked and not there yet. */
static struct cr_session *cr_session_get(bool make)
{
	struct cr_session *s;

	mutex_lock(&cr_sessions_lock);
	list_for_each_entry(s, &cr_sessions, node) {
		if (s->group == current->signal) {
			s->users++;
			goto out;
		}
	}
	s = make ? kzalloc(sizeof(*s), GFP_KERNEL) : NULL;
	if (s) {
		s->group = current->signal;
		s->users = 1;
		init_waitqueue_head(&s->wq);
		list_add(&s->node, &cr_sessions);
	}
out:
	mutex_unlock(&cr_sessions_lock);
	return s;
}

static void cr_session_put(struct cr_session *s)
{
	mutex_lock(&cr_sessions_lock);
	if (!--s->users) {
		list_del(&s->node);
		kfree(s);
	}
	mutex_unlock(&cr_sessions_lock);
}

static void cr_session_set(struct cr_session *s, enum cr_session_state state)
{
	mutex_lock(&cr_sessions_lock);
	if (s->state == CR_SESSION_WAITING) {
		if (state == CR_SESSION_GO)
			s->released = s->waiting;
		WRITE_ONCE(s->state, state);
	}
	mutex_unlock(&cr_sessions_lock);
	wake_up_all(&s->wq);
}

static struct cr_plan_thread *cr_plan_thread_by_tid(struct cr_plan *p,
						    pid_t tid)
{
	u32 lo = 0, hi = p->nr_threads;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (p->threads[mid].rec.tid == tid)
			return &p->threads[mid];
		if (p->threads[mid].rec.tid < (u32)tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int cr_plan_gather_threads(struct cr_plan *p)
{
	int n = get_nr_threads(current);
	struct task_struct *t;
	pid_t stranger = 0;
	long left;

	if (n != 1 + p->nr_threads)
		return cr_fail(p->err, "the restarting process has %d thread%s, the image %u",
			       n, n == 1 ? "" : "s", 1 + p->nr_threads);
	if (!p->nr_threads)
		return 0;
	rcu_read_lock();
	for_each_thread(current, t) {
		if (t != current && !cr_plan_thread_by_tid(p, cr_own_tid(t))) {
			stranger = cr_own_tid(t);
			break;
		}
	}
	rcu_read_unlock();
	if (stranger)
		return cr_fail(p->err,
			       "thread %d of the restarting process is none of the image's threads",
			       stranger);
	p->session = cr_session_get(true);
	if (!p->session)
		return -ENOMEM;
	left = wait_event_killable_timeout(p->session->wq,
					   READ_ONCE(p->session->waiting) == p->nr_threads,
					   CRMOD_THREAD_JOIN_SECONDS * HZ);
	if (left < 0)
		return -EINTR;
	if (!left)
		return cr_fail(p->err,
			       "%u of the image's %u other threads wait in CRCTL_IOC_RESTART_THREAD after %d s",
			       READ_ONCE(p->session->waiting), p->nr_threads,
			       CRMOD_THREAD_JOIN_SECONDS);
	return 0;
}

/* A refusal, or a failure of the leader: the waiting threads go back. */
void cr_threads_abort(struct cr_plan *p)
{
	struct cr_session *s = p->session ?: cr_session_get(false);

	if (!s)
		return;
	cr_session_set(s, CR_SESSION_ABORT);
	if (s != p->session)
		cr_session_put(s);
}

int cr_threads_restore(struct cr_plan *p)
{
	struct cr_session *s = p->session;

	if (!s)
		return 0;
	WRITE_ONCE(s->plan, p);
	mutex_lock(&cr_sessions_lock);
	s->held = !!p->ready;
	mutex_unlock(&cr_sessions_lock);
	cr_session_set(s, CR_SESSION_GO);
	/* not killable: the threads read the plan until they are done */
	wait_event(s->wq, READ_ONCE(s->restored) == s->released);
	return READ_ONCE(s->failed) ? -EINTR : 0;
}

void cr_threads_let_go(struct cr_plan *p, bool ok)
{
	struct cr_session *s = p->session;

	if (!s)
		return;
	mutex_lock(&cr_sessions_lock);
	if (ok)
		s->tree_go = true;
	else
		s->failed = true;
	mutex_unlock(&cr_sessions_lock);
	wake_up_all(&s->wq);
}

void cr_threads_leave(struct cr_plan *p)
{
	if (p->session)
		cr_session_put(p->session);
	p->session = NULL;
}

/* One thread, past the point of no return, in its own context. */
static int cr_thread_restore(struct cr_plan *view, long *retval)
{
	int ret;

	ret = cr_restore_thread_task(view);
	if (!ret)
		ret = cr_arch_restore_regs(view, retval);
	if (!ret)
		ret = cr_restore_pending(view);
	if (!ret)
		ret = cr_restore_creds(view);
	return ret;
}

static int cr_thread_go(struct cr_session *s, struct cr_error *err,
			struct file *status, long *retval)
{
	struct cr_plan_thread *th;
	int ret = -EINTR;

	th = cr_plan_thread_by_tid(s->plan, cr_own_tid(current));
	if (!th) {
		ret = cr_fail(err, "thread %d is none of the image's threads",
			      cr_own_tid(current));
	} else if (!fatal_signal_pending(current)) {
		th->view->err = err;
		th->view->status = status;
		ret = cr_thread_restore(th->view, retval);
	}
	if (ret && ret != -EINTR && th) {
		char msg[CRMOD_ERROR_LEN];

		strscpy(msg, err->msg, sizeof(msg));
		err->msg[0] = '\0';
		cr_fail(err, "thread %u: %s", th->rec.tid, msg);
		cr_plan_die(th->view, ret);
	}
	mutex_lock(&cr_sessions_lock);
	s->restored++;
	if (ret)
		s->failed = true;
	mutex_unlock(&cr_sessions_lock);
	wake_up_all(&s->wq);
	if (ret)
		return -EINTR;
	/* the others: a failure among them kills this thread too */
	if (wait_event_killable(s->wq, (READ_ONCE(s->restored) == s->released &&
					(!READ_ONCE(s->held) || READ_ONCE(s->tree_go))) ||
				READ_ONCE(s->failed)) || READ_ONCE(s->failed))
		return -EINTR;
	return 0;
}

static int cr_thread_check_caller(struct cr_error *err)
{
	struct task_struct *leader = current->group_leader;
	bool shares;

	if (thread_group_leader(current))
		return cr_fail(err, "a process's leader restarts with CRCTL_IOC_RESTART");
	task_lock(leader);
	shares = current->files == leader->files && current->fs == leader->fs;
	task_unlock(leader);
	if (!shares || current->mm != leader->mm)
		return cr_fail(err,
			       "a thread that restores itself must share its process's memory, fd table and fs");
	return 0;
}

long crmod_ioc_restart_thread(void __user *uarg)
{
	struct crmod_restart_thread_args args;
	struct cr_error err = { .msg = "" };
	struct file *status = NULL;
	struct cr_session *s = NULL;
	enum cr_session_state state;
	long retval = 0;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags)
		return -EINVAL;
	ret = cr_thread_check_caller(&err);
	if (ret)
		goto report;
	if (args.status_fd >= 0) {
		/*
		 * Not a fallible step of the restart (cr_fault): a thread may
		 * come in before or after its leader's restart starts counting.
		 */
		status = cr_file_acquired(fget(args.status_fd));
		if (!status || !(status->f_mode & FMODE_WRITE)) {
			ret = cr_fail(&err, "status fd %d is not open for writing",
				      args.status_fd);
			goto report;
		}
	}
	s = cr_session_get(true);
	if (!s) {
		ret = -ENOMEM;
		goto report;
	}
	mutex_lock(&cr_sessions_lock);
	state = s->state;
	if (state == CR_SESSION_WAITING)
		s->waiting++;
	mutex_unlock(&cr_sessions_lock);
	if (state == CR_SESSION_GO) {	/* too late to join */
		ret = cr_fail(&err,
			      "the restart of the process is already past waiting for its threads");
		goto report;
	}
	if (state == CR_SESSION_WAITING) {
		wake_up_all(&s->wq);
		wait_event_killable(s->wq,
				    READ_ONCE(s->state) != CR_SESSION_WAITING);
		mutex_lock(&cr_sessions_lock);
		state = s->state;
		if (state == CR_SESSION_WAITING)	/* killed while waiting */
			s->waiting--;
		mutex_unlock(&cr_sessions_lock);
	}
	if (state == CR_SESSION_GO) {
		ret = cr_thread_go(s, &err, status, &retval);
		cr_session_put(s);
		if (status)
			cr_fput(status);
		/* past the point of no return: user memory is the image's */
		return ret ?: retval;
	}
	if (state == CR_SESSION_ABORT)
		ret = cr_fail(&err,
			      "the restart of the process was refused or failed (its CRCTL_IOC_RESTART says why)");
	else
		ret = -EINTR;
	if (ret == -EINVAL)
		ret = -ECANCELED;
report:
	if (s)
		cr_session_put(s);
	if (status)
		cr_fput(status);
	if (!err.msg[0])
		cr_fail(&err, "error %d", ret);
	if (args.error && copy_to_user(u64_to_user_ptr(args.error), err.msg,
				       sizeof(err.msg)))
		return -EFAULT;
	return ret;
}
