# hosting-asns.awk - checks datasets/hosting-asns.csv and turns it into the C
# table of built-in hosting and VPN networks (algorithms/hosting_asns.h).
#
#   awk -f datasets/hosting-asns.awk datasets/hosting-asns.csv >hosting_asns.c
#   awk -v out=tsv -f datasets/hosting-asns.awk FILE   # asn<TAB>kind<TAB>name lines
#
# The file is a plain RFC 4180 CSV with the header asn,kind,name,source and one
# row per ASN, sorted by asn. Every malformed row is reported on stderr as
# FILE:LINE: message and nothing is written; the exit status is then 1. POSIX
# awk (mawk and busybox awk included): no gawk extensions.

# csv_split(s, f) - splits one CSV record into f[1..n] and returns n, or -1
# when a quote is misplaced or unterminated (records never span lines here).
function csv_split(s, f,    n, len, i, j, c, fld) {
    if (index(s, "\"") == 0)
        return split(s, f, ",")
    n = 0
    len = length(s)
    i = 1
    while (1) {
        fld = ""
        if (substr(s, i, 1) == "\"") {
            i++
            while (1) {
                j = index(substr(s, i), "\"")
                if (j == 0)
                    return -1
                fld = fld substr(s, i, j - 1)
                i += j
                if (substr(s, i, 1) != "\"")
                    break
                fld = fld "\""
                i++
            }
            c = substr(s, i, 1)
            if (c != "," && c != "")
                return -1
        } else {
            j = index(substr(s, i), ",")
            fld = j ? substr(s, i, j - 1) : substr(s, i)
            if (index(fld, "\""))
                return -1
            i += length(fld)
        }
        f[++n] = fld
        if (i > len)
            return n
        i++ # the comma
        if (i > len) {
            f[++n] = ""
            return n
        }
    }
}

function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg >"/dev/stderr"
    bad = 1
}

BEGIN {
    kinds["hosting"] = kinds["vpn"] = kinds["proxy"] = kinds["tor"] = 1
    n = 0
    bad = 0
}

{ sub(/\r$/, "") }

FNR == 1 {
    if ($0 != "asn,kind,name,source")
        fail("header is \"" $0 "\", expected \"asn,kind,name,source\"")
    next
}

{
    nf = csv_split($0, f)
    if (nf < 0) { fail("misplaced or unterminated quote"); next }
    if (nf != 4) { fail(nf " fields, expected 4 (asn,kind,name,source; quote commas)"); next }
    a = f[1]
    if (a !~ /^[1-9][0-9]*$/ || length(a) > 10 || a + 0 > 4294967295) {
        fail("asn \"" a "\" is not a number from 1 to 4294967295")
        next
    }
    s_asn = a
    a += 0
    if (a == 23456 || (a >= 64496 && a <= 131071) || a >= 4200000000) {
        fail("asn " s_asn " is reserved, private or for documentation")
        next
    }
    if (!(f[2] in kinds))
        fail("asn " s_asn ": kind \"" f[2] "\" is not one of hosting, vpn, proxy, tor")
    if (f[3] == "")
        fail("asn " s_asn ": empty name")
    if (f[4] == "")
        fail("asn " s_asn ": empty source")
    if (s_asn in line_of) {
        fail("duplicate asn " s_asn " (first on line " line_of[s_asn] ")")
        next
    }
    if (n && a < asn[n])
        fail("not sorted: asn " s_asn " after " asn_s[n] " (line " line_of[asn_s[n]] ")")
    line_of[s_asn] = FNR
    asn[++n] = a
    asn_s[n] = s_asn
    kind[n] = f[2]
    name[n] = f[3]
}

END {
    if (FNR == 0 && !bad) {
        printf "%s: empty file\n", FILENAME >"/dev/stderr"
        bad = 1
    }
    if (n == 0 && !bad) {
        printf "%s: no rows\n", FILENAME >"/dev/stderr"
        bad = 1
    }
    if (bad)
        exit 1
    if (out == "tsv") {
        for (i = 1; i <= n; i++)
            printf "%s\t%s\t%s\n", asn_s[i], kind[i], name[i]
        exit 0
    }
    print "/* hosting_asns.c - generated from datasets/hosting-asns.csv by"
    print " * datasets/hosting-asns.awk: do not edit, edit the CSV. See"
    print " * algorithms/hosting_asns.h. */"
    print "#include \"algorithms/hosting_asns.h\""
    print ""
    print "#include \"algorithms/detect_params.h\""
    print ""
    print "static const uint32_t table[] = {"
    for (i = 1; i <= n; i++) {
        # Comments hold only harmless characters: no "*/", no trigraphs.
        c = name[i]
        gsub(/[^A-Za-z0-9 .,&()'+-]/, "_", c)
        printf "    %su, /* %s: %s */\n", asn_s[i], kind[i], c
    }
    print "};"
    print ""
    print "_Static_assert(sizeof table / sizeof *table <= DETECT_MAX_LIST,"
    print "               \"datasets/hosting-asns.csv has more rows than DETECT_MAX_LIST\");"
    print ""
    print "const uint32_t *hosting_asns_table(size_t *n)"
    print "{"
    print "    *n = sizeof table / sizeof *table;"
    print "    return table;"
    print "}"
}
