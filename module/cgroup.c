// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: cgroup membership, as the path of the process's cgroup v2 from the
 * root of the checkpointing caller's cgroup namespace. Restart does not
 * move anyone: the restarting process must already be there (crctl restart
 * moves its child into the image's cgroup) or say that it restarts in its
 * own on purpose (CRMOD_RESTART_ANY_CGROUP). A cgroup v1 hierarchy with the
 * process below its root is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crmod.h"
#include "resource.h"

/* The task's cgroup v2 path, kmalloc'd; on a v1 hierarchy deeper, "". */
static char *cr_cgroup_path(struct task_struct *t, bool *v1_below_root)
{
	struct cgroup *dfl;
	struct css_set *cset;
	char *buf;
	int i, ret;

	buf = cr_alloc(PATH_MAX);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	*v1_below_root = false;
	rcu_read_lock();
	cset = task_css_set(t);
	dfl = cset->dfl_cgrp;
	for (i = 0; i < CGROUP_SUBSYS_COUNT; i++) {
		struct cgroup *c = cset->subsys[i] ? cset->subsys[i]->cgroup : NULL;

		if (c && c->root != dfl->root && cgroup_parent(c))
			*v1_below_root = true;
	}
	if (!css_tryget(&dfl->self))
		dfl = NULL;
	rcu_read_unlock();
	if (!dfl) {
		cr_free(buf);
		return ERR_PTR(-ESRCH);
	}
	ret = cr_fault("naming a cgroup") ? -CR_FAULT_ERRNO :
	      cgroup_path_ns(dfl, buf, PATH_MAX, current->nsproxy->cgroup_ns);
	css_put(&dfl->self);
	if (ret < 0 || ret >= PATH_MAX) {
		cr_free(buf);
		return ERR_PTR(ret < 0 ? ret : -ENAMETOOLONG);
	}
	return buf;
}

int cr_dump_cgroup(struct cr_ckpt *ck)
{
	bool v1;

	ck->cgroup = cr_cgroup_path(ck->task, &v1);
	if (IS_ERR(ck->cgroup)) {
		int ret = PTR_ERR(ck->cgroup);

		ck->cgroup = NULL;
		return cr_fail(ck->err, "cannot find the process's cgroup (%d)", ret);
	}
	if (v1)
		return cr_refuse(ck->err, CRMOD_STATE_CGROUP_V1,
				 "the process is in a cgroup v1 hierarchy below its root");
	return 0;
}

int cr_read_cgroup(struct cr_plan *p, const void *payload, u64 len)
{
	const char *path = payload;

	if (p->cgroup)
		return cr_plan_fail(p, "a second CGROUP section");
	if (!len || len > PATH_MAX || path[len - 1] || strlen(path) != len - 1 ||
	    path[0] != '/')
		return cr_plan_fail(p, "not one absolute, NUL-terminated cgroup path");
	p->cgroup = cr_memdup(path, len);
	return p->cgroup ? 0 : -ENOMEM;
}

int cr_plan_check_cgroup(struct cr_plan *p)
{
	char *mine;
	bool v1;
	int ret = 0;

	if (!p->cgroup)
		return cr_fail(p->err, "the image has no CGROUP section");
	if (p->flags & CRMOD_RESTART_ANY_CGROUP)
		return 0;
	mine = cr_cgroup_path(current, &v1);
	if (IS_ERR(mine))
		return cr_fail(p->err, "cannot find the restarting process's cgroup (%ld)",
			       PTR_ERR(mine));
	if (strcmp(mine, p->cgroup))
		ret = cr_fail(p->err,
			      "the image was in cgroup %s; the restarting process is in %s (crctl restart moves it, or says --any-cgroup)",
			      p->cgroup, mine);
	cr_free(mine);
	return ret;
}
