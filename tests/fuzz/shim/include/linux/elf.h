#include <shim/kernel.h>
/* the ELF structures, as the kernel names them (its uapi header) */
#include_next <linux/elf.h>
