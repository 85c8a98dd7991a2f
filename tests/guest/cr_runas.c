// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a command with less privilege, without a passwd file (the guest has
 * none; busybox's su needs one and its setpriv cannot change ids).
 *
 *   cr-runas UID GID COMMAND [ARGS]     as that user: no supplementary
 *                                       groups, real/effective/saved ids set
 *   cr-runas -x CAP COMMAND [ARGS]      as root without capability CAP (a
 *                                       number, e.g. 19 CAP_SYS_PTRACE):
 *                                       dropped from the bounding set, so
 *                                       the command never gets it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char **cmd;

	if (argc >= 4 && !strcmp(argv[1], "-x")) {
		unsigned long cap = strtoul(argv[2], NULL, 10);

		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			fprintf(stderr, "cr-runas: cannot drop capability %lu: %s\n", cap,
				strerror(errno));
			return 2;
		}
		cmd = argv + 3;
	} else if (argc >= 4) {
		uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);
		gid_t gid = (gid_t)strtoul(argv[2], NULL, 10);

		if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
			fprintf(stderr, "cr-runas: cannot become %u:%u: %s\n", uid, gid,
				strerror(errno));
			return 2;
		}
		cmd = argv + 3;
	} else {
		fprintf(stderr, "usage: cr-runas UID GID COMMAND [ARGS]\n"
				"       cr-runas -x CAP COMMAND [ARGS]\n");
		return 2;
	}
	execvp(cmd[0], cmd);
	fprintf(stderr, "cr-runas: %s: %s\n", cmd[0], strerror(errno));
	return 127;
}
