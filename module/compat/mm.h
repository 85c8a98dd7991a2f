/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crmod compat: mm_struct flags and what lives in them. 7.x made mm->flags
 * a bitmap behind mm_flags_test() and friends, split the THP-disable flag
 * in two (completely, or except where advised) and moved dumpable to the
 * task's exec state. get_user_pages_remote() lost its vmas argument in 6.5.
 */
#ifndef CRMOD_COMPAT_MM_H
#define CRMOD_COMPAT_MM_H

#include <linux/mm.h>
#include <linux/sched/coredump.h>
#ifdef CR_HAVE_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>
#endif

#ifndef MMF_DISABLE_THP
#define MMF_DISABLE_THP MMF_DISABLE_THP_COMPLETELY
#endif
#ifdef CR_HAVE_TASK_EXEC_STATE
#define SUID_DUMP_ROOT	TASK_DUMPABLE_ROOT
#endif

static inline bool cr_compat_mm_flag(struct mm_struct *mm, int bit)
{
#ifdef CR_HAVE_MM_FLAGS_BITMAP
	return mm_flags_test(bit, mm);
#else
	return test_bit(bit, &mm->flags);
#endif
}

/* Under the mmap lock for writing, as prctl() changes them. */
static inline void cr_compat_mm_flag_assign(struct mm_struct *mm, int bit,
					    bool on)
{
#ifdef CR_HAVE_MM_FLAGS_BITMAP
	if (on)
		mm_flags_set(bit, mm);
	else
		mm_flags_clear(bit, mm);
#else
	if (on)
		set_bit(bit, &mm->flags);
	else
		clear_bit(bit, &mm->flags);
#endif
}

/* Per-process settings crmod does not restore: PR_SET_MDWE, PR_SET_MEMORY_MERGE. */
static inline bool cr_compat_mm_has_other_prctl(struct mm_struct *mm)
{
	bool set = false;
#ifdef MMF_HAS_MDWE
	set |= cr_compat_mm_flag(mm, MMF_HAS_MDWE);
#endif
#ifdef MMF_VM_MERGE_ANY
	set |= cr_compat_mm_flag(mm, MMF_VM_MERGE_ANY);
#endif
#ifdef MMF_DISABLE_THP_EXCEPT_ADVISED
	set |= cr_compat_mm_flag(mm, MMF_DISABLE_THP_EXCEPT_ADVISED);
#endif
	return set;
}

static inline unsigned long cr_compat_mm_flags_word(struct mm_struct *mm)
{
#ifdef CR_HAVE_MM_FLAGS_BITMAP
	return __mm_flags_get_word(mm);
#else
	return mm->flags;
#endif
}

static inline u32 cr_compat_coredump_filter(struct mm_struct *mm)
{
	return (cr_compat_mm_flags_word(mm) & MMF_DUMP_FILTER_MASK) >>
	       MMF_DUMP_FILTER_SHIFT;
}

static inline void cr_compat_set_coredump_filter(struct mm_struct *mm, u32 filter)
{
	unsigned long bits = (unsigned long)filter << MMF_DUMP_FILTER_SHIFT;

#ifdef CR_HAVE_MM_FLAGS_BITMAP
	__mm_flags_set_mask_bits_word(mm, MMF_DUMP_FILTER_MASK, bits);
#else
	set_mask_bits(&mm->flags, MMF_DUMP_FILTER_MASK, bits);
#endif
}

/* PR_GET_DUMPABLE of the task whose mm this is. */
static inline int cr_compat_get_dumpable(struct task_struct *t,
					 struct mm_struct *mm)
{
#ifdef CR_HAVE_TASK_EXEC_STATE
	int dumpable;

	/* task_exec_state_get_dumpable() is not exported */
	rcu_read_lock();
	dumpable = rcu_dereference(t->exec_state)->dumpable;
	rcu_read_unlock();
	return dumpable;
#else
	return get_dumpable(mm);
#endif
}

static inline long cr_compat_gup_remote(struct mm_struct *mm,
					unsigned long start,
					unsigned long nr_pages,
					unsigned int gup_flags,
					struct page **pages)
{
#ifdef CR_HAVE_GUP_VMAS
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#else
	return get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#endif
}

#endif
