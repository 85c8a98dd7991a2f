/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * crmod: the whole user/kernel ABI of the crmod checkpoint/restart module.
 *
 * One header, included by the module and by user space. Every structure has
 * a fixed layout (explicit widths, explicit padding, 8-byte aligned), so that
 * it reads the same from C and C++ and, once it is embedded in images, on any
 * host that decodes them.
 */
#ifndef _UAPI_LINUX_CRMOD_H
#define _UAPI_LINUX_CRMOD_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* The misc device: /dev/crctl, mode 0600, owned by root. */
#define CRMOD_DEVICE_NAME	"crctl"

/* Bumped on any incompatible change to the ioctls or their structures. */
#define CRMOD_ABI_VERSION	1

/*
 * Image format version the module reads and writes. 0: none yet, the module
 * cannot checkpoint or restart; CRMOD_IMAGE_FORMAT below is the format that
 * user space already decodes (crctl info).
 */
#define CRMOD_IMAGE_VERSION	0

/* Bits of crmod_version.features: what this module can do. */
#define CRMOD_FEAT_MACHINE	(1ULL << 0)	/* CRCTL_IOC_MACHINE */
#define CRMOD_FEAT_CHECKPOINT	(1ULL << 1)	/* not yet implemented */
#define CRMOD_FEAT_RESTART	(1ULL << 2)	/* not yet implemented */
#define CRMOD_FEAT_TEST_HOOKS	(1ULL << 63)	/* built with CRMOD_TEST=1 */

struct crmod_version {
	__u32 abi_version;	/* CRMOD_ABI_VERSION */
	__u32 image_version;	/* CRMOD_IMAGE_VERSION */
	__u64 features;		/* CRMOD_FEAT_* */
};

/* crmod_machine.arch */
#define CRMOD_ARCH_X86_64	1
#define CRMOD_ARCH_PPC64	2

/* crmod_machine.endian */
#define CRMOD_ENDIAN_LITTLE	1
#define CRMOD_ENDIAN_BIG	2

/*
 * Index into crmod_x86_machine.cpuid: the CPUID output registers that carry
 * user-visible feature bits. Raw CPUID is what user code sees and acts on,
 * whatever the kernel chose to use itself.
 */
enum crmod_x86_cpuid_word {
	CRMOD_CPUID_1_ECX,		/* leaf 1: SSE3 .. AVX, OSXSAVE */
	CRMOD_CPUID_1_EDX,		/* leaf 1: FPU .. SSE2 */
	CRMOD_CPUID_7_0_EBX,		/* leaf 7.0: FSGSBASE, AVX2, AVX-512 .. */
	CRMOD_CPUID_7_0_ECX,		/* leaf 7.0: PKU, VAES, .. */
	CRMOD_CPUID_7_0_EDX,		/* leaf 7.0: AMX, .. */
	CRMOD_CPUID_7_1_EAX,		/* leaf 7.1: AVX-VNNI, .. */
	CRMOD_CPUID_D_1_EAX,		/* leaf 0xd.1: XSAVEOPT, XSAVEC, XSAVES */
	CRMOD_CPUID_80000001_ECX,	/* leaf 0x80000001: LAHF, ABM, .. */
	CRMOD_CPUID_80000001_EDX,	/* leaf 0x80000001: NX, LM, RDTSCP */
	CRMOD_CPUID_WORDS
};

struct crmod_x86_machine {
	__u64 xcr0;		/* XGETBV(0); 0 without OSXSAVE */
	__u32 xsave_size;	/* CPUID.(0xd,0).EBX: XSAVE area for xcr0 */
	__u32 hwcap2;		/* AT_HWCAP2 (HWCAP2_FSGSBASE, ..) */
	__u32 cpuid[CRMOD_CPUID_WORDS];
	__u32 cpuid_max_leaf;	/* CPUID.0.EAX */
	char vendor[16];	/* CPUID.0 vendor string, NUL-terminated */
	__u32 family;
	__u32 model;
};

/* crmod_ppc_machine.flags */
#define CRMOD_PPC_RADIX		(1U << 0)	/* radix MMU, else hash */

struct crmod_ppc_machine {
	__u64 hwcap;		/* AT_HWCAP */
	__u64 hwcap2;		/* AT_HWCAP2 */
	__u32 pvr;		/* processor version register */
	__u32 flags;		/* CRMOD_PPC_* */
	char platform[32];	/* AT_PLATFORM, e.g. "power9" */
};

#define CRMOD_RELEASE_LEN	72

/* What a checkpoint image depends on, as this machine has it. */
struct crmod_machine {
	__u32 arch;		/* CRMOD_ARCH_* */
	__u32 word_size;	/* bits in a long: 64 */
	__u32 endian;		/* CRMOD_ENDIAN_* */
	__u32 page_size;	/* bytes */
	char release[CRMOD_RELEASE_LEN];	/* uname -r, NUL-terminated */
	union {
		struct crmod_x86_machine x86;
		struct crmod_ppc_machine ppc;
		__u8 reserved[256];
	};
};

/*
 * Checkpoint image, format version 1 (docs/image-format.md).
 *
 * An image is a crmod_image_header, then sections, the last of type
 * CRMOD_SEC_END. Every integer is little-endian whatever the machine, so a
 * reader never guesses; crmod_image_header.machine.endian still records
 * the checkpointed machine's own byte order. Each section header starts
 * 8-byte aligned; its payload is followed by zeros up to the next 8 bytes.
 * CRC32C is the Castagnoli CRC as in iSCSI and ext4 (reflected, initial
 * value and final xor 0xffffffff).
 */
#define CRMOD_IMAGE_MAGIC	"CRMODIMG"	/* 8 bytes, no NUL stored */
#define CRMOD_IMAGE_FORMAT	1
#define CRMOD_IMAGE_ALIGN	8
/* A section's payload never exceeds this; larger lengths are corruption. */
#define CRMOD_IMAGE_SECTION_MAX	(1ULL << 30)

struct crmod_image_header {
	char magic[8];		/* CRMOD_IMAGE_MAGIC */
	__u32 format_version;	/* CRMOD_IMAGE_FORMAT */
	__u32 header_size;	/* sizeof(struct crmod_image_header) */
	__u64 flags;		/* none defined: must be 0 */
	__u64 created_ns;	/* CLOCK_REALTIME of the checkpoint */
	struct crmod_machine machine;	/* where the checkpoint was taken */
	__u32 reserved;		/* 0 */
	__u32 header_crc;	/* CRC32C of every byte before this field */
};

/* crmod_section_header.type */
#define CRMOD_SEC_END		1	/* payload: struct crmod_image_trailer */

struct crmod_section_header {
	__u32 type;		/* CRMOD_SEC_* */
	__u32 flags;		/* none defined: must be 0 */
	__u64 length;		/* payload bytes, padding excluded */
	__u32 payload_crc;	/* CRC32C of the payload */
	__u32 header_crc;	/* CRC32C of the 20 bytes before this field */
};

struct crmod_image_trailer {
	__u64 sections;		/* sections before this END section */
	__u64 image_bytes;	/* bytes before the END section's header */
};

#define CRCTL_IOC_MAGIC		0xCE

#define CRCTL_IOC_VERSION	_IOR(CRCTL_IOC_MAGIC, 0x01, struct crmod_version)
#define CRCTL_IOC_MACHINE	_IOR(CRCTL_IOC_MAGIC, 0x02, struct crmod_machine)

/*
 * Test builds only (CRMOD_FEAT_TEST_HOOKS); -ENOTTY otherwise. Makes the
 * module WARN, so that the test harness can prove it notices.
 */
#define CRCTL_IOC_TEST_WARN	_IO(CRCTL_IOC_MAGIC, 0xf0)

#endif /* _UAPI_LINUX_CRMOD_H */
