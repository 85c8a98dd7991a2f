// SPDX-License-Identifier: GPL-2.0
/*
 * The module's ioctls as a 32-bit (ia32) caller makes them, through the
 * compat_ioctl path: CRCTL_IOC_VERSION and CRCTL_IOC_MACHINE on
 * /dev/crctl, their answers printed one field a line. Built twice from
 * this file, as cr-ioctl32 (-m32) and cr-ioctl64: the two must print the
 * same (cr_ioctl32). No libc, so that it builds without a 32-bit one
 * (gcc-multilib): system calls by hand.
 */
#include <linux/crmod.h>

#ifdef __i386__
#define NR_READ_WRITE_OPEN_CLOSE_IOCTL_EXIT 3, 4, 5, 6, 54, 1
#else
#define NR_READ_WRITE_OPEN_CLOSE_IOCTL_EXIT 0, 1, 2, 3, 16, 60
#endif
enum { NR_READ, NR_WRITE, NR_OPEN, NR_CLOSE, NR_IOCTL, NR_EXIT };
static const long nr[] = { NR_READ_WRITE_OPEN_CLOSE_IOCTL_EXIT };

static long sys3(int which, long a, long b, long c)
{
	long ret;

#ifdef __i386__
	__asm__ volatile("int $0x80" : "=a"(ret)
			 : "a"(nr[which]), "b"(a), "c"(b), "d"(c) : "memory");
#else
	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(nr[which]), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
#endif
	return ret;
}

static unsigned long str_len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void put(const char *s)
{
	sys3(NR_WRITE, 1, (long)s, (long)str_len(s));
}

static void put_num(const char *name, unsigned long long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i);
	put(name);
	put(" ");
	put(buf + i);
	put("\n");
}

static void __attribute__((noreturn)) quit(int status)
{
	for (;;)
		sys3(NR_EXIT, status, 0, 0);
}

static void __attribute__((noreturn)) fail(const char *what, long err)
{
	put("FAIL ");
	put(what);
	put_num(": error", (unsigned long long)-err);
	quit(1);
}

void __attribute__((noreturn, used)) cr_main(void)
{
	static struct crmod_version v;
	static struct crmod_machine m;
	long fd = sys3(NR_OPEN, (long)"/dev/crctl", 02 /* O_RDWR */, 0), ret;

	if (fd < 0)
		fail("open /dev/crctl", fd);
	ret = sys3(NR_IOCTL, fd, CRCTL_IOC_VERSION, (long)&v);
	if (ret)
		fail("CRCTL_IOC_VERSION", ret);
	put_num("abi_version", v.abi_version);
	put_num("image_version", v.image_version);
	put_num("features", v.features);
	ret = sys3(NR_IOCTL, fd, CRCTL_IOC_MACHINE, (long)&m);
	if (ret)
		fail("CRCTL_IOC_MACHINE", ret);
	put_num("arch", m.arch);
	put_num("word_size", m.word_size);
	put_num("page_size", m.page_size);
	put_num("xcr0", m.x86.xcr0);
	put_num("xsave_size", m.x86.xsave_size);
	m.release[sizeof(m.release) - 1] = '\0';
	put("release ");
	put(m.release);
	put("\n");
	sys3(NR_CLOSE, fd, 0, 0);
	quit(0);
}

/* the stack as the kernel left it, aligned for cr_main */
__asm__(".globl _start\n_start:\n"
#ifdef __i386__
	"\tandl $-16, %esp\n\tcall cr_main\n"
#else
	"\tandq $-16, %rsp\n\tcall cr_main\n"
#endif
);
