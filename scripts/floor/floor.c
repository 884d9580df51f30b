/*
 * The floor kernel: what the emulated machine itself costs for the operations the project's
 * kernel benchmarks (docs/performance.md, "Floors"). It boots through Multiboot like the
 * kernel, prints its first line at once (the boot floor, timed from the host), then times in
 * ring 3 under paging:
 *
 *   floor_trap             `int` to a handler that only `iret`s
 *   floor_syscall          the floor of a system call: save every register, call a C handler,
 *                          restore, `iret`, with no segment register reloaded (getpid's floor)
 *   floor_syscall_segments the same loading the kernel's data segment into ds/es/fs/gs and the
 *                          user's back
 *   floor_cr3              one write of CR3, in ring 0
 *   floor_yield            one switch between two address spaces through one trap: the
 *                          trap, the kernel stack switch, TSS esp0, CR3 (yield_pingpong's floor)
 *
 * Each is timed in BLOCKS blocks with the TSC, calibrated against the PIT as the kernel does,
 * and printed as a BENCH line (ns_per_op the mean; median_ns and fastest_ns per block). Blocks
 * are short (1-3 ms), so that on a busy host some of them run without being preempted: the
 * fastest block is then the emulator's cost, the median what a typical block saw. Then
 * it powers off through isa-debug-exit with the kernel's success code (QEMU exits with 1).
 */

typedef unsigned int u32;
typedef unsigned long long u64;

#define BLOCKS 60
#define SYSCALLS_PER_BLOCK 5000
#define YIELDS_PER_BLOCK 250 /* each is two switches: there and back */
#define CR3_WRITES_PER_BLOCK 250

#define USER_BASE 0x400000u
#define PAGE 4096u

enum { CALL_GETPID = 0, CALL_YIELD = 1, CALL_STOP = 2 };

struct frame {
    u32 gs, fs, es, ds;
    u32 edi, esi, ebp, kernel_esp, ebx, edx, ecx, eax;
    u32 vector, error_code;
    u32 eip, cs, eflags, user_esp, user_ss;
};

struct tss {
    u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
    u32 es, cs, ss, ds, fs, gs, ldt, iomap;
};

struct gate {
    unsigned short offset_low, selector;
    unsigned char zero, type;
    unsigned short offset_high;
};

/* floor.S */
extern u64 gdt[6];
extern char user_page[];
extern char user_syscall_loop[], user_bare_loop[], user_segments_loop[];
extern char user_yield_loop[], user_yield_forever[];
extern void load_gdt(void);
extern void entry_syscall(void), entry_bare(void), entry_segments(void);
extern void return_from_trap(void);
extern void enter_user(u32 eip, u32 esp, u32 count);
extern void leave_user(void) __attribute__((noreturn));
extern void switch_stacks(u32 *save_esp, u32 load_esp);

static struct tss tss;
static struct gate idt[256];
static u32 directories[2][1024] __attribute__((aligned(4096)));
static u32 user_tables[2][1024] __attribute__((aligned(4096)));
static char user_stacks[2][PAGE] __attribute__((aligned(4096)));
static char kernel_stacks[2][PAGE] __attribute__((aligned(4096)));

struct task {
    u32 saved_esp;
    u32 cr3;
    u32 kernel_stack_top;
};
static struct task tasks[2];
static int current;

static inline void outb(unsigned short port, unsigned char v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
    unsigned char v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline u64 rdtsc(void)
{
    u64 v;
    __asm__ volatile("rdtsc" : "=A"(v));
    return v;
}

static inline void write_cr3(u32 v)
{
    __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory");
}

/* 64-bit division without libgcc (a 32-bit libgcc needs gcc-multilib). */
static u64 udiv64(u64 n, u64 d)
{
    u64 q = 0, r = 0;
    for (int bit = 63; bit >= 0; bit--) {
        r = (r << 1) | ((n >> bit) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << bit;
        }
    }
    return q;
}

static void putc_serial(char c)
{
    while (!(inb(0x3fd) & 0x20))
        ;
    outb(0x3f8, c);
}

static void puts_serial(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            putc_serial('\r');
        putc_serial(*s);
    }
}

static void put_u64(u64 v)
{
    char digits[21];
    int n = 0;
    do {
        u64 q = udiv64(v, 10);
        digits[n++] = (char)('0' + (v - q * 10));
        v = q;
    } while (v);
    while (n)
        putc_serial(digits[--n]);
}

/* TSC cycles per millisecond: the median of five 20 ms windows of PIT channel 2 (counting at
   1193182 Hz), so that one window in which the host stopped the emulator between the PIT's
   end and the TSC's read cannot skew the clock. */
static u64 tsc_per_ms;

static u64 tsc_per_ms_once(u32 ms)
{
    const u32 count = 1193182u * ms / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* channel 2's gate on, speaker off */
    outb(0x43, 0xb0);                      /* channel 2, low then high byte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    u64 start = rdtsc();
    while (!(inb(0x61) & 0x20))
        ;
    return udiv64(rdtsc() - start, ms);
}

static void calibrate_tsc(void)
{
    u64 rates[5];
    for (int i = 0; i < 5; i++) {
        rates[i] = tsc_per_ms_once(20);
        for (int j = i; j > 0 && rates[j - 1] > rates[j]; j--) {
            u64 t = rates[j];
            rates[j] = rates[j - 1];
            rates[j - 1] = t;
        }
    }
    tsc_per_ms = rates[2];
}

static u64 cycles_to_ns(u64 cycles)
{
    return udiv64(cycles * 1000000ull, tsc_per_ms);
}

/* Sorts the blocks' times and prints the BENCH line. */
static void report(const char *name, u64 *block_cycles, u32 ops_per_block)
{
    u64 total = 0;
    for (int i = 0; i < BLOCKS; i++)
        total += block_cycles[i];
    for (int i = 1; i < BLOCKS; i++)
        for (int j = i; j > 0 && block_cycles[j - 1] > block_cycles[j]; j--) {
            u64 t = block_cycles[j];
            block_cycles[j] = block_cycles[j - 1];
            block_cycles[j - 1] = t;
        }
    u64 median = (block_cycles[BLOCKS / 2 - 1] + block_cycles[BLOCKS / 2]) / 2;
    puts_serial("BENCH name=");
    puts_serial(name);
    puts_serial(" ops=");
    put_u64((u64)ops_per_block * BLOCKS);
    puts_serial(" ns_per_op=");
    put_u64(udiv64(cycles_to_ns(total), (u64)ops_per_block * BLOCKS));
    puts_serial(" median_ns=");
    put_u64(udiv64(cycles_to_ns(median), ops_per_block));
    puts_serial(" fastest_ns=");
    put_u64(udiv64(cycles_to_ns(block_cycles[0]), ops_per_block));
    puts_serial(" blocks=");
    put_u64(BLOCKS);
    puts_serial("\n");
}

static void set_gate(int vector, void (*entry)(void))
{
    u32 offset = (u32)entry;
    idt[vector].offset_low = offset & 0xffff;
    idt[vector].selector = 0x08;
    idt[vector].zero = 0;
    idt[vector].type = 0xee; /* present, DPL 3, 32-bit interrupt gate */
    idt[vector].offset_high = offset >> 16;
}

static void setup_cpu(void)
{
    u32 base = (u32)&tss, limit = sizeof tss - 1;
    tss.ss0 = 0x10;
    tss.iomap = sizeof tss;
    gdt[5] = (limit & 0xffff) | ((u64)(base & 0xffffff) << 16) | (0x89ull << 40) |
             ((u64)(limit >> 16) << 48) | ((u64)(base >> 24) << 56);
    load_gdt();
    set_gate(0x21, entry_syscall);
    set_gate(0x22, entry_bare);
    set_gate(0x23, entry_segments);
    struct {
        unsigned short limit;
        u32 base;
    } __attribute__((packed)) pointer = {sizeof idt - 1, (u32)idt};
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

/* Two address spaces: the first 4 MiB (this kernel) as one supervisor page, and at USER_BASE
   the user code page (shared, read-only) and a stack page of each one's own. */
static void setup_address_spaces(void)
{
    for (int i = 0; i < 2; i++) {
        directories[i][0] = 0x83; /* present, writable, 4 MiB */
        directories[i][USER_BASE >> 22] = (u32)user_tables[i] | 7;
        user_tables[i][0] = (u32)user_page | 5;        /* present, user */
        user_tables[i][1] = (u32)user_stacks[i] | 7; /* present, writable, user */
        tasks[i].cr3 = (u32)directories[i];
        tasks[i].kernel_stack_top = (u32)kernel_stacks[i] + PAGE;
    }
    u32 cr4;
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | 0x10)); /* PSE */
    write_cr3(tasks[0].cr3);
    u32 cr0;
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 0x80010000)); /* PG, WP */
}

static u32 user_address(const char *code)
{
    return USER_BASE + (u32)(code - user_page);
}

static const u32 user_stack_top = USER_BASE + 2 * PAGE;

/* Runs a user loop in task t's address space, count times, until it stops. */
static void run_user(int t, const char *code, u32 count)
{
    current = t;
    tss.esp0 = tasks[t].kernel_stack_top;
    write_cr3(tasks[t].cr3);
    enter_user(user_address(code), user_stack_top, count);
}

/* The other side of the ping-pong starts as if it had trapped: its kernel stack holds a
   frame that enters user_yield_forever, below the words switch_stacks pops (edi, esi, ebx,
   ebp, and return_from_trap as the return address). */
static void prepare_partner(int t)
{
    u32 *top = (u32 *)tasks[t].kernel_stack_top;
    struct frame *f = (struct frame *)top - 1;
    *f = (struct frame){
        .gs = 0x23, .fs = 0x23, .es = 0x23, .ds = 0x23,
        .eip = user_address(user_yield_forever), .cs = 0x1b, .eflags = 0x202,
        .user_esp = user_stack_top, .user_ss = 0x23,
    };
    u32 *words = (u32 *)f - 5;
    words[0] = words[1] = words[2] = words[3] = 0;
    words[4] = (u32)return_from_trap;
    tasks[t].saved_esp = (u32)words;
}

static void yield(void)
{
    int from = current, to = 1 - current;
    current = to;
    tss.esp0 = tasks[to].kernel_stack_top;
    write_cr3(tasks[to].cr3);
    switch_stacks(&tasks[from].saved_esp, tasks[to].saved_esp);
}

/* Called by entry_syscall and entry_segments with the saved registers. */
void floor_handler(struct frame *f)
{
    switch (f->eax) {
    case CALL_GETPID:
        f->eax = (u32)current + 1;
        break;
    case CALL_YIELD:
        yield();
        break;
    case CALL_STOP:
        leave_user();
    }
}

static void time_user_loop(const char *name, const char *code)
{
    u64 blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        u64 start = rdtsc();
        run_user(0, code, SYSCALLS_PER_BLOCK);
        blocks[i] = rdtsc() - start;
    }
    report(name, blocks, SYSCALLS_PER_BLOCK);
}

static void time_cr3(void)
{
    u64 blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        u64 start = rdtsc();
        for (int n = 0; n < CR3_WRITES_PER_BLOCK; n++)
            write_cr3(tasks[0].cr3);
        blocks[i] = rdtsc() - start;
    }
    report("floor_cr3", blocks, CR3_WRITES_PER_BLOCK);
}

static void time_yield(void)
{
    u64 blocks[BLOCKS];
    for (int i = 0; i < BLOCKS; i++) {
        prepare_partner(1);
        u64 start = rdtsc();
        run_user(0, user_yield_loop, YIELDS_PER_BLOCK);
        blocks[i] = rdtsc() - start;
    }
    report("floor_yield", blocks, 2 * YIELDS_PER_BLOCK);
}

void floor_main(void)
{
    /* The first line, at once: what the boot benchmark times from the host. */
    puts_serial("floor: bare Multiboot kernel\n");
    /* Ring 3 runs with interrupts enabled, as the kernel's programs do (TCG translates code
       differently when IF is clear); every interrupt line stays masked. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    setup_cpu();
    setup_address_spaces();
    calibrate_tsc();
    puts_serial("floor: TSC runs at ");
    put_u64(tsc_per_ms);
    puts_serial(" kHz\n");
    time_user_loop("floor_trap", user_bare_loop);
    time_user_loop("floor_syscall", user_syscall_loop);
    time_user_loop("floor_syscall_segments", user_segments_loop);
    time_cr3();
    time_yield();
    puts_serial("floor: done\n");
    __asm__ volatile("outl %0, %1" : : "a"(0u), "Nd"((unsigned short)0xf4));
    for (;;)
        __asm__ volatile("cli; hlt");
}
