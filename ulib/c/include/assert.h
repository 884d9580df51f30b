/* assert.h - assert(expr): when expr is false, print
 *   Assertion failed: expr (file:line: function)
 * on stderr and abort() (the parent sees SIGABRT). Defining NDEBUG turns assert off.
 * Like the standard header, it may be included again with NDEBUG changed. */
#undef assert

#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
__attribute__((noreturn)) void __lx_assert_fail(const char *expr, const char *file, int line,
                                                const char *func);
#define assert(expr) ((expr) ? (void)0 : __lx_assert_fail(#expr, __FILE__, __LINE__, __func__))
#endif
