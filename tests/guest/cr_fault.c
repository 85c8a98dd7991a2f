// SPDX-License-Identifier: GPL-2.0
/*
 * Arms the test build's fault injection (CRCTL_IOC_TEST_FAULT) and reads
 * what came of it, for the fault sweep cases.
 *
 *   cr-fault arm N       the Nth fallible step of the next checkpoint or
 *                        restart (whoever calls it) fails
 *   cr-fault arm N PID   of process PID's next one (its global pid)
 *   cr-fault query       "steps S hit H allocs A files F step WHAT"
 *   cr-fault disarm      likewise, and disarms
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/crmod.h>

int main(int argc, char **argv)
{
	struct crmod_test_fault t = { 0 };
	int dev;

	if (argc < 2 || (strcmp(argv[1], "arm") && strcmp(argv[1], "query") &&
			 strcmp(argv[1], "disarm")) ||
	    (!strcmp(argv[1], "arm") && argc != 3 && argc != 4)) {
		fprintf(stderr, "usage: cr-fault arm N [PID] | query | disarm\n");
		return 2;
	}
	if (!strcmp(argv[1], "arm")) {
		t.nth = (unsigned int)strtoul(argv[2], NULL, 10);
		t.pid = argc == 4 ? (int)strtol(argv[3], NULL, 10) : -1;
	}
	t.disarm = !strcmp(argv[1], "disarm");
	dev = open("/dev/" CRMOD_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (dev < 0 || ioctl(dev, CRCTL_IOC_TEST_FAULT, &t)) {
		fprintf(stderr, "cr-fault: %s\n", strerror(errno));
		return 1;
	}
	printf("steps %u hit %u allocs %llu files %llu step %s\n", t.steps, t.hit,
	       (unsigned long long)t.live_allocs, (unsigned long long)t.live_files,
	       t.step[0] ? t.step : "-");
	return 0;
}
