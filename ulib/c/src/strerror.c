/* Messages for errno values and signal numbers; both tables are generated from the abi
 * crate's lists. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "errno_messages.h"  /* generated from kernel/abi/src/errno.rs */
#include "signal_messages.h" /* generated from kernel/abi/src/signal.rs */

char *strerror(int errnum)
{
    static char unknown[32];
    if (errnum >= 0 && (unsigned int)errnum < sizeof errno_messages / sizeof errno_messages[0] &&
        errno_messages[errnum] != NULL)
        return (char *)errno_messages[errnum];
    snprintf(unknown, sizeof unknown, "Unknown error %d", errnum);
    return unknown;
}

char *strsignal(int sig)
{
    static char unknown[32];
    if (sig >= 0 && (unsigned int)sig < sizeof signal_messages / sizeof signal_messages[0] &&
        signal_messages[sig] != NULL)
        return (char *)signal_messages[sig];
    snprintf(unknown, sizeof unknown, "Unknown signal %d", sig);
    return unknown;
}
