// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the other threads of a process. Each has its own TASK (tid, comm,
 * rseq, robust futex list, scheduling), registers, blocked mask and
 * alternate stack, and signals sent to it alone; everything else is its
 * process's. Checkpoint refuses a thread holding anything of its own
 * besides (an fd table, fs or credentials); restart checks each thread's
 * sections as its leader's are checked, through a view of the plan in
 * which the per-task fields are the thread's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sort.h>

#include "crmod.h"
#include "resolver.h"
#include "resource.h"

/* ---- checkpoint ---- */

pid_t cr_own_tid(struct task_struct *t)
{
	return task_pid_nr_ns(t, task_active_pid_ns(t));
}

static int cr_cmp_tid(const void *a, const void *b)
{
	pid_t x = cr_own_tid(((const struct cr_ckpt_thread *)a)->task);
	pid_t y = cr_own_tid(((const struct cr_ckpt_thread *)b)->task);

	return x < y ? -1 : x > y;
}

/* Is t stopped in a ptrace stop with the caller as its tracer? */
bool cr_held_by_caller(struct task_struct *t)
{
	bool ok;

	rcu_read_lock();
	ok = t->ptrace && rcu_dereference(t->parent) == current &&
	     task_is_traced(t);
	rcu_read_unlock();
	return ok;
}

/* What a thread may not have of its own: restart gives it its process's. */
static int cr_check_thread(struct cr_ckpt *ck, struct task_struct *t,
			   pid_t pid)
{
	struct task_struct *leader = ck->task;
	pid_t tid = task_pid_vnr(t);
	const char *own = NULL;
	bool same_creds;

	if (!cr_held_by_caller(t)) {
		cr_fail(ck->err,
			"thread %d of process %d is not held in a ptrace stop by the caller",
			tid, pid);
		return -EPERM;
	}
	if (t->flags & PF_EXITING)
		return cr_fail(ck->err, "thread %d of process %d is exiting",
			       tid, pid);
	if (t->flags & PF_IO_WORKER)
		return cr_refuse(ck->err, CRMOD_STATE_THREAD_OWN_STATE,
				 "thread %d of process %d is an io_uring worker",
				 tid, pid);
	task_lock(t);
	if (t->files != leader->files)
		own = "fd table";
	else if (t->fs != leader->fs)
		own = "working directory and root";
	task_unlock(t);
	rcu_read_lock();
	same_creds = cr_creds_equal(__task_cred(t), __task_cred(leader));
	rcu_read_unlock();
	if (!own && !same_creds)
		own = "credentials";
	if (own)
		return cr_refuse(ck->err, CRMOD_STATE_THREAD_OWN_STATE,
				 "thread %d of process %d has %s of its own",
				 tid, pid, own);
	return 0;
}

/*
 * The target's other threads, held and sorted by tid. The thread list is
 * walked under RCU; every thread is in the caller's ptrace stop, so none
 * can make another, but one can still be killed, which is refused as a
 * change.
 */
int cr_check_threads(struct cr_ckpt *ck, pid_t pid)
{
	struct task_struct *t, *leader = ck->task;
	int n = get_nr_threads(leader), i = 0;
	int ret = 0;

	if (n > CRMOD_MAX_THREADS)
		return cr_fail(ck->err, "process %d has %d threads; an image holds at most %d",
			       pid, n, CRMOD_MAX_THREADS);
	if (n <= 1)
		return 0;
	ck->threads = cr_zalloc_array(n - 1, sizeof(*ck->threads));
	if (!ck->threads)
		return -ENOMEM;
	rcu_read_lock();
	for_each_thread(leader, t) {
		if (t == leader)
			continue;
		if (i == n - 1) {
			ret = -EAGAIN;
			break;
		}
		get_task_struct(t);
		ck->threads[i++].task = t;
	}
	rcu_read_unlock();
	ck->nr_threads = i;
	if (ret || i != n - 1)
		return cr_fail(ck->err, "process %d's threads changed during checkpoint",
			       pid);
	sort(ck->threads, ck->nr_threads, sizeof(*ck->threads), cr_cmp_tid,
	     NULL);
	for (i = 0; i < ck->nr_threads && !ret; i++)
		ret = cr_check_thread(ck, ck->threads[i].task, pid);
	return ret;
}

/* Each thread's TASK, as its leader's is read: ck->task is the thread. */
int cr_dump_threads(struct cr_ckpt *ck)
{
	struct task_struct *leader = ck->task;
	struct crmod_task *leader_rec;
	u32 i;
	int ret = 0;

	if (!ck->nr_threads)
		return 0;
	leader_rec = cr_alloc(sizeof(*leader_rec));
	if (!leader_rec)
		return -ENOMEM;
	*leader_rec = ck->task_rec;
	for (i = 0; i < ck->nr_threads && !ret; i++) {
		ck->task = ck->threads[i].task;
		ret = cr_dump_task(ck);
		if (!ret)
			ret = cr_arch_check_target(ck);
		ck->threads[i].rec = ck->task_rec;
	}
	ck->task = leader;
	ck->task_rec = *leader_rec;
	cr_free(leader_rec);
	return ret;
}

/* What each thread of ck->task's process has of its own. */
int cr_write_own_state(struct cr_ckpt *ck)
{
	int ret = cr_arch_dump_regs(ck);

	if (!ret)
		ret = cr_dump_signals(ck);
	if (!ret)
		ret = cr_dump_pending(ck);
	return ret;
}

int cr_write_threads(struct cr_ckpt *ck)
{
	struct task_struct *leader = ck->task;
	u32 i;
	int ret = 0;

	for (i = 0; i < ck->nr_threads && !ret; i++) {
		struct cr_ckpt_thread *th = &ck->threads[i];
		struct crmod_thread rec = { .tid = th->rec.pid };

		ret = cr_write_section(&ck->w, CRMOD_SEC_THREAD, &rec,
				       sizeof(rec));
		if (!ret)
			ret = cr_write_section(&ck->w, CRMOD_SEC_TASK, &th->rec,
					       sizeof(th->rec));
		ck->task = th->task;
		ck->thread_part = true;
		if (!ret)
			ret = cr_write_own_state(ck);
		ck->thread_part = false;
		ck->task = leader;
	}
	return ret;
}

/*
 * A tracee tells its tracer it has stopped before it leaves its CPU; until
 * it does, its FP and vector registers may be the CPU's, not yet in its
 * thread struct (ppc64's regset code BUG()s on that). Wait for each, as
 * ptrace's own requests do.
 */
int cr_wait_off_cpu(struct cr_ckpt *ck, pid_t pid)
{
	u32 i;
	bool off = crmod_sym_wait_task_inactive(ck->task, __TASK_TRACED);

	for (i = 0; off && i < ck->nr_threads; i++)
		off = crmod_sym_wait_task_inactive(ck->threads[i].task,
						   __TASK_TRACED);
	if (!off)
		return cr_fail(ck->err, "process %d left its ptrace stop during checkpoint",
			       pid);
	return 0;
}

bool cr_threads_still_held(struct cr_ckpt *ck)
{
	u32 i;

	for (i = 0; i < ck->nr_threads; i++)
		if (!cr_held_by_caller(ck->threads[i].task))
			return false;
	return true;
}

void cr_threads_release(struct cr_ckpt *ck)
{
	u32 i;

	for (i = 0; i < ck->nr_threads; i++)
		put_task_struct(ck->threads[i].task);
	cr_free(ck->threads);
	ck->threads = NULL;
	ck->nr_threads = 0;
}

/* ---- restart: reading and checking ---- */

struct cr_plan_thread *cr_plan_cur_thread(struct cr_plan *p)
{
	return p->nr_threads ? &p->threads[p->nr_threads - 1] : NULL;
}

/* Through the plan's copy buffer: these are too big for the stack. */
static void cr_swap_through(void *a, void *b, size_t len, void *tmp)
{
	memcpy(tmp, a, len);
	memcpy(a, b, len);
	memcpy(b, tmp, len);
}

void cr_plan_thread_swap(struct cr_plan *p, struct cr_plan_thread *th)
{
	BUILD_BUG_ON(sizeof(p->task) > CR_COPY_BYTES);
	BUILD_BUG_ON(sizeof(p->signals) > CR_COPY_BYTES);
	swap(p->has_task, th->has_task);
	cr_swap_through(&p->task, &th->task, sizeof(p->task), p->buf);
	swap(p->has_signals, th->has_signals);
	cr_swap_through(&p->signals, &th->signals, sizeof(p->signals), p->buf);
	swap(p->regs_type, th->regs_type);
	swap(p->regs, th->regs);
	swap(p->regs_len, th->regs_len);
	swap(p->pending, th->pending);
	swap(p->nr_pending, th->nr_pending);
	swap(p->has_pending, th->has_pending);
}

static int cr_thread_complete(struct cr_plan *p, struct cr_plan_thread *th)
{
	const char *missing = !th->has_task ? "TASK" : !th->regs ? "REGS" :
			      !th->has_signals ? "SIGNALS" :
			      !th->has_pending ? "PENDING" : NULL;

	if (missing)
		return cr_fail(p->err, "thread %u has no %s section",
			       th->rec.tid, missing);
	if (th->task.pid != th->rec.tid)
		return cr_fail(p->err, "thread %u: its TASK section says pid %u",
			       th->rec.tid, th->task.pid);
	return 0;
}

int cr_read_thread(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_thread *rec = payload;
	struct cr_plan_thread *prev = cr_plan_cur_thread(p);
	int ret;

	if (len != sizeof(*rec))
		return cr_plan_fail(p, "length %llu, expected %zu", len,
				    sizeof(*rec));
	if (p->hdr.format_version < 3)
		return cr_plan_fail(p, "a THREAD section in a format %u image",
				    p->hdr.format_version);
	if (rec->reserved)
		return cr_plan_fail(p, "reserved field is %u", rec->reserved);
	if (!p->has_task || !p->regs || !p->has_signals || !p->has_pending ||
	    !p->has_fds || !p->has_locks)
		return cr_plan_fail(p, "a THREAD section before the process's own sections end");
	if (prev) {
		ret = cr_thread_complete(p, prev);
		if (ret)
			return ret;
	}
	if (!rec->tid || rec->tid > PID_MAX_LIMIT || rec->tid == p->task.pid)
		return cr_plan_fail(p, "thread id %u is not valid for another thread of process %u",
				    rec->tid, p->task.pid);
	if (prev && rec->tid <= prev->rec.tid)
		return cr_plan_fail(p, "thread %u after thread %u: not in tid order",
				    rec->tid, prev->rec.tid);
	ret = cr_plan_grow((void **)&p->threads, p->nr_threads,
			   &p->cap_threads, sizeof(*p->threads),
			   CRMOD_MAX_THREADS - 1);
	if (ret == -E2BIG)
		return cr_plan_fail(p, "more than %d threads", CRMOD_MAX_THREADS);
	if (ret)
		return ret;
	memset(&p->threads[p->nr_threads], 0, sizeof(*p->threads));
	p->threads[p->nr_threads++].rec = *rec;
	return 0;
}

int cr_check_threads_complete(struct cr_plan *p)
{
	u32 i;
	int ret = 0;

	for (i = 0; i < p->nr_threads && !ret; i++)
		ret = cr_thread_complete(p, &p->threads[i]);
	return ret;
}

int cr_plan_thread_views(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_threads; i++) {
		struct cr_plan_thread *th = &p->threads[i];
		struct cr_plan *v = cr_alloc(sizeof(*v));

		if (!v)
			return -ENOMEM;
		*v = *p;
		v->process = p;
		v->reasons = NULL;
		v->threads = NULL;
		v->nr_threads = 0;
		v->session = NULL;
		v->task = th->task;
		v->signals = th->signals;
		v->regs_type = th->regs_type;
		v->regs = th->regs;
		v->regs_len = th->regs_len;
		v->pending = th->pending;
		v->nr_pending = th->nr_pending;
		th->view = v;
	}
	return 0;
}

/* Dispositions are the process's; a thread's own queue is its own. */
int cr_plan_check_thread_signals(struct cr_plan *view)
{
	u32 i;

	if (memcmp(view->signals.action, view->process->signals.action,
		   sizeof(view->signals.action)))
		return cr_fail(view->err, "its signal dispositions differ from its process's");
	for (i = 0; i < view->nr_pending; i++)
		if (view->pending[i].flags & CRMOD_SIG_SHARED)
			return cr_fail(view->err,
				       "signal %u pending for the whole process is among the thread's own",
				       view->pending[i].signo);
	return 0;
}

void cr_plan_threads_free(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_threads; i++) {
		cr_free(p->threads[i].regs);
		cr_free(p->threads[i].pending);
		cr_free(p->threads[i].view);
	}
	cr_free(p->threads);
	p->threads = NULL;
	p->nr_threads = 0;
}
