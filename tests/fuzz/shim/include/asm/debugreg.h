#include <shim/kernel.h>
/* DR7's fields, as arch/x86/include/uapi/asm/debugreg.h has them */
#ifndef SHIM_ASM_DEBUGREG_H
#define SHIM_ASM_DEBUGREG_H
#define DR_CONTROL_SHIFT 16
#define DR_CONTROL_SIZE 4
#define DR_RW_EXECUTE (0x0)
#define DR_RW_WRITE (0x1)
#define DR_RW_READ (0x3)
#define DR_LEN_1 (0x0)
#define DR_LEN_2 (0x4)
#define DR_LEN_4 (0xC)
#define DR_LEN_8 (0x8)
#define DR_ENABLE_SIZE 2
#endif
