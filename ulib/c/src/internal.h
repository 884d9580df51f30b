/* Private to the C shim: the raw system-call trap and errno conversion.
 *
 * ABI: int $0x21; eax = call number (SYS_* from <sys/syscall.h>); arguments in
 * ebx, ecx, edx, edi, esi; the result comes back in eax. A result in -4095..-1 is a
 * negated errno value; anything else is success. Every other register is preserved. */
#ifndef _LUNAIX_SHIM_INTERNAL_H
#define _LUNAIX_SHIM_INTERNAL_H

#include <errno.h>
#include <sys/syscall.h>

static inline long __lx_sys0(long nr)
{
    long ret;
    __asm__ volatile("int $0x21" : "=a"(ret) : "0"(nr) : "memory");
    return ret;
}

static inline long __lx_sys1(long nr, long a1)
{
    long ret;
    __asm__ volatile("int $0x21" : "=a"(ret) : "0"(nr), "b"(a1) : "memory");
    return ret;
}

static inline long __lx_sys2(long nr, long a1, long a2)
{
    long ret;
    __asm__ volatile("int $0x21" : "=a"(ret) : "0"(nr), "b"(a1), "c"(a2) : "memory");
    return ret;
}

static inline long __lx_sys3(long nr, long a1, long a2, long a3)
{
    long ret;
    __asm__ volatile("int $0x21" : "=a"(ret) : "0"(nr), "b"(a1), "c"(a2), "d"(a3) : "memory");
    return ret;
}

static inline long __lx_sys4(long nr, long a1, long a2, long a3, long a4)
{
    long ret;
    __asm__ volatile("int $0x21"
                     : "=a"(ret)
                     : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "D"(a4)
                     : "memory");
    return ret;
}

static inline long __lx_sys5(long nr, long a1, long a2, long a3, long a4, long a5)
{
    long ret;
    __asm__ volatile("int $0x21"
                     : "=a"(ret)
                     : "0"(nr), "b"(a1), "c"(a2), "d"(a3), "D"(a4), "S"(a5)
                     : "memory");
    return ret;
}

/* True when a raw result is a negated errno value (-4095..-1). */
static inline int __lx_is_error(long raw)
{
    return (unsigned long)raw > (unsigned long)-4096L;
}

/* POSIX convention: on error store the code in errno and return -1; else return raw. */
static inline long __lx_result(long raw)
{
    if (__lx_is_error(raw)) {
        errno = (int)-raw;
        return -1;
    }
    return raw;
}

#endif /* _LUNAIX_SHIM_INTERNAL_H */
