// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: signal dispositions, the blocked mask and the alternate signal
 * stack. Restart installs the dispositions here; the blocked mask and the
 * alternate stack go in with the registers, through rt_sigreturn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>

#include "crmod.h"
#include "resource.h"
#include "resolver.h"

static_assert(_NSIG == CRMOD_NSIG);
static_assert(_NSIG_WORDS == 1);

/* RLIMIT_SIGPENDING is far lower in practice; beyond this is corruption. */
#define CR_MAX_PENDING	65536

/* SA_* flags user space may set; anything else in an image is corruption. */
#define CR_SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | \
		     SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | \
		     SA_UNSUPPORTED | CR_SA_RESTORER)
#ifdef SA_RESTORER
#define CR_SA_RESTORER SA_RESTORER
#else
#define CR_SA_RESTORER 0
#endif

int cr_dump_signals(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;
	struct crmod_signals *s;
	int i, ret;

	s = cr_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	spin_lock_irq(&t->sighand->siglock);
	for (i = 0; i < _NSIG; i++) {
		const struct sigaction *sa = &t->sighand->action[i].sa;

		s->action[i].handler = (unsigned long)sa->sa_handler;
		s->action[i].flags = sa->sa_flags;
#ifdef __ARCH_HAS_SA_RESTORER
		s->action[i].restorer = (unsigned long)sa->sa_restorer;
#endif
		s->action[i].mask = sa->sa_mask.sig[0];
	}
	s->blocked = t->blocked.sig[0];
	spin_unlock_irq(&t->sighand->siglock);
	s->altstack_sp = t->sas_ss_sp;
	s->altstack_size = t->sas_ss_size;
	s->altstack_flags = t->sas_ss_flags;
	if (!t->sas_ss_size)
		s->altstack_flags |= SS_DISABLE;
	ret = cr_write_section(&ck->w, CRMOD_SEC_SIGNALS, s, sizeof(*s));
	cr_free(s);
	return ret;
}

int cr_read_signals(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_signals *s = payload;
	int i;

	if (p->has_signals)
		return cr_plan_fail(p, "a second SIGNALS section");
	if (len != sizeof(*s))
		return cr_plan_fail(p, "length %llu, expected %zu", len,
				    sizeof(*s));
	for (i = 0; i < _NSIG; i++) {
		if (s->action[i].flags & ~(u64)CR_SA_KNOWN)
			return cr_plan_fail(p, "signal %d: unknown flags %#llx",
					    i + 1, s->action[i].flags);
		if (s->action[i].handler >= TASK_SIZE)
			return cr_plan_fail(p, "signal %d: handler %#llx outside user space",
					    i + 1, s->action[i].handler);
	}
	if (s->altstack_flags & ~(u32)(SS_DISABLE | SS_ONSTACK | SS_AUTODISARM))
		return cr_plan_fail(p, "unknown alternate stack flags %#x",
				    s->altstack_flags);
	/* sigaltstack(2)'s own minimum; rt_sigreturn would drop it silently */
	if (!(s->altstack_flags & SS_DISABLE) && s->altstack_size < MINSIGSTKSZ)
		return cr_plan_fail(p, "an alternate signal stack of %llu bytes, less than %d",
				    (u64)s->altstack_size, MINSIGSTKSZ);
	if (s->reserved)
		return cr_plan_fail(p, "reserved field is %u", s->reserved);
	p->signals = *s;
	p->has_signals = true;
	return 0;
}

/*
 * Signals queued for t on one of its two pending queues, into out (room
 * for max): each queued siginfo, and a signal pending without one (its
 * siginfo could not be allocated) as dequeueing would make it up. Returns
 * how many there are, even beyond max.
 */
static u32 cr_collect_pending(struct crmod_pending_signal *out, u32 max,
			      struct sigpending *pending, u32 flags)
{
	sigset_t seen;
	struct sigqueue *q;
	u32 n = 0;
	int sig;

	BUILD_BUG_ON(sizeof(out->info) != sizeof(siginfo_t));
	sigemptyset(&seen);
	list_for_each_entry(q, &pending->list, list) {
		if (n < max) {
			out[n].signo = q->info.si_signo;
			out[n].flags = flags;
			copy_siginfo_to_external((siginfo_t *)out[n].info,
						 &q->info);
		}
		sigaddset(&seen, q->info.si_signo);
		n++;
	}
	for (sig = 1; sig < _NSIG; sig++) {
		siginfo_t *info;

		if (!sigismember(&pending->signal, sig) || sigismember(&seen, sig))
			continue;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].signo = sig;
			out[n].flags = flags;
			info = (siginfo_t *)out[n].info;
			info->si_signo = sig;
			info->si_code = SI_USER;
		}
		n++;
	}
	return n;
}

int cr_dump_pending(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;
	struct crmod_pending_signal *sigs = NULL;
	u32 room = 0, nr;
	int ret;

	/* Counted, then copied: more may arrive between, so until it fits. */
	for (;;) {
		spin_lock_irq(&t->sighand->siglock);
		nr = cr_collect_pending(sigs, room, &t->pending, 0);
		/* the process's queue goes with its leader's */
		if (!ck->thread_part)
			nr += cr_collect_pending(sigs ? sigs + min(nr, room) : NULL,
						 room - min(nr, room),
						 &t->signal->shared_pending,
						 CRMOD_SIG_SHARED);
		spin_unlock_irq(&t->sighand->siglock);
		if (nr <= room)
			break;
		if (nr > CR_MAX_PENDING) {
			cr_free(sigs);
			return cr_fail(ck->err, "more than %d signals pending",
				       CR_MAX_PENDING);
		}
		cr_free(sigs);
		room = nr + 16;
		sigs = cr_zalloc_array(room, sizeof(*sigs));
		if (!sigs)
			return -ENOMEM;
	}
	ret = cr_write_section(&ck->w, CRMOD_SEC_PENDING, sigs,
			       nr * sizeof(*sigs));
	cr_free(sigs);
	return ret;
}

int cr_read_pending(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_pending_signal *s = payload;
	u64 n = len / sizeof(*s), i;

	if (p->has_pending)
		return cr_plan_fail(p, "a second PENDING section");
	if (len % sizeof(*s) || n > CR_MAX_PENDING)
		return cr_plan_fail(p, "length %llu is not a multiple of %zu up to %d signals",
				    len, sizeof(*s), CR_MAX_PENDING);
	u64 legacy[2] = { 0, 0 };	/* non-RT signals seen, per queue */

	for (i = 0; i < n; i++) {
		const siginfo_t *info = (const siginfo_t *)s[i].info;
		u64 bit;

		if (!valid_signal(s[i].signo) || !s[i].signo ||
		    info->si_signo != s[i].signo)
			return cr_plan_fail(p, "pending signal %llu: number %u, siginfo says %d",
					    i, s[i].signo, info->si_signo);
		if (s[i].flags & ~CRMOD_SIG_SHARED)
			return cr_plan_fail(p, "pending signal %llu: unknown flags %#x",
					    i, s[i].flags);
		if (sig_kernel_only(s[i].signo))
			return cr_plan_fail(p, "pending signal %llu: %u cannot be pending",
					    i, s[i].signo);
		/* only real-time signals queue: the others are pending once */
		bit = 1ULL << (s[i].signo - 1);
		if (s[i].signo < SIGRTMIN &&
		    (legacy[!!(s[i].flags & CRMOD_SIG_SHARED)] & bit))
			return cr_plan_fail(p,
					    "pending signal %llu: signal %u a second time on one queue",
					    i, s[i].signo);
		legacy[!!(s[i].flags & CRMOD_SIG_SHARED)] |= bit;
	}
	/* sized by the image: at most 8.5 MiB, beyond kmalloc's reach */
	p->pending = cr_alloc(len ?: 1);
	if (!p->pending)
		return -ENOMEM;
	memcpy(p->pending, payload, len);
	p->nr_pending = n;
	p->has_pending = true;
	return 0;
}

/*
 * Siginfo that claims to come from the kernel, or from kill()/tgkill() of
 * some sender, is what rt_sigqueueinfo() refuses to forge: an image may
 * hold it (a pending SIGCHLD, SIGALRM, kill from another process), but only
 * a caller with CAP_SYS_ADMIN may have the kernel queue it again.
 */
int cr_plan_check_pending(struct cr_plan *p)
{
	u32 i, realtime = 0;

	for (i = 0; i < p->nr_pending; i++) {
		const siginfo_t *info = (const siginfo_t *)p->pending[i].info;

		if (p->pending[i].signo >= SIGRTMIN)
			realtime++;
		if ((info->si_code >= 0 || info->si_code == SI_TKILL) &&
		    !capable(CAP_SYS_ADMIN))
			return cr_fail(p->err,
				       "pending signal %u has siginfo of kernel or kill() origin (si_code %d); queueing it again needs CAP_SYS_ADMIN",
				       p->pending[i].signo, info->si_code);
	}
	if (realtime > rlimit(RLIMIT_SIGPENDING))
		return cr_fail(p->err,
			       "the image has %u real-time signals pending; RLIMIT_SIGPENDING allows %lu",
			       realtime, rlimit(RLIMIT_SIGPENDING));
	return 0;
}

/*
 * Past the point of no return, once the blocked mask is the image's:
 * queue the pending signals again, each on the queue it was on.
 */
int cr_restore_pending(struct cr_plan *p)
{
	u32 i;
	int ret;

	for (i = 0; i < p->nr_pending; i++) {
		const struct crmod_pending_signal *s = &p->pending[i];
		kernel_siginfo_t info;

		memcpy(&info, s->info, sizeof(info));
		ret = cr_fault("queueing a signal") ? -CR_FAULT_ERRNO :
		      crmod_sym_do_send_sig_info(s->signo, &info, current,
						 s->flags & CRMOD_SIG_SHARED ?
						 PIDTYPE_TGID : PIDTYPE_PID);
		if (ret)
			return cr_fail(p->err, "cannot queue pending signal %u again (%d)",
				       s->signo, ret);
	}
	return 0;
}

/* Past the point of no return: the image's dispositions replace ours. */
void cr_restore_signals(struct cr_plan *p)
{
	struct k_sigaction *action = current->sighand->action;
	int i;

	spin_lock_irq(&current->sighand->siglock);
	for (i = 0; i < _NSIG; i++) {
		const struct crmod_sigaction *in = &p->signals.action[i];
		struct sigaction *sa = &action[i].sa;

		if (sig_kernel_only(i + 1))
			continue;
		sa->sa_handler = (__sighandler_t)(unsigned long)in->handler;
		sa->sa_flags = in->flags;
#ifdef __ARCH_HAS_SA_RESTORER
		sa->sa_restorer = (__sigrestore_t)(unsigned long)in->restorer;
#endif
		sa->sa_mask.sig[0] = in->mask;
		sigdelsetmask(&sa->sa_mask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	}
	spin_unlock_irq(&current->sighand->siglock);
}
