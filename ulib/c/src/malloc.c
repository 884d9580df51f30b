/* The heap: a first-fit allocator over sbrk().
 *
 * Every block starts with an 8-byte header: its size (header included, a multiple of 8) and
 * a link. Free blocks form one list sorted by address, so freeing a block merges it with a
 * free neighbour on either side (coalescing). In a block in use the link holds IN_USE, which
 * lets free() catch most double frees and wild pointers.
 *
 * malloc takes the first free block that is big enough; when the block is larger than needed
 * it splits off its tail for the caller, so the rest stays in place in the list. When no block
 * fits, the heap grows with sbrk() by at least GROW_MIN bytes. Memory is never given back to
 * the kernel. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct block {
    size_t size;         /* the whole block, header included; a multiple of ALIGN */
    struct block *next;  /* free: the next free block (higher address); in use: IN_USE */
};

#define ALIGN 8u
#define HDR_SIZE sizeof(struct block)
#define MIN_BLOCK (HDR_SIZE + ALIGN)
#define GROW_MIN (32u * 1024u)
/* Odd, so never the address of a real block. */
#define IN_USE ((struct block *)0xA110CA7Du)

_Static_assert(sizeof(struct block) % ALIGN == 0, "the header keeps payloads aligned");

static struct block *free_list;

/* Puts b into the free list, merging it with the free blocks right before and after it. */
static void insert_free(struct block *b)
{
    struct block *prev = NULL;
    struct block *cur = free_list;
    while (cur != NULL && (uintptr_t)cur < (uintptr_t)b) {
        prev = cur;
        cur = cur->next;
    }

    if (cur != NULL && (uintptr_t)b + b->size == (uintptr_t)cur) {
        b->size += cur->size;
        b->next = cur->next;
        cur->next = NULL;
    } else {
        b->next = cur;
    }

    if (prev != NULL && (uintptr_t)prev + prev->size == (uintptr_t)b) {
        prev->size += b->size;
        prev->next = b->next;
        b->next = NULL;
    } else if (prev != NULL) {
        prev->next = b;
    } else {
        free_list = b;
    }
}

/* Grows the heap by at least need bytes (a multiple of ALIGN). Returns 0, or -1 (ENOMEM). */
static int grow(size_t need)
{
    size_t want = need < GROW_MIN ? GROW_MIN : need;
    /* ALIGN spare bytes, in case the break is not aligned yet. */
    if (want > (size_t)INTPTR_MAX - ALIGN) {
        errno = ENOMEM;
        return -1;
    }
    size_t got = want + ALIGN;
    char *p = sbrk((intptr_t)got);
    if (p == (void *)-1 && want > need) {
        got = need + ALIGN;
        p = sbrk((intptr_t)got);
    }
    if (p == (void *)-1) {
        errno = ENOMEM; /* whatever the kernel said, malloc reports ENOMEM */
        return -1;
    }

    uintptr_t start = ((uintptr_t)p + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    uintptr_t end = ((uintptr_t)p + got) & ~(uintptr_t)(ALIGN - 1);
    struct block *b = (struct block *)start;
    b->size = end - start;
    insert_free(b);
    return 0;
}

/* The block size that serves a request of size bytes; 0 when it is too large. */
static size_t block_size(size_t size)
{
    if (size > SIZE_MAX / 2) {
        errno = ENOMEM;
        return 0;
    }
    if (size == 0)
        size = 1;
    return HDR_SIZE + ((size + ALIGN - 1) & ~(size_t)(ALIGN - 1));
}

void *malloc(size_t size)
{
    size_t need = block_size(size);
    if (need == 0)
        return NULL;

    for (int attempt = 0; attempt < 2; attempt++) {
        struct block *prev = NULL;
        for (struct block *b = free_list; b != NULL; prev = b, b = b->next) {
            if (b->size < need)
                continue;
            if (b->size - need >= MIN_BLOCK) {
                b->size -= need;
                struct block *tail = (struct block *)((char *)b + b->size);
                tail->size = need;
                tail->next = IN_USE;
                return tail + 1;
            }
            if (prev != NULL)
                prev->next = b->next;
            else
                free_list = b->next;
            b->next = IN_USE;
            return b + 1;
        }
        if (attempt == 0 && grow(need) < 0)
            return NULL;
    }
    /* grow() added a block of at least need bytes, so the second pass found one. */
    errno = ENOMEM;
    return NULL;
}

static void bad_pointer(const char *who, void *ptr)
{
    dprintf(STDERR_FILENO, "%s(): invalid pointer %p (not from malloc, or freed twice)\n", who,
            ptr);
    abort();
}

/* The header of an allocated payload; aborts when ptr is not one. */
static struct block *header_of(void *ptr, const char *who)
{
    if ((uintptr_t)ptr % ALIGN != 0)
        bad_pointer(who, ptr);
    struct block *b = (struct block *)ptr - 1;
    if (b->next != IN_USE || b->size < MIN_BLOCK || b->size % ALIGN != 0)
        bad_pointer(who, ptr);
    return b;
}

void free(void *ptr)
{
    if (ptr == NULL)
        return;
    insert_free(header_of(ptr, "free"));
}

void *calloc(size_t nmemb, size_t size)
{
    if (size != 0 && nmemb > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(nmemb * size);
    if (p != NULL)
        memset(p, 0, nmemb * size);
    return p;
}

void *realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return malloc(size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    struct block *b = header_of(ptr, "realloc");
    size_t need = block_size(size);
    if (need == 0)
        return NULL;
    if (need <= b->size) {
        /* Shrink in place; give a large enough tail back. */
        if (b->size - need >= MIN_BLOCK) {
            struct block *tail = (struct block *)((char *)b + need);
            tail->size = b->size - need;
            b->size = need;
            insert_free(tail);
        }
        return ptr;
    }
    void *fresh = malloc(size);
    if (fresh == NULL)
        return NULL;
    memcpy(fresh, ptr, b->size - HDR_SIZE);
    free(ptr);
    return fresh;
}
