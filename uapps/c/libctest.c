/* libctest: checks the C shim's everyday library functions that need little from the kernel:
 * more of <string.h> (strsignal too) and <strings.h>, 64-bit number parsing, div, rand, the scanf family,
 * getline/getdelim, fgetpos/fsetpos, access, getopt and time.
 *
 * Usage: /bin/libctest [BASE]   (BASE: a writable directory, /tmp by default, made when
 * missing and then removed again; the file BASE/libctest.tmp is made and removed).
 * One line "libctest: <group> ok" per group, then "PASS libctest" (exit 0), or
 * "FAIL: libctest.c:<line>: <check>" lines and "FAIL libctest" (exit 1). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK_PROGRAM "libctest"
#include "check.h"

static void test_strings(void)
{
    char buf[32];

    strcpy(buf, "ab");
    CHECK(strncat(buf, "cdef", 2) == buf && strcmp(buf, "abcd") == 0);
    CHECK(strcmp(strncat(buf, "xy", 10), "abcdxy") == 0);
    CHECK(strcmp(strncat(buf, "zz", 0), "abcdxy") == 0);

    char *end = stpcpy(buf, "hello");
    CHECK(end == buf + 5 && *end == '\0' && strcmp(buf, "hello") == 0);

    memset(buf, 'X', sizeof buf);
    CHECK(memccpy(buf, "key=value", '=', 9) == buf + 4 && memcmp(buf, "key=X", 5) == 0);
    CHECK(memccpy(buf, "abc", 'z', 3) == NULL && memcmp(buf, "abc", 3) == 0);

    char *d = strndup("abcdef", 3);
    CHECK(d != NULL && strcmp(d, "abc") == 0);
    free(d);
    d = strndup("ab", 10);
    CHECK(d != NULL && strcmp(d, "ab") == 0);
    free(d);

    CHECK(strspn("  \tword", " \t") == 3);
    CHECK(strspn("abc", "") == 0);
    CHECK(strspn("aaa", "a") == 3);
    CHECK(strcspn("hello, world", ",;") == 5);
    CHECK(strcspn("hello", "") == 5);
    CHECK(strcspn("", "x") == 0);
    const char *s = "find the vowel";
    CHECK(strpbrk(s, "aeiou") == s + 1);
    CHECK(strpbrk(s, "xyz") == NULL);
    CHECK(strspn("\xff\x80", "\x80\xff") == 2); /* bytes above 127 */

    char text[] = "  one,two;;three  ";
    CHECK(strcmp(strtok(text, " ,;"), "one") == 0);
    CHECK(strcmp(strtok(NULL, " ,;"), "two") == 0);
    CHECK(strcmp(strtok(NULL, " ,;"), "three") == 0);
    CHECK(strtok(NULL, " ,;") == NULL);
    CHECK(strtok(NULL, " ,;") == NULL);
    char empty[] = ";;;";
    CHECK(strtok(empty, ";") == NULL);

    /* strtok_r keeps separate places: split "a=1&b=2" into pairs and each pair into halves. */
    char query[] = "a=1&b=22";
    char *outer, *inner;
    char *pair = strtok_r(query, "&", &outer);
    CHECK(pair != NULL && strcmp(strtok_r(pair, "=", &inner), "a") == 0);
    CHECK(strcmp(strtok_r(NULL, "=", &inner), "1") == 0);
    CHECK(strtok_r(NULL, "=", &inner) == NULL);
    pair = strtok_r(NULL, "&", &outer);
    CHECK(pair != NULL && strcmp(strtok_r(pair, "=", &inner), "b") == 0);
    CHECK(strcmp(strtok_r(NULL, "=", &inner), "22") == 0);
    CHECK(strtok_r(NULL, "&", &outer) == NULL);

    CHECK(strcoll("abc", "abd") < 0 && strcoll("b", "a") > 0 && strcoll("x", "x") == 0);
    CHECK(strxfrm(buf, "collate", sizeof buf) == 7 && strcmp(buf, "collate") == 0);
    CHECK(strxfrm(NULL, "collate", 0) == 7);

    CHECK(strcasecmp("Hello", "hELLO") == 0);
    CHECK(strcasecmp("apple", "Banana") < 0);
    CHECK(strcasecmp("Zeta", "alpha") > 0);
    CHECK(strcasecmp("abc", "ABCD") < 0);
    CHECK(strncasecmp("HeLLo world", "hello there", 5) == 0);
    CHECK(strncasecmp("abcX", "ABCy", 4) < 0);
    CHECK(strncasecmp("x", "y", 0) == 0);
    CHECK(strcasecmp("[", "{") != 0); /* only letters fold */

    CHECK(strcmp(strsignal(SIGSEGV), "Segmentation fault") == 0);
    CHECK(strcmp(strsignal(SIGKILL), "Killed") == 0);
    CHECK(strcmp(strsignal(999), "Unknown signal 999") == 0);

    CHECK(isgraph('a') && isgraph('~') && !isgraph(' ') && !isgraph('\n') && !isgraph(0x7f));
    CHECK(isblank(' ') && isblank('\t') && !isblank('\n') && !isblank('x'));
    CHECK(isascii(0) && isascii(127) && !isascii(128) && !isascii(-1));
    section_done("strings");
}

static void test_numbers(void)
{
    char *end;

    errno = 0;
    CHECK(strtoll("9223372036854775807", &end, 10) == LLONG_MAX && *end == '\0' && errno == 0);
    CHECK(strtoll("-9223372036854775808", NULL, 10) == LLONG_MIN && errno == 0);
    CHECK(strtoll("9223372036854775808", NULL, 10) == LLONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoll("-9223372036854775809", NULL, 10) == LLONG_MIN && errno == ERANGE);
    errno = 0;
    CHECK(strtoll("  -0x7fffffffffffffff!", &end, 0) == -LLONG_MAX && *end == '!');
    CHECK(strtoll("0777", NULL, 0) == 0777 && strtoll("z", &end, 36) == 35);
    CHECK(strtoll("nope", &end, 10) == 0 && strcmp(end, "nope") == 0);
    CHECK(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX && errno == 0);
    CHECK(strtoull("18446744073709551616", NULL, 10) == ULLONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoull("-1", NULL, 10) == ULLONG_MAX && errno == 0);
    CHECK(strtoull("0x123456789abcdef0", NULL, 16) == 0x123456789abcdef0ULL);
    CHECK(atoll("-1234567890123") == -1234567890123LL);
    CHECK(atoll("  42abc") == 42);

    /* The 32-bit ones, now over the same 64-bit parser, keep their own ranges. */
    CHECK(strtol("2147483647", NULL, 10) == LONG_MAX && errno == 0);
    CHECK(strtol("2147483648", NULL, 10) == LONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtol("-2147483648", NULL, 10) == LONG_MIN && errno == 0);
    CHECK(strtol("-2147483649", NULL, 10) == LONG_MIN && errno == ERANGE);
    errno = 0;
    CHECK(strtoul("4294967295", NULL, 10) == ULONG_MAX && errno == 0);
    CHECK(strtoul("4294967296", NULL, 10) == ULONG_MAX && errno == ERANGE);
    errno = 0;
    CHECK(strtoul("-1", NULL, 10) == ULONG_MAX && errno == 0);
    CHECK(strtoul("-4294967296", NULL, 10) == ULONG_MAX && errno == ERANGE);
    errno = 0;

    CHECK(llabs(-5000000000LL) == 5000000000LL && llabs(7) == 7);
    div_t q = div(-7, 2);
    CHECK(q.quot == -3 && q.rem == -1);
    q = div(7, -2);
    CHECK(q.quot == -3 && q.rem == 1);
    ldiv_t lq = ldiv(100L, 7L);
    CHECK(lq.quot == 14 && lq.rem == 2);
    lldiv_t llq = lldiv(-10000000000LL, 3);
    CHECK(llq.quot == -3333333333LL && llq.rem == -1);

    /* rand: inside 0..RAND_MAX, the same sequence again after the same seed, and not stuck. */
    srand(12345);
    int first[8];
    int distinct = 0;
    for (int i = 0; i < 8; i++) {
        first[i] = rand();
        CHECK(first[i] >= 0 && first[i] <= RAND_MAX);
        if (i > 0 && first[i] != first[i - 1])
            distinct++;
    }
    CHECK(distinct >= 6);
    srand(12345);
    for (int i = 0; i < 8; i++)
        CHECK(rand() == first[i]);
    srand(1);
    int one = rand();
    srand(2);
    CHECK(rand() != one);
    /* Both halves of the range come up. */
    int low = 0, high = 0;
    for (int i = 0; i < 200; i++) {
        if (rand() < RAND_MAX / 2)
            low++;
        else
            high++;
    }
    CHECK(low > 50 && high > 50);
    section_done("numbers");
}

static void test_sscanf(void)
{
    int a = -1, b = -1, c = -1, n = -1;
    unsigned int u = 0;
    long l = 0;
    long long ll = 0;
    unsigned long long ull = 0;
    short h = 0;
    signed char hh = 0;
    char word[32], rest[32], ch[4];
    void *p = NULL;

    CHECK(sscanf("12 -34 +56", "%d %d %d", &a, &b, &c) == 3 && a == 12 && b == -34 && c == 56);
    CHECK(sscanf("0x1f 017 99", "%i %i %i", &a, &b, &c) == 3 && a == 31 && b == 15 && c == 99);
    CHECK(sscanf("ff 777 4294967295", "%x %o %u", &a, &b, &u) == 3 && a == 255 && b == 0777 &&
          u == 4294967295u);
    CHECK(sscanf("0XAbC", "%X", &u) == 1 && u == 0xabc);
    CHECK(sscanf("-2147483648 9223372036854775807", "%ld %lld", &l, &ll) == 2 &&
          l == LONG_MIN && ll == LLONG_MAX);
    CHECK(sscanf("18446744073709551615", "%llu", &ull) == 1 && ull == ULLONG_MAX);
    CHECK(sscanf("-2 300", "%hd %hhd", &h, &hh) == 2 && h == -2 && hh == 44);
    CHECK(sscanf("12345", "%2d%3d", &a, &b) == 2 && a == 12 && b == 345);
    CHECK(sscanf("  key = value;rest", "%s = %[^;];%s", word, rest, ch) == 3 &&
          strcmp(word, "key") == 0 && strcmp(rest, "value") == 0 && strcmp(ch, "rest") == 0);
    CHECK(sscanf("abcdef", "%3s%s", word, rest) == 2 && strcmp(word, "abc") == 0 &&
          strcmp(rest, "def") == 0);
    memset(ch, '#', sizeof ch);
    CHECK(sscanf(" xyz", "%c%2c", &ch[0], &ch[1]) == 2 && memcmp(ch, " xy#", 4) == 0);
    CHECK(sscanf("hello123", "%[a-z]%d", word, &a) == 2 && strcmp(word, "hello") == 0 &&
          a == 123);
    CHECK(sscanf("]x-y", "%[]x-]", word) == 1 && strcmp(word, "]x-") == 0);
    CHECK(sscanf("abc", "%[0-9]", word) == 0);
    CHECK(sscanf("10 20", "%*d %d%n", &a, &n) == 1 && a == 20 && n == 5);
    CHECK(sscanf("  42", " %n%d", &n, &a) == 1 && n == 2 && a == 42);
    CHECK(sscanf("100%", "%d%%", &a) == 1 && a == 100);
    CHECK(sscanf("50 %", "%d %%", &a) == 1 && a == 50);
    CHECK(sscanf("0x1234", "%p", &p) == 1 && p == (void *)0x1234);
    /* "date: 2024-05-17" style literals. */
    CHECK(sscanf("date: 2024-05-17", "date: %d-%d-%d", &a, &b, &c) == 3 && a == 2024 && b == 5 &&
          c == 17);

    /* Matching failures stop the scan and count what was assigned; input failures before the
     * first conversion give EOF. */
    a = b = -1;
    CHECK(sscanf("7 x", "%d %d", &a, &b) == 1 && a == 7 && b == -1);
    CHECK(sscanf("x", "%d", &a) == 0);
    CHECK(sscanf("", "%d", &a) == EOF);
    CHECK(sscanf("   ", "%s", word) == EOF);
    CHECK(sscanf("", "abc") == EOF);
    CHECK(sscanf("abd", "abc") == 0);
    CHECK(sscanf("5", "%d %d", &a, &b) == 1 && a == 5);
    CHECK(sscanf("-", "%d", &a) == 0);
    CHECK(sscanf("1.5", "%d.%d", &a, &b) == 2 && a == 1 && b == 5);
    section_done("sscanf");
}

/* The file BASE/libctest.tmp with text, for fscanf and getline. */
static char tmp_path[256];

static int write_file(const char *text)
{
    FILE *f = fopen(tmp_path, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void test_streams(void)
{

    CHECK(write_file("first 1 2\nsecond 3 4\n") == 0);
    FILE *f = fopen(tmp_path, "r");
    CHECK(f != NULL);
    if (f != NULL) {
        char name[16];
        int x = 0, y = 0;
        CHECK(fscanf(f, "%15s %d %d", name, &x, &y) == 3 && strcmp(name, "first") == 0 &&
              x == 1 && y == 2);
        /* The byte that ended %d (the '\n') is still there for the next read. */
        CHECK(fgetc(f) == '\n');
        CHECK(fscanf(f, "%15s %d %d", name, &x, &y) == 3 && strcmp(name, "second") == 0 &&
              x == 3 && y == 4);
        CHECK(fscanf(f, "%d", &x) == EOF && feof(f));

        /* fgetpos/fsetpos come back to the same byte. */
        rewind(f);
        fpos_t pos;
        CHECK(fgetc(f) == 'f');
        CHECK(fgetpos(f, &pos) == 0);
        CHECK(fgetc(f) == 'i' && fgetc(f) == 'r');
        CHECK(fsetpos(f, &pos) == 0 && fgetc(f) == 'i');
        CHECK(fscanf(f, "rst%d", &x) == 1 && x == 1);
        fclose(f);
    }

    /* getline: lines longer than the first buffer, a last line without '\n', then -1. */
    char big[301];
    memset(big, 'q', 300);
    big[300] = '\0';
    FILE *w = fopen(tmp_path, "w");
    CHECK(w != NULL);
    if (w != NULL) {
        fprintf(w, "short\n\n%s\nlast", big);
        fclose(w);
    }
    f = fopen(tmp_path, "r");
    CHECK(f != NULL);
    if (f != NULL) {
        char *line = NULL;
        size_t cap = 0;
        CHECK(getline(&line, &cap, f) == 6 && strcmp(line, "short\n") == 0 && cap >= 7);
        CHECK(getline(&line, &cap, f) == 1 && strcmp(line, "\n") == 0);
        CHECK(getline(&line, &cap, f) == 301 && strncmp(line, big, 300) == 0 &&
              line[300] == '\n' && line[301] == '\0' && cap >= 302);
        CHECK(getline(&line, &cap, f) == 4 && strcmp(line, "last") == 0);
        CHECK(getline(&line, &cap, f) == -1 && feof(f));
        free(line);

        /* getdelim with another delimiter, into a buffer the program allocated. */
        rewind(f);
        cap = 4;
        line = malloc(cap);
        CHECK(line != NULL && getdelim(&line, &cap, 'o', f) == 3 && strcmp(line, "sho") == 0);
        CHECK(getdelim(&line, &cap, '\n', f) == 3 && strcmp(line, "rt\n") == 0);
        free(line);
        CHECK_ERR(getline(NULL, &cap, f), EINVAL);
        fclose(f);
    }
    section_done("streams");
}

/* scanf reads stdin: a child with a pipe as its standard input. */
static void test_scanf_stdin(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(fds[1]);
        dup2(fds[0], 0);
        close(fds[0]);
        int a = 0, b = 0;
        char word[16];
        if (scanf("%d,%d %15s", &a, &b, word) != 3 || a != 6 || b != -7 ||
            strcmp(word, "seven") != 0)
            _exit(1);
        if (scanf("%d", &a) != EOF)
            _exit(2);
        _exit(0);
    }
    close(fds[0]);
    CHECK(write(fds[1], "6,-7\n  seven\n", 13) == 13);
    close(fds[1]);
    int status = -1;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    section_done("scanf");
}

static void test_access(const char *self)
{
    CHECK(write_file("data\n") == 0);
    CHECK(access(tmp_path, F_OK) == 0);
    CHECK(access(tmp_path, R_OK | W_OK) == 0);
    /* fopen makes files 0666: no x bit. */
    CHECK_ERR(access(tmp_path, X_OK), EACCES);
    CHECK_ERR(access(tmp_path, R_OK | X_OK), EACCES);
    CHECK(access("/", X_OK) == 0); /* a directory is searchable */
    if (self != NULL && strchr(self, '/') != NULL)
        CHECK(access(self, X_OK | R_OK) == 0);
    CHECK_ERR(access("/no/such/file", F_OK), ENOENT);
    char under[300];
    snprintf(under, sizeof under, "%s/x", tmp_path);
    CHECK_ERR(access(under, F_OK), ENOTDIR);
    CHECK_ERR(access(tmp_path, 8), EINVAL);
    CHECK(unlink(tmp_path) == 0);
    CHECK_ERR(access(tmp_path, F_OK), ENOENT);
    section_done("access");
}

/* Runs getopt over words (NULL-terminated) from the start. */
static int argv_count(char **words)
{
    int n = 0;
    while (words[n] != NULL)
        n++;
    return n;
}

static void test_getopt(void)
{
    opterr = 0; /* no messages on stderr from the bad cases */

    char *v1[] = {"prog", "-a", "-b", "barg", "-cfoo", "-ad", "--", "-x", "file", NULL};
    int argc = argv_count(v1);
    optind = 1;
    CHECK(getopt(argc, v1, "ab:c:d") == 'a' && optind == 2);
    CHECK(getopt(argc, v1, "ab:c:d") == 'b' && strcmp(optarg, "barg") == 0 && optind == 4);
    CHECK(getopt(argc, v1, "ab:c:d") == 'c' && strcmp(optarg, "foo") == 0 && optind == 5);
    CHECK(getopt(argc, v1, "ab:c:d") == 'a' && optind == 5);
    CHECK(getopt(argc, v1, "ab:c:d") == 'd' && optind == 6);
    CHECK(getopt(argc, v1, "ab:c:d") == -1 && optind == 7 && strcmp(v1[optind], "-x") == 0);

    /* Operands end the options ("-" is an operand); no permutation. */
    char *v2[] = {"prog", "-a", "-", "-b", NULL};
    optind = 1;
    CHECK(getopt(4, v2, "ab") == 'a');
    CHECK(getopt(4, v2, "ab") == -1 && optind == 2);
    char *v3[] = {"prog", "file", "-a", NULL};
    optind = 1;
    CHECK(getopt(3, v3, "a") == -1 && optind == 1);
    char *v4[] = {"prog", NULL};
    optind = 1;
    CHECK(getopt(1, v4, "a") == -1 && optind == 1);

    /* Unknown options and missing arguments. */
    char *v5[] = {"prog", "-zq", "-b", NULL};
    optind = 1;
    CHECK(getopt(3, v5, "b:q") == '?' && optopt == 'z' && optind == 1);
    CHECK(getopt(3, v5, "b:q") == 'q' && optind == 2);
    CHECK(getopt(3, v5, "b:q") == '?' && optopt == 'b' && optind == 3);
    CHECK(getopt(3, v5, "b:q") == -1);
    optind = 1;
    CHECK(getopt(3, v5, ":b:q") == '?' && optopt == 'z');
    CHECK(getopt(3, v5, ":b:q") == 'q');
    CHECK(getopt(3, v5, ":b:q") == ':' && optopt == 'b');

    /* optind = 0 also starts over, even in the middle of a group. */
    char *v6[] = {"prog", "-xy", NULL};
    optind = 1;
    CHECK(getopt(2, v6, "xy") == 'x');
    optind = 0;
    CHECK(getopt(2, v6, "xy") == 'x' && getopt(2, v6, "xy") == 'y' && getopt(2, v6, "xy") == -1);
    optind = 1;
    opterr = 1;
    section_done("getopt");
}

static void test_time(void)
{
    time_t stored = -1;
    time_t now = time(&stored);
    CHECK(now != (time_t)-1 && now >= 0 && stored == now);
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    time_t later = time(NULL);
    CHECK(later >= now && later >= ts.tv_sec && later - ts.tv_sec <= 1);
    section_done("time");
}

int main(int argc, char **argv)
{
    const char *base = argc > 1 ? argv[1] : "/tmp";
    int made_base = 0;
    struct stat st;
    if (stat(base, &st) < 0) {
        CHECK(mkdir(base, 0755) == 0);
        made_base = 1;
    }
    snprintf(tmp_path, sizeof tmp_path, "%s/libctest.tmp", base);

    test_strings();
    test_numbers();
    test_sscanf();
    test_streams();
    test_scanf_stdin();
    test_access(argc > 0 ? argv[0] : NULL);
    test_getopt();
    test_time();

    unlink(tmp_path);
    if (made_base)
        CHECK(rmdir(base) == 0);

    if (failures != 0) {
        printf("FAIL: libctest: %d check(s) failed\n", failures);
        puts("FAIL libctest");
        return 1;
    }
    puts("PASS libctest");
    return 0;
}
