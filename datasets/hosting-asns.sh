#!/bin/sh
# hosting-asns.sh [-l LIST] [-n N] ASN_CSV... - the update procedure's helper for
# datasets/hosting-asns.csv (datasets/README.md, "Hosting and VPN networks").
#
# ASN_CSV files are IP-to-ASN range tables with the columns
# range_start,range_end,asn,org (IPv4 or IPv6, no header; the org may be quoted),
# such as asn-ipv4.csv and asn-ipv6.csv of the npm package @ip-location-db/asn.
#   (a) every ASN of the list must still announce addresses there under the
#       organisation name the list records: a missing ASN or a changed name is a
#       problem, printed as "missing" or "renamed" lines;
#   (b) ASNs not in the list whose organisation names contain hosting or VPN words
#       are printed as "candidate" lines, most IPv4 addresses first (then IPv6 /48s),
#       for a maintainer to review - a name is no proof of a hosting business.
# Output is tab-separated: kind, asn, IPv4 addresses, IPv6 /48s, org (and for
# "renamed" the recorded name last). Exit 0 when (a) found nothing, 1 when it
# found problems or the list is malformed, 2 on usage errors. POSIX sh and awk.
set -u
prog=hosting-asns.sh
here=$(dirname "$0")
list=$here/hosting-asns.csv
top=40

usage() {
    echo "usage: $prog [-l LIST.csv] [-n CANDIDATES] ASN_CSV..." >&2
    echo "try: $prog /path/to/asn-ipv4.csv /path/to/asn-ipv6.csv" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    -h | --help)
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
        exit 0 ;;
    -l) [ $# -ge 2 ] || usage; list=$2; shift 2 ;;
    -n) [ $# -ge 2 ] || usage
        case $2 in '' | *[!0-9]*) echo "$prog: -n needs a number" >&2; usage ;; esac
        top=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "$prog: unknown option $1" >&2; usage ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || usage
for f in "$list" "$@"; do
    [ -r "$f" ] && [ -f "$f" ] || { echo "$prog: cannot read $f" >&2; exit 2; }
done

# The list, checked by the generator the build uses: asn<TAB>kind<TAB>name.
tmp=$(mktemp "${TMPDIR:-/tmp}/hosting-asns.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
if ! awk -v out=tsv -f "$here/hosting-asns.awk" "$list" >"$tmp"; then
    echo "$prog: $list is malformed (see above)" >&2
    exit 1
fi

awk -v top="$top" -v prog="$prog" -v list="$list" '
function hex(s,    v, i) {
    v = 0
    s = tolower(s)
    for (i = 1; i <= length(s); i++)
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return v
}
function ip4(s,    a) {
    split(s, a, ".")
    return ((a[1] * 256 + a[2]) * 256 + a[3]) * 256 + a[4]
}
# The first 48 bits of an IPv6 address as a number (exact in a double).
function ip6_48(s,    h, t, nh, nt, g, i, k, parts) {
    k = index(s, "::")
    if (k) {
        nh = k > 1 ? split(substr(s, 1, k - 1), h, ":") : 0
        nt = split(substr(s, k + 2), t, ":")
    } else {
        nh = split(s, h, ":")
        nt = 0
    }
    for (i = 1; i <= 8; i++)
        g[i] = 0
    for (i = 1; i <= nh; i++)
        g[i] = hex(h[i])
    for (i = 1; i <= nt; i++)
        g[8 - nt + i] = hex(t[i])
    return (g[1] * 65536 + g[2]) * 65536 + g[3]
}
FNR == 1 { file++ }
file == 1 {
    split($0, f, "\t")
    want[f[1]] = f[3]
    nwant++
    order[nwant] = f[1]
    next
}
{
    c1 = index($0, ",")
    rest = substr($0, c1 + 1)
    c2 = index(rest, ",")
    rest2 = substr(rest, c2 + 1)
    c3 = index(rest2, ",")
    asn = substr(rest2, 1, c3 - 1)
    if (!c1 || !c2 || !c3 || asn !~ /^[0-9]+$/)
        next # a header or a stray line
    lo = substr($0, 1, c1 - 1)
    hi = substr(rest, 1, c2 - 1)
    org = substr(rest2, c3 + 1)
    sub(/\r$/, "", org)
    if (org ~ /^".*"$/) {
        org = substr(org, 2, length(org) - 2)
        gsub(/""/, "\"", org)
    }
    asn += 0
    if (index(lo, ":"))
        v6[asn] += ip6_48(hi) - ip6_48(lo) + 1
    else
        v4[asn] += ip4(hi) - ip4(lo) + 1
    name[asn] = org
}
END {
    bad = 0
    for (i = 1; i <= nwant; i++) {
        a = order[i]
        if (!(a in name)) {
            printf "missing\t%s\t0\t0\t%s\n", a, want[a]
            bad++
        } else if (name[a] != want[a]) {
            printf "renamed\t%s\t%.0f\t%.0f\t%s\t%s\n", a, v4[a], v6[a], name[a], want[a]
            bad++
        }
    }
    # Candidates: hosting/VPN words in the org name, not already listed.
    words = "hosting|webhost|vps|cloud|server|datacent|data cent|dedicated|colocation|vpn|proxy|proxies|seedbox|bare.?metal"
    n = 0
    for (a in name) {
        if (a in want)
            continue
        o = " " tolower(name[a]) " "
        if (o ~ words || o ~ /[^a-z]colo[^a-z]/) {
            n++
            cand[n] = a
        }
    }
    # Insertion sort by (IPv4 desc, IPv6 desc, asn asc): a few thousand at most.
    for (i = 2; i <= n; i++) {
        x = cand[i]
        for (j = i - 1; j >= 1 && before(x, cand[j]); j--)
            cand[j + 1] = cand[j]
        cand[j + 1] = x
    }
    for (i = 1; i <= n && i <= top; i++)
        printf "candidate\t%s\t%.0f\t%.0f\t%s\n", cand[i], v4[cand[i]], v6[cand[i]], name[cand[i]]
    printf "%s: %d listed, %d missing or renamed; %d candidates, %d shown\n", prog, nwant, bad,
        n, (n < top ? n : top) >"/dev/stderr"
    exit bad ? 1 : 0
}
function before(x, y) {
    if (v4[x] != v4[y])
        return v4[x] > v4[y]
    if (v6[x] != v6[y])
        return v6[x] > v6[y]
    return x + 0 < y + 0
}' "$tmp" "$@"
