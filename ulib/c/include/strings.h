/* strings.h - case-insensitive comparison (ASCII: the only locale is "C"). */
#ifndef _STRINGS_H
#define _STRINGS_H

#define __need_size_t
#include <stddef.h>

/* Compare as strcmp/strncmp would after turning 'A'..'Z' into 'a'..'z'. */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif /* _STRINGS_H */
