// SPDX-License-Identifier: GPL-2.0
/*
 * crmod: process checkpoint/restart as a loadable module.
 *
 * The module's face is one misc device, /dev/crctl (0600, root), driven by
 * the ioctls of include/uapi/linux/crmod.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "crmod.h"
#include "resource.h"

/* The ABI has one layout for 32- and 64-bit callers; keep it that way. */
static_assert(sizeof(struct crmod_version) == 16);
static_assert(sizeof(struct crmod_machine) == 344);
static_assert(sizeof(struct crmod_x86_machine) <= 256);
static_assert(sizeof(struct crmod_ppc_machine) <= 256);
static_assert(sizeof(struct crmod_image_header) == 384);
static_assert(sizeof(struct crmod_section_header) == 24);
static_assert(sizeof(struct crmod_image_trailer) == 16);
static_assert(sizeof(struct crmod_task) % 8 == 0);
static_assert(sizeof(struct crmod_file) == 72);
static_assert(sizeof(struct crmod_file_data) == 24);
static_assert(sizeof(struct crmod_ofd) == 24);
static_assert(sizeof(struct crmod_lock) == 32);
static_assert(sizeof(struct crmod_timers) == 16);
static_assert(sizeof(struct crmod_pipe) == 24);
static_assert(sizeof(struct crmod_vma) == 40);
static_assert(sizeof(struct crmod_pages) == 16);
static_assert(sizeof(struct crmod_x86_regs) % 8 == 0);
static_assert(sizeof(struct crmod_ppc_regs) % 8 == 0);
static_assert(sizeof(struct crmod_signals) == 64 * 32 + 32);
static_assert(sizeof(struct crmod_fd) == 16);
static_assert(sizeof(struct crmod_checkpoint_args) == 24 + CRMOD_ERROR_LEN);
static_assert(sizeof(struct crmod_restart_args) == 40);
static_assert(sizeof(struct crmod_process) == 16);
static_assert(sizeof(struct crmod_restart_thread_args) == 16);
static_assert(sizeof(struct crmod_thread) == 8);

static u64 crmod_features(void)
{
	u64 features = CRMOD_FEAT_MACHINE | CRMOD_FEAT_CHECKPOINT |
		       CRMOD_FEAT_RESTART | CRMOD_FEAT_VALIDATE |
		       CRMOD_FEAT_REASONS | CRMOD_FEAT_THREADS |
		       CRMOD_FEAT_TREES;

#ifdef CRMOD_TEST
	features |= CRMOD_FEAT_TEST_HOOKS;
#endif
	return features;
}

static long crmod_ioc_version(void __user *uarg)
{
	struct crmod_version v = {
		.abi_version = CRMOD_ABI_VERSION,
		.image_version = CRMOD_IMAGE_VERSION,
		.features = crmod_features(),
	};

	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long crmod_ioc_machine(void __user *uarg)
{
	struct crmod_machine m;

	crmod_describe_machine(&m);
	return copy_to_user(uarg, &m, sizeof(m)) ? -EFAULT : 0;
}

#ifdef CRMOD_TEST
static long crmod_ioc_test_warn(void)
{
	WARN(1, "test hook: WARN on request (CRCTL_IOC_TEST_WARN)\n");
	return 0;
}
#endif

static long crmod_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!crmod_compat_capable())
		return -EPERM;

	switch (cmd) {
	case CRCTL_IOC_VERSION:
		return crmod_ioc_version(uarg);
	case CRCTL_IOC_MACHINE:
		return crmod_ioc_machine(uarg);
	case CRCTL_IOC_CHECKPOINT:
		return crmod_ioc_checkpoint(uarg);
	case CRCTL_IOC_RESTART:
		return crmod_ioc_restart(uarg);
	case CRCTL_IOC_RESTART_THREAD:
		return crmod_ioc_restart_thread(uarg);
#ifdef CRMOD_TEST
	case CRCTL_IOC_TEST_WARN:
		return crmod_ioc_test_warn();
	case CRCTL_IOC_TEST_FAULT:
		return crmod_ioc_test_fault(uarg);
#endif
	default:
		return -ENOTTY;
	}
}

static const struct file_operations crmod_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = crmod_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice crmod_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = CRMOD_DEVICE_NAME,
	.fops = &crmod_fops,
	.mode = 0600,
};

static int __init crmod_init(void)
{
	int ret;

	ret = crmod_resolve_symbols();
	if (ret)
		return ret;
	ret = misc_register(&crmod_dev);
	if (ret) {
		pr_err("cannot register /dev/%s (%d)\n", CRMOD_DEVICE_NAME, ret);
		return ret;
	}
	pr_info("loaded: ABI %d, /dev/%s\n", CRMOD_ABI_VERSION,
		CRMOD_DEVICE_NAME);
	return 0;
}

static void __exit crmod_exit(void)
{
	misc_deregister(&crmod_dev);
	pr_info("unloaded\n");
}

module_init(crmod_init);
module_exit(crmod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crmod: process checkpoint/restart");
MODULE_VERSION("0.7.0");
