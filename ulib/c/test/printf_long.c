/* TEST ONLY (host-test.sh): output longer than printf's 1 KiB buffer must come out whole,
 * in order, and printf must return its full length. Prints 26 lines of 100 characters
 * (2600 bytes) in one printf call, then the returned count. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[101];
    char all[26 * 101 + 1];
    all[0] = '\0';
    for (int i = 0; i < 26; i++) {
        memset(line, 'a' + i, 99);
        line[99] = '\n';
        line[100] = '\0';
        strcat(all, line);
    }
    int n = printf("%s", all);
    printf("returned %d\n", n);
    return n == 2600 ? 0 : 1;
}
