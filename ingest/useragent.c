/* useragent.c - remote-desktop clients' user agents; see useragent.h.
 *
 * One table: each row is a token one client (or one family of clients) puts
 * in the user agent or application name its connections report, matched
 * anywhere in the string whatever its case. A token must name the
 * remote-desktop product itself, never a library or a browser engine, so an
 * ordinary browser's agent never matches: "Remote Desktop" is the product
 * name of Microsoft's and Chrome's clients, not a phrase browsers send.
 */
#include "ingest/useragent.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

static const char *const remote_clients[] = {
    "remote desktop",     /* Microsoft Remote Desktop (all platforms), Chrome Remote Desktop */
    "mstsc",              /* the Windows Remote Desktop Connection client */
    "msrdc",              /* the Windows App / Remote Desktop client for AVD */
    "rdesktop",           /* rdesktop, FreeRDP's ancestor */
    "freerdp",            /* FreeRDP, xfreerdp, wlfreerdp */
    "remmina",            /* Remmina (RDP and VNC) */
    "crremotedesktop",    /* Chrome Remote Desktop's host and client */
    "remotedesktop.google", /* Chrome Remote Desktop's web client */
    "anydesk",            /* AnyDesk */
    "teamviewer",         /* TeamViewer */
    "rustdesk",           /* RustDesk */
    "parsec",             /* Parsec */
    "vnc",                /* RealVNC "VNC Viewer", TightVNC, TigerVNC, UltraVNC, noVNC */
    "splashtop",          /* Splashtop */
    "screenconnect",      /* ConnectWise ScreenConnect */
    "logmein",            /* LogMeIn, GoTo Resolve's predecessor */
    "nomachine",          /* NoMachine (NX) */
    "guacamole",          /* Apache Guacamole, a browser gateway to RDP and VNC */
    "jump desktop",       /* Jump Desktop */
    "remotepc",           /* RemotePC */
    "zoho assist",        /* Zoho Assist */
};

#define NCLIENTS (sizeof remote_clients / sizeof remote_clients[0])

/* One bit per token in a 32-bit mask. */
_Static_assert(sizeof remote_clients / sizeof remote_clients[0] <= 32, "one bit per token");

/* Derived once from the table: which tokens begin with each byte, in either
 * case, and each token's length. The scan looks at each byte of an agent
 * once and compares only the tokens that can begin there: an agent is read
 * once, not once per token (the parse thread calls this for every login). */
static uint32_t by_first[256];
static size_t token_len[NCLIENTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* ASCII case folding, whatever the locale: the tokens are ASCII. */
static inline unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static void build(void)
{
    for (size_t t = 0; t < NCLIENTS; t++) {
        unsigned char c = (unsigned char)remote_clients[t][0];
        token_len[t] = strlen(remote_clients[t]);
        by_first[c] |= UINT32_C(1) << t;
        if (c >= 'a' && c <= 'z')
            by_first[c - 'a' + 'A'] |= UINT32_C(1) << t;
    }
}

/* Whether token t (lower case) begins at s[0..n), ignoring case. */
static int token_at(const char *s, size_t n, size_t t)
{
    size_t m = token_len[t];
    if (m > n)
        return 0;
    const char *tok = remote_clients[t];
    for (size_t k = 1; k < m; k++)
        if (fold((unsigned char)s[k]) != (unsigned char)tok[k])
            return 0;
    return 1;
}

int useragent_remote_desktop(const char *s, size_t n)
{
    pthread_once(&once, build);
    for (size_t i = 0; i < n; i++) {
        uint32_t m = by_first[(unsigned char)s[i]];
        while (m) {
            size_t t = (size_t)__builtin_ctz(m);
            m &= m - 1;
            if (token_at(s + i, n - i, t))
                return 1;
        }
    }
    return 0;
}
