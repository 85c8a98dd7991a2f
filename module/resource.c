// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: test builds only: counts of what the module holds, and the fault
 * that makes the Nth fallible step of one task's next checkpoint or
 * restart fail (CRCTL_IOC_TEST_FAULT). See resource.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "crmod.h"
#include "resource.h"

static atomic_long_t cr_live_allocs = ATOMIC_LONG_INIT(0);
static atomic_long_t cr_live_files = ATOMIC_LONG_INIT(0);

/* The one armed fault; the lock keeps its fields consistent. */
static DEFINE_SPINLOCK(cr_fault_lock);
static struct {
	pid_t tgid;		/* whose next checkpoint or restart; -1: anyone's */
	u32 nth;		/* step to fail, 1.. */
	u32 steps;		/* steps taken in that ioctl so far */
	bool hit;
	char step[CRMOD_TEST_STEP_LEN];
} cr_armed;

void cr_count_alloc(const void *p)
{
	if (p)
		atomic_long_inc(&cr_live_allocs);
}

void cr_count_free(const void *p)
{
	if (p)
		atomic_long_dec(&cr_live_allocs);
}

void cr_count_file(const struct file *f, int delta)
{
	if (f)
		atomic_long_add(delta, &cr_live_files);
}

bool cr_fault(const char *what)
{
	bool fail = false;

	spin_lock(&cr_fault_lock);
	if (cr_armed.tgid == current->tgid && cr_armed.nth && !cr_armed.hit) {
		cr_armed.steps++;
		if (cr_armed.steps == cr_armed.nth) {
			cr_armed.hit = true;
			fail = true;
			snprintf(cr_armed.step, sizeof(cr_armed.step), "%s", what);
		}
	}
	spin_unlock(&cr_fault_lock);
	if (fail)
		pr_info("test fault: step %u of pid %d fails: %s\n", cr_armed.nth,
			current->tgid, what);
	return fail;
}

/* At the start of a checkpoint or restart: steps count from here. */
void cr_fault_begin(void)
{
	spin_lock(&cr_fault_lock);
	if (cr_armed.tgid == -1 && cr_armed.nth)
		cr_armed.tgid = current->tgid;
	if (cr_armed.tgid == current->tgid) {
		cr_armed.steps = 0;
		cr_armed.hit = false;
		cr_armed.step[0] = 0;
	}
	spin_unlock(&cr_fault_lock);
}

/* The message an injected fault leaves, if the step that failed was one. */
const char *cr_fault_step(void)
{
	return cr_armed.hit && cr_armed.tgid == current->tgid ? cr_armed.step : NULL;
}

long crmod_ioc_test_fault(void __user *uarg)
{
	struct crmod_test_fault t;

	if (copy_from_user(&t, uarg, sizeof(t)))
		return -EFAULT;
	spin_lock(&cr_fault_lock);
	if (t.nth) {
		cr_armed.tgid = t.pid ? t.pid : current->tgid;
		cr_armed.nth = t.nth;
		cr_armed.steps = 0;
		cr_armed.hit = false;
		cr_armed.step[0] = 0;
	}
	t.steps = cr_armed.steps;
	t.hit = cr_armed.hit;
	memcpy(t.step, cr_armed.step, sizeof(t.step));
	if (t.disarm)
		cr_armed.nth = 0;
	spin_unlock(&cr_fault_lock);
	t.live_allocs = atomic_long_read(&cr_live_allocs);
	t.live_files = atomic_long_read(&cr_live_files);
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}
