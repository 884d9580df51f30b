/* The one errno of the process (there are no threads). */
#include <errno.h>

int errno;
