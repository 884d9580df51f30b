/* 64-bit division helpers that GCC calls for `long long` / and % on i386.
 * (Normally libgcc provides them; it is not available for -m32 here.)
 *
 * Division by zero executes a real 32-bit divide by zero, so the program dies with
 * SIGFPE exactly as it would for a 32-bit division. */

typedef unsigned long long u64;
typedef long long i64;
typedef unsigned int u32;

u64 __udivmoddi4(u64 n, u64 d, u64 *rem);
i64 __divmoddi4(i64 n, i64 d, i64 *rem);
u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
i64 __divdi3(i64 n, i64 d);
i64 __moddi3(i64 n, i64 d);

static void divide_by_zero(void)
{
    u32 lo = 1;
    u32 hi = 0;
    u32 zero = 0;
    __asm__ volatile("divl %2" : "+a"(lo), "+d"(hi) : "r"(zero));
}

/* Leading zero bits of x (x != 0). */
static int clz64(u64 x)
{
    u32 hi = (u32)(x >> 32);
    return hi != 0 ? __builtin_clz(hi) : 32 + __builtin_clz((u32)x);
}

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
    u64 q;
    if (d == 0) {
        divide_by_zero();
        q = 0;
    } else if ((d >> 32) == 0) {
        /* Long division by a 32-bit divisor in two steps: the high word, then the
         * remainder:low word (the remainder is below d, so that quotient fits 32 bits). */
        u32 dd = (u32)d;
        u32 hi = (u32)(n >> 32);
        u32 q_hi = hi / dd;
        u32 r = hi % dd;
        u32 q_lo = (u32)n;
        /* edx:eax / dd -> quotient in eax, remainder in edx */
        __asm__("divl %2" : "+a"(q_lo), "+d"(r) : "rm"(dd));
        q = ((u64)q_hi << 32) | q_lo;
        n = r;
    } else if (n < d) {
        q = 0;
    } else {
        /* Shift and subtract, one quotient bit per step. */
        int shift = clz64(d) - clz64(n);
        d <<= shift;
        q = 0;
        for (int i = 0; i <= shift; i++) {
            q <<= 1;
            if (n >= d) {
                n -= d;
                q |= 1;
            }
            d >>= 1;
        }
    }
    if (rem)
        *rem = n;
    return q;
}

i64 __divmoddi4(i64 n, i64 d, i64 *rem)
{
    u64 un = n < 0 ? 0 - (u64)n : (u64)n;
    u64 ud = d < 0 ? 0 - (u64)d : (u64)d;
    u64 ur;
    u64 uq = __udivmoddi4(un, ud, &ur);
    /* The quotient truncates toward zero; the remainder has the sign of n. */
    i64 q = (i64)((n < 0) != (d < 0) ? 0 - uq : uq);
    if (rem)
        *rem = (i64)(n < 0 ? 0 - ur : ur);
    return q;
}

u64 __udivdi3(u64 n, u64 d)
{
    return __udivmoddi4(n, d, 0);
}

u64 __umoddi3(u64 n, u64 d)
{
    u64 r;
    __udivmoddi4(n, d, &r);
    return r;
}

i64 __divdi3(i64 n, i64 d)
{
    return __divmoddi4(n, d, 0);
}

i64 __moddi3(i64 n, i64 d)
{
    i64 r;
    __divmoddi4(n, d, &r);
    return r;
}
