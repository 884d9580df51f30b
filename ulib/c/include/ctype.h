/* ctype.h - character classes (ASCII only; EOF and values above 127 are in no class). */
#ifndef _CTYPE_H
#define _CTYPE_H

int isdigit(int c);
int isxdigit(int c);
int isalpha(int c);
int isalnum(int c);
int isupper(int c);
int islower(int c);
int isspace(int c);
int isprint(int c);
int ispunct(int c);
int iscntrl(int c);
int isgraph(int c);   /* printable but not space */
int isblank(int c);   /* space or tab */
int isascii(int c);   /* 0..127 */
int toupper(int c);
int tolower(int c);

#endif /* _CTYPE_H */
