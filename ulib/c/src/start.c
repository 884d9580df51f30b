/* Start-up work done before main(), called from crt0. */
#include <stddef.h>
#include <unistd.h>

char **environ;

/* Bounds of the constructor table, defined by user.ld. */
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

void __lx_libc_init(char **envp);

void __lx_libc_init(char **envp)
{
    environ = envp;
    for (void (**ctor)(void) = __init_array_start; ctor < __init_array_end; ctor++)
        (*ctor)();
}
