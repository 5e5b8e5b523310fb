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

#include <ctype.h>
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

/* Whether needle (lower case, NUL-terminated) occurs in s[0..n) ignoring case.
 * O(n x strlen(needle)). */
static int contains_folded(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && tolower((unsigned char)s[i + k]) == needle[k])
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

int useragent_remote_desktop(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof remote_clients / sizeof remote_clients[0]; i++)
        if (contains_folded(s, n, remote_clients[i]))
            return 1;
    return 0;
}
