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

	s = kzalloc(sizeof(*s), GFP_KERNEL);
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
	kfree(s);
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
	if (s->reserved)
		return cr_plan_fail(p, "reserved field is %u", s->reserved);
	p->signals = *s;
	p->has_signals = true;
	return 0;
}

/* Signals queued for t, from one of its two pending queues. */
static int cr_collect_pending(struct crmod_pending_signal **out, u32 *nr,
			      struct sigpending *pending, u32 flags)
{
	struct sigqueue *q;
	u32 n = 0, i = *nr;

	list_for_each_entry(q, &pending->list, list)
		n++;
	if (!n)
		return 0;
	if (*nr + n > CR_MAX_PENDING)
		return -E2BIG;
	*out = krealloc_array(*out, *nr + n, sizeof(**out), GFP_ATOMIC);
	if (!*out)
		return -ENOMEM;
	list_for_each_entry(q, &pending->list, list) {
		struct crmod_pending_signal *s = &(*out)[i++];

		BUILD_BUG_ON(sizeof(s->info) != sizeof(siginfo_t));
		s->signo = q->info.si_signo;
		s->flags = flags;
		copy_siginfo_to_external((siginfo_t *)s->info, &q->info);
	}
	*nr = i;
	return 0;
}

int cr_dump_pending(struct cr_ckpt *ck)
{
	struct task_struct *t = ck->task;
	struct crmod_pending_signal *sigs = NULL;
	u32 nr = 0;
	int ret;

	spin_lock_irq(&t->sighand->siglock);
	ret = cr_collect_pending(&sigs, &nr, &t->pending, 0);
	if (!ret)
		ret = cr_collect_pending(&sigs, &nr, &t->signal->shared_pending,
					 CRMOD_SIG_SHARED);
	spin_unlock_irq(&t->sighand->siglock);
	if (ret == -E2BIG)
		ret = cr_fail(ck->err, "more than %d signals pending",
			      CR_MAX_PENDING);
	if (!ret)
		ret = cr_write_section(&ck->w, CRMOD_SEC_PENDING, sigs,
				       nr * sizeof(*sigs));
	kfree(sigs);
	return ret;
}

int cr_read_pending(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_pending_signal *s = payload;
	u64 n = len / sizeof(*s), i;

	if (p->pending)
		return cr_plan_fail(p, "a second PENDING section");
	if (len % sizeof(*s) || n > CR_MAX_PENDING)
		return cr_plan_fail(p, "length %llu is not a multiple of %zu up to %d signals",
				    len, sizeof(*s), CR_MAX_PENDING);
	for (i = 0; i < n; i++) {
		const siginfo_t *info = (const siginfo_t *)s[i].info;

		if (!valid_signal(s[i].signo) || !s[i].signo ||
		    info->si_signo != s[i].signo)
			return cr_plan_fail(p, "pending signal %llu: number %u, siginfo says %d",
					    i, s[i].signo, info->si_signo);
		if (s[i].flags & ~CRMOD_SIG_SHARED)
			return cr_plan_fail(p, "pending signal %llu: unknown flags %#x",
					    i, s[i].flags);
	}
	p->pending = kmemdup(payload, len ?: 1, GFP_KERNEL);
	if (!p->pending)
		return -ENOMEM;
	p->nr_pending = n;
	return 0;
}

/*
 * Past the point of no return, once the blocked mask is the image's:
 * queue the pending signals again. A single-threaded process cannot tell
 * its private queue from the shared one, so all go to the process.
 */
void cr_restore_pending(struct cr_plan *p)
{
	u32 i;

	for (i = 0; i < p->nr_pending; i++) {
		kernel_siginfo_t info;

		if (sig_kernel_only(p->pending[i].signo))
			continue;
		memcpy(&info, p->pending[i].info, sizeof(info));
		send_sig_info(p->pending[i].signo, &info, current);
	}
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
