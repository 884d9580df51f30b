/* Messages for errno values; the table is generated from the abi crate's errno list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errno_messages.h" /* generated from kernel/abi/src/errno.rs */

char *strerror(int errnum)
{
    static char unknown[32];
    if (errnum >= 0 && (unsigned int)errnum < sizeof errno_messages / sizeof errno_messages[0] &&
        errno_messages[errnum] != NULL)
        return (char *)errno_messages[errnum];
    snprintf(unknown, sizeof unknown, "Unknown error %d", errnum);
    return unknown;
}
