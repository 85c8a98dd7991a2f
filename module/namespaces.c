// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: the namespaces a process may have of its own. A UTS namespace is
 * recorded with its host and domain names, an IPC namespace if it holds no
 * objects; restart checks that the restarting process is in fresh ones of
 * those (crctl restart makes them, with the names). Other kinds of
 * namespace are refused at checkpoint (task.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "crmod.h"
#include "resource.h"

/*
 * Its names are changed under uts_sem, which modules cannot take: a copy
 * is taken until two in a row agree (sethostname() writes whole names).
 */
static void cr_copy_uts_names(struct uts_namespace *ns, struct crmod_namespaces *rec)
{
	char node[__NEW_UTS_LEN + 1], domain[__NEW_UTS_LEN + 1];
	int tries;

	for (tries = 0; tries < 4; tries++) {
		memcpy(node, ns->name.nodename, sizeof(node));
		memcpy(domain, ns->name.domainname, sizeof(domain));
		node[__NEW_UTS_LEN] = '\0';
		domain[__NEW_UTS_LEN] = '\0';
		if (!strcmp(node, rec->nodename) && !strcmp(domain, rec->domainname))
			break;
		memset(rec->nodename, 0, sizeof(rec->nodename));
		memset(rec->domainname, 0, sizeof(rec->domainname));
		strscpy(rec->nodename, node, sizeof(rec->nodename));
		strscpy(rec->domainname, domain, sizeof(rec->domainname));
	}
}

/*
 * The objects an IPC namespace holds: System V message queues, semaphore
 * sets and shared memory segments, POSIX message queues. Counts read
 * without the namespace's locks: the process is stopped, and any other
 * member would share the namespace with it, which restart could not give.
 */
static unsigned int cr_ipc_objects(struct ipc_namespace *ns)
{
	unsigned int n = 0;

#ifdef CONFIG_SYSVIPC
	n += READ_ONCE(ns->ids[0].in_use) + READ_ONCE(ns->ids[1].in_use) +
	     READ_ONCE(ns->ids[2].in_use);
#endif
#ifdef CONFIG_POSIX_MQUEUE
	n += READ_ONCE(ns->mq_queues_count);
#endif
	return n;
}

/* Checkpoint: called with the task's nsproxy (task_lock held). */
int cr_dump_namespaces(struct cr_ckpt *ck, struct nsproxy *its)
{
	struct nsproxy *mine = current->nsproxy;
	struct crmod_namespaces *rec = &ck->namespaces;
	unsigned int objects;

	memset(rec, 0, sizeof(*rec));
	if (its->uts_ns != mine->uts_ns) {
		rec->own |= CRMOD_NS_UTS;
		cr_copy_uts_names(its->uts_ns, rec);
	}
	if (its->ipc_ns != mine->ipc_ns) {
		objects = cr_ipc_objects(its->ipc_ns);
		if (objects)
			return cr_refuse(ck->err, CRMOD_STATE_SYSV_IPC,
					 "process %d has an IPC namespace of its own holding %u object%s (System V IPC or POSIX message queues)",
					 task_pid_vnr(ck->task), objects, objects == 1 ? "" : "s");
		rec->own |= CRMOD_NS_IPC;
	}
	return 0;
}

int cr_write_namespaces(struct cr_ckpt *ck)
{
	if (!ck->namespaces.own)
		return 0;
	return cr_write_section(&ck->w, CRMOD_SEC_NAMESPACES, &ck->namespaces,
				sizeof(ck->namespaces));
}

/* ---- restart ---- */

static bool cr_ns_name_ok(const char *name, bool want)
{
	size_t len = strnlen(name, CRMOD_NS_NAME_LEN);

	if (len > __NEW_UTS_LEN || (!want && len))
		return false;
	return !memchr_inv(name + len, 0, CRMOD_NS_NAME_LEN - len);
}

int cr_read_namespaces(struct cr_plan *p, const void *payload, u64 len)
{
	const struct crmod_namespaces *rec = payload;
	bool uts;

	if (p->hdr.format_version < 5)
		return cr_plan_fail(p,
				    "a NAMESPACES section in a format %u image: it came with format 5",
				    p->hdr.format_version);
	if (p->namespaces.own)
		return cr_plan_fail(p, "a second NAMESPACES section");
	if (len != sizeof(*rec))
		return cr_plan_fail(p, "length %llu, expected %zu", len, sizeof(*rec));
	if (!rec->own || (rec->own & ~CRMOD_NS_KNOWN) || rec->reserved)
		return cr_plan_fail(p, "namespaces %#x, reserved %#x", rec->own,
				    rec->reserved);
	uts = rec->own & CRMOD_NS_UTS;
	if (!cr_ns_name_ok(rec->nodename, uts) || !cr_ns_name_ok(rec->domainname, uts))
		return cr_plan_fail(p,
				    "a host or domain name longer than %d bytes, not NUL-padded, or without a UTS namespace",
				    __NEW_UTS_LEN);
	p->namespaces = *rec;
	return 0;
}

/*
 * The restarting process must be where the image's was: in a UTS
 * namespace other than the machine's, with the image's names (its own,
 * just made: nobody changes them meanwhile), in an empty IPC namespace
 * other than the machine's.
 */
int cr_plan_check_namespaces(struct cr_plan *p)
{
	const struct crmod_namespaces *want = &p->namespaces;
	struct nsproxy *mine = current->nsproxy;
	struct new_utsname *name = &mine->uts_ns->name;
	bool own_uts = mine->uts_ns != &init_uts_ns;
	bool own_ipc = mine->ipc_ns != init_task.nsproxy->ipc_ns;

	if ((want->own & CRMOD_NS_UTS) && !own_uts)
		return cr_fail(p->err,
			       "section NAMESPACES: the process had a UTS namespace of its own (host name %s); the restarting process is in the machine's (crctl restart makes one)",
			       want->nodename);
	if ((want->own & CRMOD_NS_UTS) &&
	    (strncmp(name->nodename, want->nodename, sizeof(name->nodename)) ||
	     strncmp(name->domainname, want->domainname, sizeof(name->domainname))))
		return cr_fail(p->err,
			       "section NAMESPACES: the process's host and domain names were %s and %s; the restarting process's are %.*s and %.*s",
			       want->nodename, want->domainname,
			       (int)sizeof(name->nodename), name->nodename,
			       (int)sizeof(name->domainname), name->domainname);
	if ((want->own & CRMOD_NS_IPC) && (!own_ipc || cr_ipc_objects(mine->ipc_ns)))
		return cr_fail(p->err,
			       "section NAMESPACES: the process had an empty IPC namespace of its own; the restarting process's is %s",
			       own_ipc ? "not empty" : "the machine's (crctl restart makes one)");
	return 0;
}
