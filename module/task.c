// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the task itself: name, personality, scheduling, umask, cwd and
 * root, rlimits, the process attributes prctl() and /proc set (subreaper,
 * dumpable, no_new_privs, pdeathsig, timer slack, oom_score_adj, loginuid,
 * THP, coredump filter), the per-thread registrations glibc makes (rseq,
 * robust futex list, clear_child_tid), and the mm fields behind
 * /proc/PID/{cmdline,environ,auxv,exe,stat}. What restart could not give
 * back exactly (a namespace of its own, seccomp, ...) is refused here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/audit.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/futex.h>
#include <linux/ioprio.h>
#include <linux/iocontext.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/oom.h>
#include <linux/personality.h>
#include <linux/pid_namespace.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seccomp.h>
#include <linux/string.h>
#include <uapi/linux/sched/types.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"
#include "resolver.h"

static_assert(RLIM_NLIMITS <= CRMOD_RLIMITS);
static_assert(sizeof_field(struct mm_struct, saved_auxv) <=
	      CRMOD_AUXV_WORDS * sizeof(__u64));

#define CR_POLICY_RESET_ON_FORK	0x40000000	/* SCHED_RESET_ON_FORK */

static const char *const cr_rlimit_names[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = "RLIMIT_CPU", [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
	[RLIMIT_DATA] = "RLIMIT_DATA", [RLIMIT_STACK] = "RLIMIT_STACK",
	[RLIMIT_CORE] = "RLIMIT_CORE", [RLIMIT_RSS] = "RLIMIT_RSS",
	[RLIMIT_NPROC] = "RLIMIT_NPROC", [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
	[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK", [RLIMIT_AS] = "RLIMIT_AS",
	[RLIMIT_LOCKS] = "RLIMIT_LOCKS", [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
	[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
	[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO", [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

static int cr_register_dir(struct cr_ckpt *ck, const struct path *path,
			   const char *what, u32 *id)
{
	struct file *dir = cr_dentry_open(path, O_PATH | O_DIRECTORY, current_cred());
	u32 kind;
	int ret;

	if (IS_ERR(dir))
		return cr_fail(ck->err, "cannot open the %s of the process (%ld)",
			       what, PTR_ERR(dir));
	ret = cr_file_classify(ck, dir, what, &kind);
	if (!ret)
		ret = cr_file_register(ck, dir, kind, id);
	cr_fput(dir);
	return ret;
}

/* Namespaces the process is in that restart would not give it back. */
static int cr_check_namespaces(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;
	const char *which = NULL;
	struct nsproxy *mine = current->nsproxy, *its;
	int ret = 0;

	task_lock(t);
	its = t->nsproxy;
	if (!its)
		which = "no";	/* exiting */
	else if (its->mnt_ns != mine->mnt_ns)
		which = "a mount";
	else if (its->net_ns != mine->net_ns)
		which = "a network";
	else if (its->cgroup_ns != mine->cgroup_ns)
		which = "a cgroup";
	else if (!cr_compat_same_time_ns(its, mine))
		which = "a time";
	else	/* UTS and IPC: recorded (namespaces.c) */
		ret = cr_dump_namespaces(ck, its);
	task_unlock(t);
	if (ret)
		return ret;
	/*
	 * A process crctl restarted lives in a pid namespace of its own;
	 * crctl checkpoints it from that namespace's parent, after setns()
	 * into it (pid_ns_for_children), so that it names its own pid there.
	 */
	if (!which && task_active_pid_ns(t) != task_active_pid_ns(current) &&
	    task_active_pid_ns(t) != mine->pid_ns_for_children)
		which = "a PID";
	if (!which) {
		/* The target's cred may be replaced at any time: RCU. */
		rcu_read_lock();
		if (__task_cred(t)->user_ns != current_user_ns())
			which = "a user";
		rcu_read_unlock();
	}
	if (which)
		return cr_refuse(ck->err, CRMOD_STATE_NAMESPACES,
				 "process %d is in %s namespace of its own",
				 task_pid_vnr(t), which);
	return 0;
}

/*
 * glibc creates threads with CLONE_SYSVSEM, which gives every threaded
 * process an undo list, empty unless it did semop(SEM_UNDO). The list is
 * private to ipc/sem.c; what is public is the namespace's count of
 * semaphores. With none, no entries can exist: removing a set drops its
 * undo entries. The stopped process cannot semop meanwhile.
 */
static bool cr_may_hold_sem_undo(struct task_struct *t)
{
	bool may = false;

#ifdef CONFIG_SYSVIPC
	if (!t->sysvsem.undo_list)
		return false;
	task_lock(t);
	may = !t->nsproxy || READ_ONCE(t->nsproxy->ipc_ns->used_sems) != 0;
	task_unlock(t);
#endif
	return may;
}

/* Attributes a process can set that crmod does not restore: refused. */
static int cr_check_task_attrs(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;

	if (t->seccomp.mode != SECCOMP_MODE_DISABLED)
		return cr_refuse(ck->err, CRMOD_STATE_SECCOMP,
				 "the process runs under seccomp (mode %d)",
				 t->seccomp.mode);
	if (t->policy == SCHED_DEADLINE)
		return cr_refuse(ck->err, CRMOD_STATE_SCHED_DEADLINE,
				 "the process runs SCHED_DEADLINE");
	if (task_spec_ssb_disable(t) || task_spec_ssb_force_disable(t) ||
	    task_spec_ssb_noexec(t) || task_spec_ib_disable(t) ||
	    task_spec_ib_force_disable(t))
		return cr_refuse(ck->err, CRMOD_STATE_PRCTL_OTHER,
				 "the process set PR_SET_SPECULATION_CTRL");
	if (t->flags & (PF_MCE_PROCESS | PF_LOCAL_THROTTLE))
		return cr_refuse(ck->err, CRMOD_STATE_PRCTL_OTHER,
				 "the process set PR_MCE_KILL or PR_SET_IO_FLUSHER");
	if (cr_compat_mm_has_other_prctl(ck->mm))
		return cr_refuse(ck->err, CRMOD_STATE_PRCTL_OTHER,
				 "the process set PR_SET_MDWE or PR_SET_MEMORY_MERGE");
	if (cr_may_hold_sem_undo(t))
		return cr_refuse(ck->err, CRMOD_STATE_SYSV_IPC,
				 "the process may hold System V semaphore undo entries (it has an undo list and its IPC namespace has semaphore sets)");
#ifdef CONFIG_NUMA
	if (t->mempolicy)
		return cr_refuse(ck->err, CRMOD_STATE_NUMA_POLICY,
				 "the process has a NUMA memory policy");
#endif
	return 0;
}

static int cr_dump_attrs(struct cr_ckpt *ck, struct crmod_task *rec)
{
	struct task_struct *t = ck->task;
	struct mm_struct *mm = ck->mm;
	unsigned int cpu;

#ifdef CONFIG_FUTEX
	rec->robust_list = (unsigned long)cr_compat_robust_list(t);
	if (rec->robust_list)
		rec->robust_list_len = sizeof(struct robust_list_head);
#endif
	rec->clear_child_tid = (unsigned long)t->clear_child_tid;
	rec->timer_slack_ns = t->timer_slack_ns;
	rec->default_timer_slack_ns = t->default_timer_slack_ns;
	rec->pdeath_signal = t->pdeath_signal;
	rec->oom_score_adj = t->signal->oom_score_adj;
	rec->oom_score_adj_min = t->signal->oom_score_adj_min;
#ifdef CONFIG_AUDIT
	if (audit_loginuid_set(t)) {
		rec->flags |= CRMOD_TASK_LOGINUID;
		rec->loginuid = from_kuid_munged(current_user_ns(),
						 audit_get_loginuid(t));
		rec->sessionid = audit_get_sessionid(t);
	}
#endif
	if (t->signal->is_child_subreaper)
		rec->flags |= CRMOD_TASK_CHILD_SUBREAPER;
	if (task_no_new_privs(t))
		rec->flags |= CRMOD_TASK_NO_NEW_PRIVS;
	if (cr_compat_mm_flag(mm, MMF_DISABLE_THP))
		rec->flags |= CRMOD_TASK_THP_DISABLE;
	if (mm->def_flags & VM_LOCKED)
		rec->flags |= CRMOD_TASK_MLOCK_FUTURE;
	if (mm->def_flags & VM_LOCKONFAULT)
		rec->flags |= CRMOD_TASK_MLOCK_ONFAULT;
	rec->dumpable = cr_compat_get_dumpable(t, mm);
	rec->coredump_filter = cr_compat_coredump_filter(mm);
	rec->sched_policy = t->policy |
			    (t->sched_reset_on_fork ? CR_POLICY_RESET_ON_FORK : 0);
	rec->sched_priority = t->rt_priority;
	task_lock(t);
	if (t->io_context)
		rec->ioprio = t->io_context->ioprio;
	task_unlock(t);
	if (!cpumask_equal(&t->cpus_mask, cpu_possible_mask)) {
		rec->flags |= CRMOD_TASK_AFFINITY;
		for_each_cpu(cpu, &t->cpus_mask) {
			if (cpu >= CRMOD_CPU_WORDS * 64)
				return cr_fail(ck->err,
					       "the process may run on CPU %u; an image has room for %d",
					       cpu, CRMOD_CPU_WORDS * 64);
			rec->cpu_affinity[cpu / 64] |= 1ULL << (cpu % 64);
		}
	}
	return 0;
}

int cr_dump_task(struct cr_ckpt *ck)
{
	struct crmod_task *t = &ck->task_rec;
	struct task_struct *task = ck->task;
	struct mm_struct *mm = ck->mm;
	struct file *exe;
	struct path pwd, root, mine;
	unsigned int i;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = cr_check_namespaces(ck);
	if (!ret)
		ret = cr_check_task_attrs(ck);
	if (ret)
		return ret;
	cr_compat_get_task_comm(t->comm, task);
	/* what getpid() says in the process, restored as such */
	t->pid = cr_own_tid(task);
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
		ret = cr_register_dir(ck, &root, "root directory", &t->root_file);
	path_put(&mine);
	path_put(&root);
	if (!ret)
		ret = cr_register_dir(ck, &pwd, "working directory", &t->cwd_file);
	path_put(&pwd);
	if (ret)
		return ret;

	exe = cr_file_acquired(cr_compat_mm_exe_file(mm));
	if (exe) {
		u32 kind;

		ret = cr_file_classify(ck, exe, "the executable", &kind);
		if (!ret)
			ret = cr_file_register(ck, exe, kind, &t->exe_file);
		cr_fput(exe);
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
	ret = cr_dump_attrs(ck, t);
	if (ret)
		return ret;

	task_lock(task->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		t->rlim_cur[i] = task->signal->rlim[i].rlim_cur;
		t->rlim_max[i] = task->signal->rlim[i].rlim_max;
	}
	task_unlock(task->group_leader);
	return 0;
}

/* Restart: reading and checking. */

static int cr_check_attrs_record(struct cr_plan *p, const struct crmod_task *t)
{
	u64 limit = TASK_SIZE;
	u32 policy = t->sched_policy & ~CR_POLICY_RESET_ON_FORK;
	unsigned int i;

	if (t->robust_list >= limit || t->clear_child_tid >= limit ||
	    (t->robust_list && t->robust_list_len != sizeof(struct robust_list_head)) ||
	    (!t->robust_list && t->robust_list_len))
		return cr_plan_fail(p,
				    "robust list %#llx of %llu bytes or clear_child_tid %#llx is not valid",
				    t->robust_list, t->robust_list_len,
				    t->clear_child_tid);
	if (t->oom_score_adj < OOM_SCORE_ADJ_MIN ||
	    t->oom_score_adj > OOM_SCORE_ADJ_MAX ||
	    t->oom_score_adj_min < OOM_SCORE_ADJ_MIN ||
	    t->oom_score_adj_min > t->oom_score_adj)
		return cr_plan_fail(p, "oom_score_adj %d (at least %d) is out of range",
				    t->oom_score_adj, t->oom_score_adj_min);
	if (t->dumpable > SUID_DUMP_ROOT)
		return cr_plan_fail(p, "dumpable %u", t->dumpable);
	if (t->pdeath_signal && !valid_signal(t->pdeath_signal))
		return cr_plan_fail(p, "pdeath signal %u", t->pdeath_signal);
	if (t->flags & ~CRMOD_TASK_KNOWN_FLAGS)
		return cr_plan_fail(p, "unknown flags %#x", t->flags);
	if (!(t->flags & CRMOD_TASK_LOGINUID) && (t->loginuid || t->sessionid))
		return cr_plan_fail(p, "a loginuid without its flag");
	if (t->coredump_filter & ~((1U << MMF_DUMP_FILTER_BITS) - 1))
		return cr_plan_fail(p, "coredump filter %#x", t->coredump_filter);
	if (t->timer_slack_ns > ULONG_MAX || t->default_timer_slack_ns > ULONG_MAX)
		return cr_plan_fail(p, "timer slack %llu ns", t->timer_slack_ns);
	switch (policy) {
	case SCHED_NORMAL: case SCHED_BATCH: case SCHED_IDLE:
		if (t->sched_priority)
			return cr_plan_fail(p, "priority %u with policy %u",
					    t->sched_priority, policy);
		break;
	case SCHED_FIFO: case SCHED_RR:
		if (t->sched_priority < 1 || t->sched_priority > MAX_RT_PRIO - 1)
			return cr_plan_fail(p, "real-time priority %u",
					    t->sched_priority);
		break;
	default:
		return cr_plan_fail(p, "scheduling policy %u is not one crmod restores",
				    policy);
	}
	/* ioprio_set(2)'s rules: 16 bits, a level only with a class */
	if (t->ioprio && (t->ioprio > U16_MAX ||
			  IOPRIO_PRIO_CLASS(t->ioprio) > IOPRIO_CLASS_IDLE ||
			  IOPRIO_PRIO_DATA(t->ioprio) >= IOPRIO_NR_LEVELS ||
			  IOPRIO_PRIO_CLASS(t->ioprio) == IOPRIO_CLASS_NONE))
		return cr_plan_fail(p, "I/O priority %#x", t->ioprio);
	if (t->reserved)
		return cr_plan_fail(p, "reserved field is %u", t->reserved);
	for (i = 0; i < CRMOD_CPU_WORDS; i++) {
		if (!(t->flags & CRMOD_TASK_AFFINITY) && t->cpu_affinity[i])
			return cr_plan_fail(p, "CPU affinity without its flag");
	}
	return 0;
}

/* The ranges the mm fields give, each in order and in this user space. */
static int cr_check_mm_spans(struct cr_plan *p, const struct crmod_task *t, u64 limit)
{
	const struct {
		const char *name;
		u64 start, end;
	} spans[] = {
		{ "start_code-end_code", t->start_code, t->end_code },
		{ "start_data-end_data", t->start_data, t->end_data },
		{ "start_brk-brk", t->start_brk, t->brk },
		{ "arg_start-arg_end", t->arg_start, t->arg_end },
		{ "env_start-env_end", t->env_start, t->env_end },
		{ "start_stack", t->start_stack, t->start_stack },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spans); i++) {
		if (spans[i].start > spans[i].end)
			return cr_plan_fail(p, "%s %#llx-%#llx is inverted", spans[i].name,
					    spans[i].start, spans[i].end);
		if (spans[i].end > limit)
			return cr_plan_fail(p,
					    "%s at %#llx is beyond this kernel's user address space (%#llx)",
					    spans[i].name, spans[i].end, limit);
	}
	return 0;
}

int cr_read_task(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_task *t = payload;
	u64 limit = TASK_SIZE;
	unsigned int i;
	int ret;

	if (p->has_task)
		return cr_plan_fail(p, "a second TASK section");
	if (len != sizeof(*t))
		return cr_plan_fail(p, "length %llu, expected %zu", len,
				    sizeof(*t));
	if (strnlen(t->comm, sizeof(t->comm)) == sizeof(t->comm))
		return cr_plan_fail(p, "comm is not NUL-terminated");
	if (t->auxv_words > CRMOD_AUXV_WORDS || t->auxv_words % 2)
		return cr_plan_fail(p, "%u auxv words, not pairs within %u",
				    t->auxv_words, CRMOD_AUXV_WORDS);
	ret = cr_check_mm_spans(p, t, limit);
	if (ret)
		return ret;
	if (t->nice < MIN_NICE || t->nice > MAX_NICE)
		return cr_plan_fail(p, "nice %d is out of range", t->nice);
	if (t->umask & ~0777)
		return cr_plan_fail(p, "umask %#o is out of range", t->umask);
	if (t->rseq && (t->rseq >= limit || t->rseq % 32 || t->rseq_len < 32 ||
			t->rseq_len > PAGE_SIZE))
		return cr_plan_fail(p, "rseq area %#llx of %u bytes is not a valid registration",
				    t->rseq, t->rseq_len);
	if (!t->rseq && (t->rseq_len || t->rseq_sig))
		return cr_plan_fail(p, "an rseq length or signature without an area");
	for (i = 0; i < RLIM_NLIMITS; i++) {
		if (t->rlim_cur[i] > t->rlim_max[i])
			return cr_plan_fail(p, "rlimit %u: soft %llu above hard %llu",
					    i, t->rlim_cur[i], t->rlim_max[i]);
	}
	for (i = RLIM_NLIMITS; i < CRMOD_RLIMITS; i++) {
		if (t->rlim_cur[i] || t->rlim_max[i])
			return cr_plan_fail(p, "rlimit %u is unknown to this kernel", i);
	}
	ret = cr_check_attrs_record(p, t);
	if (ret)
		return ret;
	p->task = *t;
	p->has_task = true;
	return 0;
}

static int cr_plan_check_limits(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	struct rlimit *rlim = current->signal->rlim;
	unsigned int i;

	for (i = 0; i < RLIM_NLIMITS; i++) {
		if (t->rlim_max[i] > rlim[i].rlim_max &&
		    !capable(CAP_SYS_RESOURCE))
			return cr_fail(p->err,
				       "the image's %s hard limit %llu is above the restarting process's %lu; raising it needs CAP_SYS_RESOURCE",
				       cr_rlimit_names[i], t->rlim_max[i],
				       rlim[i].rlim_max);
	}
	if (t->nice < task_nice(current) && !can_nice(current, t->nice))
		return cr_fail(p->err,
			       "the image runs at nice %d; the restarting process may not go below %d",
			       t->nice, task_nice(current));
	return 0;
}

static int cr_plan_check_attrs(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	u32 policy = t->sched_policy & ~CR_POLICY_RESET_ON_FORK;
	struct cpumask *want;
	unsigned int cpu;
	int ret = 0;

	if ((t->oom_score_adj < current->signal->oom_score_adj_min ||
	     t->oom_score_adj_min < current->signal->oom_score_adj_min) &&
	    !capable(CAP_SYS_RESOURCE))
		return cr_fail(p->err,
			       "the image's oom_score_adj %d (at least %d) is below what the restarting process may set (%d) without CAP_SYS_RESOURCE",
			       t->oom_score_adj, t->oom_score_adj_min,
			       current->signal->oom_score_adj_min);
	if (task_no_new_privs(current) && !(t->flags & CRMOD_TASK_NO_NEW_PRIVS))
		return cr_fail(p->err,
			       "the restarting process has no_new_privs set and cannot clear it for the image");
	if (t->flags & CRMOD_TASK_LOGINUID) {
#ifdef CONFIG_AUDIT
		kuid_t uid = make_kuid(current_user_ns(), t->loginuid);

		if (!uid_valid(uid))
			return cr_fail(p->err, "the image's loginuid %u has no mapping here",
				       t->loginuid);
		if ((!uid_eq(uid, audit_get_loginuid(current)) ||
		     t->sessionid != audit_get_sessionid(current)) &&
		    !capable(CAP_AUDIT_CONTROL))
			return cr_fail(p->err,
				       "the image's loginuid %u (session %u) differs from the restarting process's; setting it needs CAP_AUDIT_CONTROL",
				       t->loginuid, t->sessionid);
#else
		return cr_fail(p->err, "the image has a loginuid; this kernel has no audit");
#endif
	}
	if ((policy == SCHED_FIFO || policy == SCHED_RR) &&
	    !capable(CAP_SYS_NICE) &&
	    t->sched_priority > rlimit(RLIMIT_RTPRIO))
		return cr_fail(p->err,
			       "the image runs real-time at priority %u; that needs CAP_SYS_NICE or RLIMIT_RTPRIO",
			       t->sched_priority);
	if (t->ioprio && IOPRIO_PRIO_CLASS(t->ioprio) == IOPRIO_CLASS_RT &&
	    !capable(CAP_SYS_NICE) && !capable(CAP_SYS_ADMIN))
		return cr_fail(p->err,
			       "the image has real-time I/O priority; that needs CAP_SYS_NICE");
	if ((t->flags & CRMOD_TASK_MLOCK_FUTURE) && !rlimit(RLIMIT_MEMLOCK) &&
	    !capable(CAP_IPC_LOCK))
		return cr_fail(p->err,
			       "the image locks its future mappings (mlockall); that needs RLIMIT_MEMLOCK or CAP_IPC_LOCK");
	if (!(t->flags & CRMOD_TASK_AFFINITY))
		return 0;
	want = cr_zalloc(cpumask_size());
	if (!want)
		return -ENOMEM;
	for (cpu = 0; cpu < CRMOD_CPU_WORDS * 64; cpu++) {
		if (!(t->cpu_affinity[cpu / 64] & (1ULL << (cpu % 64))))
			continue;
		if (cpu >= nr_cpu_ids || !cpumask_test_cpu(cpu, &current->cpus_mask)) {
			ret = cr_fail(p->err,
				      "the image runs on CPU %u, which the restarting process may not use",
				      cpu);
			break;
		}
		cpumask_set_cpu(cpu, want);
	}
	if (!ret && cpumask_empty(want))
		ret = cr_fail(p->err, "the image's CPU affinity is empty");
	cr_free(want);
	return ret;
}

/* crmod_task.flags a thread has of its own */
#define CR_TASK_THREAD_FLAGS	(CRMOD_TASK_NO_NEW_PRIVS | CRMOD_TASK_LOGINUID | \
				 CRMOD_TASK_AFFINITY)

/*
 * A thread's TASK: what a thread has of its own is checked as its leader's
 * is; everything else is its process's and must say what the leader's says,
 * as checkpoint writes it (restart does not apply it a second time).
 */
int cr_plan_check_thread_task(struct cr_plan *view)
{
	const struct crmod_task *leader = &view->process->task;
	struct crmod_task *same;
	bool differs;
	int ret;

	same = cr_alloc(sizeof(*same));
	if (!same)
		return -ENOMEM;
	*same = view->task;
	memcpy(same->comm, leader->comm, sizeof(same->comm));
	same->pid = leader->pid;
	same->personality = leader->personality;
	same->nice = leader->nice;
	same->rseq = leader->rseq;
	same->rseq_len = leader->rseq_len;
	same->rseq_sig = leader->rseq_sig;
	same->robust_list = leader->robust_list;
	same->robust_list_len = leader->robust_list_len;
	same->clear_child_tid = leader->clear_child_tid;
	same->timer_slack_ns = leader->timer_slack_ns;
	same->default_timer_slack_ns = leader->default_timer_slack_ns;
	same->loginuid = leader->loginuid;
	same->sessionid = leader->sessionid;
	same->pdeath_signal = leader->pdeath_signal;
	same->sched_policy = leader->sched_policy;
	same->sched_priority = leader->sched_priority;
	same->ioprio = leader->ioprio;
	memcpy(same->cpu_affinity, leader->cpu_affinity,
	       sizeof(same->cpu_affinity));
	same->flags = (same->flags & ~CR_TASK_THREAD_FLAGS) |
		      (leader->flags & CR_TASK_THREAD_FLAGS);
	differs = memcmp(same, leader, sizeof(*same));
	cr_free(same);
	if (differs)
		return cr_fail(view->err,
			       "its TASK section differs from its process's in what the threads of a process share");
	ret = cr_plan_check_limits(view);
	if (!ret)
		ret = cr_plan_check_attrs(view);
	return ret;
}

/* Check TASK's references once every FILE is open. */
int cr_plan_check_task(struct cr_plan *p)
{
	struct cr_file_ref *exe = cr_plan_file(p, p->task.exe_file);
	const struct cr_file_ref *cwd = cr_plan_file(p, p->task.cwd_file);
	const struct cr_file_ref *root = cr_plan_file(p, p->task.root_file);
	struct file *f;
	int ret;

	if (!p->has_task)
		return cr_fail(p->err, "the image has no TASK section");
	if (p->task.exe_file &&
	    (!exe || (exe->rec.kind != CRMOD_STATE_REGULAR_FILE &&
		      exe->rec.kind != CRMOD_STATE_UNLINKED_FILE)))
		return cr_fail(p->err,
			       "section TASK: the executable is file %u, which the image does not define as a regular file",
			       p->task.exe_file);
	if (p->task.cwd_file && (!cwd || cwd->rec.kind != CRMOD_STATE_DIRECTORY))
		return cr_fail(p->err,
			       "section TASK: the working directory is file %u, which the image does not define",
			       p->task.cwd_file);
	if (p->task.root_file &&
	    (!root || root->rec.kind != CRMOD_STATE_DIRECTORY))
		return cr_fail(p->err,
			       "section TASK: the root directory is file %u, which the image does not define",
			       p->task.root_file);
	if (p->task.root_file && !ns_capable(current_user_ns(), CAP_SYS_CHROOT))
		return cr_fail(p->err, "the image is chrooted; restarting it needs CAP_SYS_CHROOT");
	if (current->fs->users != get_nr_threads(current))
		return cr_fail(p->err, "the restarting process shares its fs_struct");
	/* a newer kernel's may have more entries (6.3 added the rseq ones) */
	if (p->task.auxv_words > ARRAY_SIZE(current->mm->saved_auxv))
		return cr_fail(p->err,
			       "section TASK: the process's auxv has %u entries, this kernel keeps at most %zu",
			       p->task.auxv_words / 2,
			       ARRAY_SIZE(current->mm->saved_auxv) / 2);
	ret = cr_plan_check_limits(p);
	if (!ret)
		ret = cr_plan_check_attrs(p);
	if (ret || !exe)
		return ret;
	/* as execve: an executable someone has open for writing is busy */
	f = cr_plan_open_object(p, exe, O_RDONLY | O_LARGEFILE);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = cr_fault("shutting writers out of the executable") ? -CR_FAULT_ERRNO :
	      cr_compat_deny_write_access(f);
	if (ret) {
		cr_fput(f);
		return cr_fail(p->err, "the executable %s is open for writing (%d)",
			       exe->path, ret);
	}
	p->exe_denied = f;
	return 0;
}

/* Past the point of no return. */

static int cr_restore_sched(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = t->sched_policy & ~CR_POLICY_RESET_ON_FORK,
		.sched_priority = t->sched_priority,
		.sched_nice = t->nice,
		.sched_flags = t->sched_policy & CR_POLICY_RESET_ON_FORK ?
			       SCHED_FLAG_RESET_ON_FORK : 0,
	};
	int ret;

	set_user_nice(current, t->nice);
	if (attr.sched_policy != current->policy || attr.sched_flags ||
	    t->sched_priority != current->rt_priority) {
		ret = cr_fault("setting the scheduling policy") ? -CR_FAULT_ERRNO :
		      sched_setattr_nocheck(current, &attr);
		if (ret)
			return cr_fail(p->err, "cannot set scheduling policy %u (%d)",
				       attr.sched_policy, ret);
	}
	if (t->ioprio) {
		ret = cr_fault("setting the I/O priority") ? -CR_FAULT_ERRNO :
		      set_task_ioprio(current, t->ioprio);
		if (ret)
			return cr_fail(p->err, "cannot set I/O priority %#x (%d)",
				       t->ioprio, ret);
	}
	return 0;
}

static int cr_restore_affinity(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	cpumask_var_t want;
	unsigned int cpu;
	long ret;

	if (!(t->flags & CRMOD_TASK_AFFINITY))
		return 0;
	if (!zalloc_cpumask_var(&want, GFP_KERNEL))
		return -ENOMEM;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (t->cpu_affinity[cpu / 64] & (1ULL << (cpu % 64)))
			cpumask_set_cpu(cpu, want);
	ret = cr_fault("setting the CPU affinity") ? -CR_FAULT_ERRNO :
	      crmod_sym_sched_setaffinity(0, want);
	free_cpumask_var(want);
	if (ret)
		return cr_fail(p->err, "cannot set the CPU affinity (%ld)", ret);
	return 0;
}

/* What each thread has of its own. */
static void cr_restore_thread_attrs(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;

#ifdef CONFIG_FUTEX
	cr_compat_robust_list(current) = (struct robust_list_head __user *)
					 (unsigned long)t->robust_list;
#endif
	current->clear_child_tid = (int __user *)(unsigned long)t->clear_child_tid;
	current->timer_slack_ns = t->timer_slack_ns;
	current->default_timer_slack_ns = t->default_timer_slack_ns;
	current->pdeath_signal = t->pdeath_signal;
	if (t->flags & CRMOD_TASK_NO_NEW_PRIVS)
		task_set_no_new_privs(current);
#ifdef CONFIG_AUDIT
	if (t->flags & CRMOD_TASK_LOGINUID) {
		current->loginuid = make_kuid(current_user_ns(), t->loginuid);
		current->sessionid = t->sessionid;
	}
#endif
}

/* What the threads of a process share. */
static void cr_restore_process_attrs(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	struct mm_struct *mm = current->mm;

	spin_lock_irq(&current->sighand->siglock);
	current->signal->oom_score_adj = t->oom_score_adj;
	current->signal->oom_score_adj_min = t->oom_score_adj_min;
	if (t->flags & CRMOD_TASK_CHILD_SUBREAPER) {
		current->signal->is_child_subreaper = 1;
		current->signal->has_child_subreaper = 1;
	} else {
		current->signal->is_child_subreaper = 0;
	}
	spin_unlock_irq(&current->sighand->siglock);
	mmap_write_lock(mm);
	cr_compat_mm_flag_assign(mm, MMF_DISABLE_THP,
				 t->flags & CRMOD_TASK_THP_DISABLE);
	cr_compat_set_coredump_filter(mm, t->coredump_filter);
	mmap_write_unlock(mm);
}

/* A thread's own part of TASK, the leader's included. */
int cr_restore_thread_task(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	int ret;

	crmod_sym___set_task_comm(current, t->comm, false);
	if (crmod_compat_rseq_set(t->rseq, t->rseq_len, t->rseq_sig))
		return cr_fail(p->err, "cannot reset the ids of the rseq area at %#llx",
			       t->rseq);
	current->personality = t->personality;
	cr_restore_thread_attrs(p);
	ret = cr_restore_sched(p);
	if (!ret)
		ret = cr_restore_affinity(p);
	return ret;
}

int cr_restore_task(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	int ret;

	ret = cr_restore_thread_task(p);
	if (ret)
		return ret;
	current->fs->umask = t->umask;
	if (t->root_file)
		crmod_sym_set_fs_root(current->fs,
				      &cr_plan_file(p, t->root_file)->file->f_path);
	if (t->cwd_file)
		crmod_sym_set_fs_pwd(current->fs,
				     &cr_plan_file(p, t->cwd_file)->file->f_path);
	cr_restore_process_attrs(p);
	return 0;
}

/*
 * Limits last of the steps that map or open anything (a small RLIMIT_AS or
 * RLIMIT_NOFILE is the image's own business, not restart's); phase 1 made
 * sure none goes beyond what the caller may set.
 */
int cr_restore_limits(struct cr_plan *p)
{
	const struct crmod_task *t = &p->task;
	struct rlimit *rlim = current->signal->rlim;
	unsigned int i;

	int ret;

	task_lock(current->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		rlim[i].rlim_max = t->rlim_max[i];
		rlim[i].rlim_cur = t->rlim_cur[i];
	}
	task_unlock(current->group_leader);
	/* as setrlimit() does: the CPU time limit is a timer */
	if (t->rlim_cur[RLIMIT_CPU] == RLIM_INFINITY)
		return 0;
	ret = cr_fault("arming RLIMIT_CPU") ? -CR_FAULT_ERRNO :
	      crmod_sym_update_rlimit_cpu(current, t->rlim_cur[RLIMIT_CPU]);
	if (ret)
		return cr_fail(p->err, "cannot arm the RLIMIT_CPU timer (%d)", ret);
	return 0;
}

/* After the credentials, which reset dumpable when they change. */
int cr_restore_task_late(struct cr_plan *p)
{
	crmod_set_dumpable(p->task.dumpable);
	return 0;
}
