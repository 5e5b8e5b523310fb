/* useragent.h - recognises the user agents of remote-desktop clients.
 *
 * A login whose user agent names a remote-desktop client was made through
 * one: the person sat at another machine than the one the platform saw. A
 * laptop farm's personas are operated that way, over the facilitator's line.
 * The login keeps one bit (login_ev.remote_ua), never the string: a user
 * agent is a hundred bytes or more, and a login row is budgeted at about 64.
 *
 * The clients recognised are listed once, in useragent.c, with what each
 * sends. Matching is by case-insensitive substring in one pass over the
 * agent (each byte looked up once in a table of the tokens that begin with
 * it): the parse thread calls it once per login row.
 */
#ifndef RINGSCAN_USERAGENT_H
#define RINGSCAN_USERAGENT_H

#include <stddef.h>

/* 1 when s[0..n) (need not be NUL-terminated; NULL with n 0 is nothing) names
 * a remote-desktop client, 0 otherwise. Thread-safe, allocates nothing. */
int useragent_remote_desktop(const char *s, size_t n);

#endif
