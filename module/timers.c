// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: timers. ITIMER_REAL (and alarm(), which is the same timer) is
 * kept as the time left until it expires and its interval, and armed again
 * on restart from that point on. CPU-time itimers and POSIX timers are
 * refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>

#include "compat.h"
#include "crmod.h"

int cr_dump_timers(struct cr_ckpt *ck)
{
	struct signal_struct *sig = ck->task->signal;
	struct crmod_itimer *real = &ck->timers.real;
	bool cpu_timers, posix_timers;
	ktime_t left;

	spin_lock_irq(&ck->task->sighand->siglock);
	cpu_timers = sig->it[0].expires || sig->it[1].expires;
	posix_timers = cr_compat_has_posix_timers(sig);
	left = __hrtimer_get_remaining(&sig->real_timer, true);
	if (hrtimer_active(&sig->real_timer)) {
		/* about to expire: as getitimer() says, a microsecond */
		real->value_ns = left > 0 ? ktime_to_ns(left) : NSEC_PER_USEC;
		real->interval_ns = ktime_to_ns(sig->it_real_incr);
	}
	spin_unlock_irq(&ck->task->sighand->siglock);
	if (cpu_timers)
		return cr_refuse(ck->err, CRMOD_STATE_CPU_ITIMERS,
				 "the process has an ITIMER_VIRTUAL or ITIMER_PROF timer");
	if (posix_timers)
		return cr_refuse(ck->err, CRMOD_STATE_POSIX_TIMERS,
				 "the process has POSIX timers");
	return 0;
}

int cr_read_timers(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_timers *t = payload;

	if (p->has_timers)
		return cr_plan_fail(p, "a second TIMERS section");
	if (len != sizeof(*t))
		return cr_plan_fail(p, "length %llu, expected %zu", len, sizeof(*t));
	/* setitimer() takes at most this: time_t seconds, as ktime holds them */
	if (t->real.value_ns > KTIME_MAX || t->real.interval_ns > KTIME_MAX)
		return cr_plan_fail(p, "ITIMER_REAL of %llu ns every %llu ns",
				    t->real.value_ns, t->real.interval_ns);
	p->timers = *t;
	p->has_timers = true;
	return 0;
}

/* Past the point of no return: as setitimer(ITIMER_REAL) would arm it. */
void cr_restore_timers(struct cr_plan *p)
{
	struct signal_struct *sig = current->signal;
	const struct crmod_itimer *real = &p->timers.real;

	/* none of ours runs: the restarting process never armed it */
	hrtimer_cancel(&sig->real_timer);
	spin_lock_irq(&current->sighand->siglock);
	sig->it_real_incr = real->value_ns ? ns_to_ktime(real->interval_ns) : 0;
	if (real->value_ns)
		hrtimer_start(&sig->real_timer, ns_to_ktime(real->value_ns),
			      HRTIMER_MODE_REL);
	spin_unlock_irq(&current->sighand->siglock);
}
