/* The failure path of assert(). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

void __lx_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    dprintf(2, "Assertion failed: %s (%s:%d: %s)\n", expr, file, line, func);
    abort();
}
