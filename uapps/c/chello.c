/* hello: a first C program for Lunaix, built with sysroot/bin/lunaix-cc.
 * Shows the process calls (getpid, fork, waitpid), the heap and printf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("hello from C, pid %d, ppid %d\n", getpid(), getppid());
    for (int i = 0; i < argc; i++)
        printf("  argv[%d] = \"%s\"\n", i, argv[i]);

    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        printf("  child: pid %d, parent %d, exiting with 7\n", getpid(), getppid());
        exit(7);
    }

    int status;
    pid_t done = waitpid(child, &status, 0);
    if (done != child) {
        perror("waitpid");
        return 1;
    }
    if (WIFEXITED(status))
        printf("child %d exited with status %d\n", done, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("child %d was killed by signal %d\n", done, WTERMSIG(status));

    /* The heap: malloc grows the program break with sbrk. */
    size_t n = 1000;
    int *squares = malloc(n * sizeof *squares);
    if (squares == NULL) {
        perror("malloc");
        return 1;
    }
    long sum = 0;
    for (size_t i = 0; i < n; i++) {
        squares[i] = (int)(i * i);
        sum += squares[i];
    }
    char *msg = malloc(64);
    if (msg == NULL) {
        perror("malloc");
        return 1;
    }
    strcpy(msg, "the heap works");
    printf("%s: sum of %u squares = %ld (block at %p)\n", msg, (unsigned)n, sum, (void *)squares);
    free(squares);
    free(msg);

    /* printf field widths and flags. */
    printf("[%5d] [%-5d] [%05d] [%+d] [%x] [%#X] [%8s] [%-8s] [%c] [%%]\n", 42, 42, 42, 42, 255,
           255, "right", "left", '!');
    return 0;
}
