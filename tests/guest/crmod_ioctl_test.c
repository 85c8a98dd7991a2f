// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest checks of /dev/crctl's ioctls, against what user space can see
 * for itself (auxv, CPUID, XGETBV, uname). Exit 0 on success, 1 with a
 * reason on stdout otherwise.
 *
 *   crmod-ioctl-test perms|version|machine|enotty|eperm-uid|eperm-nocap|warn
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <linux/crmod.h>

#define DEVICE "/dev/" CRMOD_DEVICE_NAME

static int failures;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s: ", ok ? "ok" : "FAIL");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	if (!ok)
		failures++;
}

static int open_device(void)
{
	int fd = open(DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("FAIL: open %s: %s\n", DEVICE, strerror(errno));
		exit(1);
	}
	return fd;
}

/* ioctl's errno, or 0 on success */
static int ioctl_errno(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) ? errno : 0;
}

static int test_perms(void)
{
	struct stat st;

	if (stat(DEVICE, &st)) {
		printf("FAIL: stat %s: %s\n", DEVICE, strerror(errno));
		return 1;
	}
	check(S_ISCHR(st.st_mode), "%s is a character device", DEVICE);
	check((st.st_mode & 07777) == 0600, "mode is 0%o, want 0600",
	      st.st_mode & 07777);
	check(st.st_uid == 0 && st.st_gid == 0, "owner %u:%u, want 0:0",
	      st.st_uid, st.st_gid);
	return 0;
}

static int test_version(void)
{
	struct crmod_version v;
	int fd = open_device();

	memset(&v, 0xa5, sizeof(v));
	check(ioctl_errno(fd, CRCTL_IOC_VERSION, &v) == 0, "CRCTL_IOC_VERSION");
	check(v.abi_version == CRMOD_ABI_VERSION, "abi_version %u, want %u",
	      v.abi_version, CRMOD_ABI_VERSION);
	check(v.image_version == CRMOD_IMAGE_VERSION, "image_version %u",
	      v.image_version);
	check(v.features & CRMOD_FEAT_MACHINE, "features 0x%llx has MACHINE",
	      (unsigned long long)v.features);
	check((v.features & (CRMOD_FEAT_CHECKPOINT | CRMOD_FEAT_RESTART)) ==
	      (CRMOD_FEAT_CHECKPOINT | CRMOD_FEAT_RESTART),
	      "features 0x%llx has CHECKPOINT and RESTART",
	      (unsigned long long)v.features);
	return 0;
}

#if defined(__x86_64__)
static void check_cpuid(const struct crmod_x86_machine *x, int word,
			unsigned int leaf, unsigned int sub, int reg,
			const char *name)
{
	unsigned int r[4] = { 0 };

	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
	check(x->cpuid[word] == r[reg], "cpuid %s: module 0x%08x, user 0x%08x",
	      name, x->cpuid[word], r[reg]);
}

static void check_arch(const struct crmod_machine *m)
{
	const struct crmod_x86_machine *x = &m->x86;
	unsigned int a, b, c, d;
	uint64_t xcr0 = 0;

	check(m->arch == CRMOD_ARCH_X86_64, "arch %u is x86_64", m->arch);
	check_cpuid(x, CRMOD_CPUID_1_ECX, 1, 0, 2, "1.ecx");
	check_cpuid(x, CRMOD_CPUID_1_EDX, 1, 0, 3, "1.edx");
	check_cpuid(x, CRMOD_CPUID_7_0_EBX, 7, 0, 1, "7.0.ebx");
	check_cpuid(x, CRMOD_CPUID_7_0_ECX, 7, 0, 2, "7.0.ecx");
	check_cpuid(x, CRMOD_CPUID_80000001_ECX, 0x80000001, 0, 2,
		    "0x80000001.ecx");
	__cpuid(1, a, b, c, d);
	if (c & bit_OSXSAVE) {
		__asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
		xcr0 = ((uint64_t)d << 32) | a;
		__cpuid_count(0xd, 0, a, b, c, d);
		check(x->xsave_size == b, "xsave size %u, user %u",
		      x->xsave_size, b);
		check(x->xsave_size >= 576, "xsave size %u >= legacy+header",
		      x->xsave_size);
	}
	check(x->xcr0 == xcr0, "xcr0 0x%llx, user xgetbv 0x%llx",
	      (unsigned long long)x->xcr0, (unsigned long long)xcr0);
	check(x->hwcap2 == getauxval(AT_HWCAP2), "hwcap2 0x%x, auxv 0x%lx",
	      x->hwcap2, getauxval(AT_HWCAP2));
	check(x->vendor[0] != 0 && x->vendor[12] == 0, "vendor \"%s\"",
	      x->vendor);
}
#elif defined(__powerpc64__)
static void check_string(const char *what, const char *module, int auxv_type)
{
	const char *user = (const char *)getauxval(auxv_type);

	check(strcmp(module, user ? user : "") == 0, "%s: module \"%s\", auxv \"%s\"",
	      what, module, user ? user : "");
}

static void check_arch(const struct crmod_machine *m)
{
	const struct crmod_ppc_machine *p = &m->ppc;
	unsigned long pvr;

	check(m->arch == CRMOD_ARCH_PPC64, "arch %u is ppc64", m->arch);
	check(p->hwcap == getauxval(AT_HWCAP), "hwcap 0x%llx, auxv 0x%lx",
	      (unsigned long long)p->hwcap, getauxval(AT_HWCAP));
	check(p->hwcap2 == getauxval(AT_HWCAP2), "hwcap2 0x%llx, auxv 0x%lx",
	      (unsigned long long)p->hwcap2, getauxval(AT_HWCAP2));
	check_string("platform", p->platform, AT_PLATFORM);
	/* mfpvr from user space traps and is emulated by the kernel */
	__asm__ volatile("mfpvr %0" : "=r"(pvr));
	check(p->pvr == (uint32_t)pvr, "pvr 0x%x, user 0x%lx", p->pvr, pvr);
}
#endif

static int test_machine(void)
{
	struct crmod_machine m;
	struct utsname u;
	int fd = open_device();
	int one = 1;

	memset(&m, 0xa5, sizeof(m));
	check(ioctl_errno(fd, CRCTL_IOC_MACHINE, &m) == 0, "CRCTL_IOC_MACHINE");
	uname(&u);
	check(strcmp(m.release, u.release) == 0, "release \"%s\", uname \"%s\"",
	      m.release, u.release);
	check(m.word_size == 8 * sizeof(long), "word size %u", m.word_size);
	check(m.page_size == (unsigned int)sysconf(_SC_PAGESIZE),
	      "page size %u, sysconf %ld", m.page_size, sysconf(_SC_PAGESIZE));
	check(m.endian == (*(char *)&one ? CRMOD_ENDIAN_LITTLE : CRMOD_ENDIAN_BIG),
	      "endianness %u", m.endian);
	check_arch(&m);
	return 0;
}

static int test_enotty(void)
{
	int fd = open_device();
	struct crmod_version v = { 0 };
	char buf[512];

	check(ioctl_errno(fd, _IO(CRCTL_IOC_MAGIC, 0x7f), NULL) == ENOTTY,
	      "unknown number in crmod's range gets ENOTTY");
	check(ioctl_errno(fd, _IOR('T', 0x01, int), buf) == ENOTTY,
	      "foreign ioctl gets ENOTTY");
	/* right number, wrong size: a different command to the kernel */
	check(ioctl_errno(fd, _IOR(CRCTL_IOC_MAGIC, 0x02, int), buf) == ENOTTY,
	      "CRCTL_IOC_MACHINE with a wrong size gets ENOTTY");
	/* shipped builds have no test hooks: the WARN trigger is unknown there */
	check(ioctl_errno(fd, CRCTL_IOC_VERSION, &v) == 0, "CRCTL_IOC_VERSION");
	if (!(v.features & CRMOD_FEAT_TEST_HOOKS))
		check(ioctl_errno(fd, CRCTL_IOC_TEST_WARN, NULL) == ENOTTY,
		      "test hook absent: ENOTTY");
	return 0;
}

static void check_denied(int fd, const char *who)
{
	struct crmod_version v;
	struct crmod_machine m;

	check(ioctl_errno(fd, CRCTL_IOC_VERSION, &v) == EPERM,
	      "%s: CRCTL_IOC_VERSION gets EPERM", who);
	check(ioctl_errno(fd, CRCTL_IOC_MACHINE, &m) == EPERM,
	      "%s: CRCTL_IOC_MACHINE gets EPERM", who);
	check(ioctl_errno(fd, _IO(CRCTL_IOC_MAGIC, 0x7f), NULL) == EPERM,
	      "%s: unknown ioctl gets EPERM", who);
}

static int test_eperm_uid(void)
{
	int fd = open_device();	/* opened as root, used as nobody */

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		printf("FAIL: cannot become nobody: %s\n", strerror(errno));
		return 1;
	}
	check(open(DEVICE, O_RDWR) < 0 && errno == EACCES,
	      "nobody cannot open %s (EACCES)", DEVICE);
	check_denied(fd, "uid 65534");
	return 0;
}

static int get_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &hdr, data);
}

static uint64_t permitted_caps(void)
{
	struct __user_cap_data_struct data[2];

	if (get_caps(data))
		return 0;
	return ((uint64_t)data[1].permitted << 32) | data[0].permitted;
}

static int set_effective_caps(uint64_t caps)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (get_caps(data))
		return -1;
	data[0].effective = (uint32_t)caps;
	data[1].effective = (uint32_t)(caps >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

static int test_eperm_nocap(void)
{
	struct crmod_version v;
	int fd = open_device();
	/* whatever this kernel gives root, less the two that admit a caller */
	uint64_t all = permitted_caps();
	uint64_t admin = 1ULL << CAP_SYS_ADMIN;
	uint64_t cr = 1ULL << CAP_CHECKPOINT_RESTORE;

	if (set_effective_caps(all & ~admin & ~cr)) {
		printf("FAIL: capset: %s\n", strerror(errno));
		return 1;
	}
	check_denied(fd, "root without CAP_SYS_ADMIN/CAP_CHECKPOINT_RESTORE");
	check(set_effective_caps(cr) == 0, "keep only CAP_CHECKPOINT_RESTORE");
	check(ioctl_errno(fd, CRCTL_IOC_VERSION, &v) == 0,
	      "CAP_CHECKPOINT_RESTORE alone is enough");
	check(set_effective_caps(admin) == 0, "keep only CAP_SYS_ADMIN");
	check(ioctl_errno(fd, CRCTL_IOC_VERSION, &v) == 0,
	      "CAP_SYS_ADMIN alone is enough");
	return 0;
}

static int test_warn(void)
{
	int fd = open_device();
	int err = ioctl_errno(fd, CRCTL_IOC_TEST_WARN, NULL);

	/* With panic_on_warn the guest is gone before this line. */
	printf("FAIL: CRCTL_IOC_TEST_WARN returned (%s); the kernel did not panic\n",
	       err ? strerror(err) : "success");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(void);
	} tests[] = {
		{ "perms", test_perms },	   { "version", test_version },
		{ "machine", test_machine },	   { "enotty", test_enotty },
		{ "eperm-uid", test_eperm_uid },   { "eperm-nocap", test_eperm_nocap },
		{ "warn", test_warn },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc == 2 && i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!strcmp(argv[1], tests[i].name))
			return tests[i].run() || failures ? 1 : 0;
	fprintf(stderr, "usage: %s perms|version|machine|enotty|eperm-uid|eperm-nocap|warn\n",
		argv[0]);
	return 2;
}
