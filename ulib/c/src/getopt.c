/* getopt(): POSIX option parsing, without GNU's argument permutation or long options. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *optarg;
int optind = 1;
int opterr = 1;
int optopt;

/* Inside a group of options ("-abc"): the next one is argv[group_index][next_char]. When the
 * program moves optind itself, group_index no longer matches and the group is forgotten. */
static int next_char;
static int group_index;

static void report(const char *prog, const char *what, int c)
{
    if (opterr)
        fprintf(stderr, "%s: %s -- '%c'\n", prog, what, c);
}

/* Moves past the current argument. */
static void next_argument(void)
{
    optind++;
    next_char = 0;
}

int getopt(int argc, char *const argv[], const char *optstring)
{
    if (optind == 0) {
        /* glibc's way to start over. */
        optind = 1;
        next_char = 0;
    }
    if (next_char != 0 && group_index != optind)
        next_char = 0;
    optarg = NULL;
    if (next_char == 0) {
        if (optind >= argc || argv[optind] == NULL)
            return -1;
        const char *arg = argv[optind];
        if (arg[0] != '-' || arg[1] == '\0')
            return -1; /* an operand ("-" alone is one too) */
        if (arg[1] == '-' && arg[2] == '\0') {
            optind++; /* "--" ends the options and is skipped */
            return -1;
        }
        next_char = 1;
        group_index = optind;
    }

    const char *arg = argv[optind];
    int c = (unsigned char)arg[next_char++];
    int last_in_group = arg[next_char] == '\0';
    int quiet = optstring[0] == ':';
    if (quiet)
        optstring++;
    const char *spec = c == ':' ? NULL : strchr(optstring, c);

    if (spec == NULL) {
        optopt = c;
        if (last_in_group)
            next_argument();
        if (!quiet)
            report(argv[0], "invalid option", c);
        return '?';
    }
    if (spec[1] != ':') {
        if (last_in_group)
            next_argument();
        return c;
    }
    /* The option takes an argument: the rest of this word, or the next word. */
    if (!last_in_group) {
        optarg = (char *)&arg[next_char];
        next_argument();
        return c;
    }
    next_argument();
    if (optind >= argc) {
        optopt = c;
        if (!quiet)
            report(argv[0], "option requires an argument", c);
        return quiet ? ':' : '?';
    }
    optarg = argv[optind];
    next_argument();
    return c;
}
