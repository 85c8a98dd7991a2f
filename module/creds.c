// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: credentials. Restart grants the image's ids, groups and
 * capabilities only where the restarting caller could have taken them
 * itself (setuid, setgroups, capset rules); otherwise it refuses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/securebits.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

int cr_dump_creds(struct cr_ckpt *ck)
{
	struct user_namespace *ns = current_user_ns();
	struct crmod_creds *c;
	const struct cred *cred;
	size_t len;
	int i, ret;

	rcu_read_lock();
	cred = get_cred(__task_cred(ck->task));
	rcu_read_unlock();
	len = sizeof(*c) + cred->group_info->ngroups * sizeof(u32);
	c = cr_zalloc(len);
	if (!c) {
		put_cred(cred);
		return -ENOMEM;
	}
	c->uid = from_kuid_munged(ns, cred->uid);
	c->euid = from_kuid_munged(ns, cred->euid);
	c->suid = from_kuid_munged(ns, cred->suid);
	c->fsuid = from_kuid_munged(ns, cred->fsuid);
	c->gid = from_kgid_munged(ns, cred->gid);
	c->egid = from_kgid_munged(ns, cred->egid);
	c->sgid = from_kgid_munged(ns, cred->sgid);
	c->fsgid = from_kgid_munged(ns, cred->fsgid);
	c->cap_inheritable = crmod_compat_cap_get(cred->cap_inheritable);
	c->cap_permitted = crmod_compat_cap_get(cred->cap_permitted);
	c->cap_effective = crmod_compat_cap_get(cred->cap_effective);
	c->cap_bset = crmod_compat_cap_get(cred->cap_bset);
	c->cap_ambient = crmod_compat_cap_get(cred->cap_ambient);
	c->securebits = cred->securebits;
	c->ngroups = cred->group_info->ngroups;
	for (i = 0; i < cred->group_info->ngroups; i++)
		((u32 *)(c + 1))[i] = from_kgid_munged(ns,
						       cred->group_info->gid[i]);
	put_cred(cred);
	ret = cr_write_section(&ck->w, CRMOD_SEC_CREDS, c, len);
	cr_free(c);
	return ret;
}

int cr_read_creds(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_creds *c = payload;

	if (p->creds)
		return cr_plan_fail(p, "a second CREDS section");
	if (len < sizeof(*c) || c->ngroups > NGROUPS_MAX ||
	    len != sizeof(*c) + (u64)c->ngroups * sizeof(u32))
		return cr_plan_fail(p, "length %llu does not fit its %u groups",
				    len, len < sizeof(*c) ? 0 : c->ngroups);
	p->creds = cr_alloc(len);
	if (!p->creds)
		return -ENOMEM;
	memcpy(p->creds, payload, len);
	return 0;
}

static bool cr_uid_allowed(const struct cred *cur, kuid_t uid)
{
	return uid_eq(uid, cur->uid) || uid_eq(uid, cur->euid) ||
	       uid_eq(uid, cur->suid) ||
	       ns_capable(cur->user_ns, CAP_SETUID);
}

static bool cr_gid_allowed(const struct cred *cur, kgid_t gid)
{
	return gid_eq(gid, cur->gid) || gid_eq(gid, cur->egid) ||
	       gid_eq(gid, cur->sgid) ||
	       ns_capable(cur->user_ns, CAP_SETGID);
}

int cr_plan_check_creds(struct cr_plan *p)
{
	const struct cred *cur = current_cred();
	struct user_namespace *ns = current_user_ns();
	const struct crmod_creds *c = p->creds;
	const u32 *groups;
	u32 uids[4], gids[4], i, locked;
	u64 mine, want;

	if (!c)
		return cr_fail(p->err, "the image has no CREDS section");
	uids[0] = c->uid; uids[1] = c->euid; uids[2] = c->suid; uids[3] = c->fsuid;
	gids[0] = c->gid; gids[1] = c->egid; gids[2] = c->sgid; gids[3] = c->fsgid;
	for (i = 0; i < 4; i++) {
		kuid_t uid = make_kuid(ns, uids[i]);
		kgid_t gid = make_kgid(ns, gids[i]);

		if (!uid_valid(uid) || !cr_uid_allowed(cur, uid))
			return cr_fail(p->err,
				       "the image runs as uid %u, which the restarting caller may not take",
				       uids[i]);
		if (!gid_valid(gid) || !cr_gid_allowed(cur, gid))
			return cr_fail(p->err,
				       "the image runs as gid %u, which the restarting caller may not take",
				       gids[i]);
	}
	groups = (const u32 *)(c + 1);
	for (i = 0; i < c->ngroups; i++) {
		if (!gid_valid(make_kgid(ns, groups[i])))
			return cr_fail(p->err, "supplementary group %u has no mapping here",
				       groups[i]);
	}
	if (c->ngroups && !ns_capable(ns, CAP_SETGID))
		return cr_fail(p->err,
			       "the image has supplementary groups; setting them needs CAP_SETGID");

	mine = crmod_compat_cap_get(cur->cap_permitted);
	want = c->cap_permitted | c->cap_effective | c->cap_ambient;
	if (want & ~mine)
		return cr_fail(p->err,
			       "the image holds capabilities %#llx the restarting caller lacks",
			       want & ~mine);
	want = c->cap_inheritable & ~(crmod_compat_cap_get(cur->cap_inheritable) |
				      crmod_compat_cap_get(cur->cap_bset));
	if (want)
		return cr_fail(p->err,
			       "the image's inheritable capabilities %#llx exceed the caller's",
			       want);
	want = c->cap_bset & ~crmod_compat_cap_get(cur->cap_bset);
	if (want)
		return cr_fail(p->err, "the image's bounding set %#llx exceeds the caller's",
			       want);
	/* what commit_creds() and capset() hold true of every cred */
	if (c->cap_effective & ~c->cap_permitted)
		return cr_fail(p->err,
			       "section CREDS: effective capabilities %#llx are not in the permitted set %#llx",
			       c->cap_effective, c->cap_permitted);
	if (c->cap_ambient & ~(c->cap_permitted & c->cap_inheritable))
		return cr_fail(p->err,
			       "section CREDS: ambient capabilities %#llx are not in both the permitted %#llx and inheritable %#llx sets",
			       c->cap_ambient, c->cap_permitted, c->cap_inheritable);

	if (c->securebits & ~SECURE_ALL_BITS & ~SECURE_ALL_LOCKS)
		return cr_fail(p->err, "section CREDS: unknown securebits %#x",
			       c->securebits);
	/* a locked securebit, and its lock, stay as they are (prctl rules) */
	locked = cur->securebits & SECURE_ALL_LOCKS;
	if ((c->securebits ^ cur->securebits) & (locked | locked >> 1))
		return cr_fail(p->err,
			       "the image's securebits %#x change bits the restarting process has locked (%#x)",
			       c->securebits, cur->securebits);
	if (c->securebits != cur->securebits && !ns_capable(ns, CAP_SETPCAP))
		return cr_fail(p->err, "the image's securebits %#x need CAP_SETPCAP",
			       c->securebits);
	return 0;
}

/* Past the point of no return. */
int cr_restore_creds(struct cr_plan *p)
{
	struct user_namespace *ns = current_user_ns();
	const struct crmod_creds *c = p->creds;
	const u32 *groups = (const u32 *)(c + 1);
	struct group_info *gi;
	struct cred *new;
	u32 i;
	int ret;

	new = cr_fault("preparing credentials") ? NULL : prepare_creds();
	if (!new)
		return -ENOMEM;
	gi = groups_alloc(c->ngroups);
	if (!gi) {
		abort_creds(new);
		return -ENOMEM;
	}
	for (i = 0; i < c->ngroups; i++)
		gi->gid[i] = make_kgid(ns, groups[i]);
	groups_sort(gi);
	set_groups(new, gi);
	put_group_info(gi);

	new->uid = make_kuid(ns, c->uid);
	new->euid = make_kuid(ns, c->euid);
	new->suid = make_kuid(ns, c->suid);
	new->fsuid = make_kuid(ns, c->fsuid);
	new->gid = make_kgid(ns, c->gid);
	new->egid = make_kgid(ns, c->egid);
	new->sgid = make_kgid(ns, c->sgid);
	new->fsgid = make_kgid(ns, c->fsgid);
	new->cap_inheritable = crmod_compat_cap_make(c->cap_inheritable);
	new->cap_permitted = crmod_compat_cap_make(c->cap_permitted);
	new->cap_effective = crmod_compat_cap_make(c->cap_effective);
	new->cap_bset = crmod_compat_cap_make(c->cap_bset);
	new->cap_ambient = crmod_compat_cap_make(c->cap_ambient);
	new->securebits = c->securebits;
	if (cr_fault("installing credentials")) {
		abort_creds(new);
		return cr_fail(p->err, "cannot install the image's credentials (%d)",
			       -CR_FAULT_ERRNO);
	}
	ret = commit_creds(new);
	if (ret)
		cr_fail(p->err, "cannot install the image's credentials (%d)",
			ret);
	return ret;
}

/* Threads share credentials; glibc's setuid() gives each a copy. */
bool cr_creds_equal(const struct cred *a, const struct cred *b)
{
	int i;

	if (a == b)
		return true;
	if (!uid_eq(a->uid, b->uid) || !uid_eq(a->euid, b->euid) ||
	    !uid_eq(a->suid, b->suid) || !uid_eq(a->fsuid, b->fsuid) ||
	    !gid_eq(a->gid, b->gid) || !gid_eq(a->egid, b->egid) ||
	    !gid_eq(a->sgid, b->sgid) || !gid_eq(a->fsgid, b->fsgid) ||
	    a->securebits != b->securebits || a->user_ns != b->user_ns ||
	    memcmp(&a->cap_inheritable, &b->cap_inheritable,
		   sizeof(a->cap_inheritable)) ||
	    memcmp(&a->cap_permitted, &b->cap_permitted,
		   sizeof(a->cap_permitted)) ||
	    memcmp(&a->cap_effective, &b->cap_effective,
		   sizeof(a->cap_effective)) ||
	    memcmp(&a->cap_bset, &b->cap_bset, sizeof(a->cap_bset)) ||
	    memcmp(&a->cap_ambient, &b->cap_ambient, sizeof(a->cap_ambient)))
		return false;
	if (a->group_info == b->group_info)
		return true;
	if (a->group_info->ngroups != b->group_info->ngroups)
		return false;
	for (i = 0; i < a->group_info->ngroups; i++)
		if (!gid_eq(a->group_info->gid[i], b->group_info->gid[i]))
			return false;
	return true;
}
