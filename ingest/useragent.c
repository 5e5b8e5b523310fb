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
 * case, each token's length, and which pairs of bytes (case folded) begin a
 * token. The scan looks at each byte of an agent once and compares only the
 * tokens that can begin there: an agent is read once, not once per token (the
 * parse thread calls this for every login). The pairs come first: the tokens'
 * first letters (r, m, c, a, t, p, s, ...) are most of an ordinary browser's
 * agent, but the pairs they begin with are few of its pairs. */
static uint32_t by_first[256];
static uint8_t pair_starts[65536 / 8]; /* bit a << 8 | b, for a, b in either case */
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
        /* Both bytes in either case, so that the scan need not fold them. */
        unsigned char d = (unsigned char)remote_clients[t][1];
        for (unsigned v = 0; v < 4; v++) {
            unsigned a = v & 1 && c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
            unsigned b = v & 2 && d >= 'a' && d <= 'z' ? d - 'a' + 'A' : d;
            unsigned pair = a << 8 | b;
            pair_starts[pair >> 3] |= (uint8_t)(1u << (pair & 7));
        }
    }
}

/* Whether some token begins with the bytes a, b (in either case). */
static inline int pair_begins_token(unsigned char a, unsigned char b)
{
    unsigned pair = (unsigned)a << 8 | b;
    return pair_starts[pair >> 3] >> (pair & 7) & 1;
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
    /* Every token is at least two bytes long: none begins at the last byte. */
    for (size_t i = 0; i + 1 < n; i++) {
        if (!pair_begins_token((unsigned char)s[i], (unsigned char)s[i + 1]))
            continue;
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
