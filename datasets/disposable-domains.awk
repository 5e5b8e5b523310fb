# disposable-domains.awk - checks datasets/disposable-domains.txt and turns it
# into the C table of disposable e-mail domains (ingest/disposable_domains.h).
#
#   LC_ALL=C awk -f datasets/disposable-domains.awk datasets/disposable-domains.txt >out.c
#
# One domain per line; '#' starts a comment (whole line or after the domain),
# blank lines are ignored. A domain is lower-case ASCII labels of letters,
# digits and '-' (not at a label's ends), at least two labels, at most 253
# characters, no trailing dot. The list must be sorted byte-wise (the program
# searches it by bisection) and free of duplicates. Every malformed line is
# reported on stderr as FILE:LINE: message and nothing is written; the exit
# status is then 1. POSIX awk (mawk and busybox awk included): no gawk
# extensions; run with LC_ALL=C so that comparisons are byte-wise.

function fail(msg) {
    printf "%s:%d: %s\n", FILENAME, FNR, msg >"/dev/stderr"
    bad = 1
}

BEGIN {
    n = 0
    bad = 0
}

{
    line = $0
    sub(/\r$/, "", line)
    sub(/#.*$/, "", line)
    gsub(/^[ \t]+|[ \t]+$/, "", line)
    if (line == "")
        next
    if (line ~ /[ \t]/) {
        fail("more than one field: \"" line "\" (one domain per line)")
        next
    }
    if (line !~ /^[a-z0-9.-]+$/) {
        fail("domain \"" line "\" holds a character other than a-z 0-9 . - (write it in lower case; IDNs in their xn-- form)")
        next
    }
    if (length(line) > 253 || line !~ /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$/) {
        fail("\"" line "\" is not a domain name (labels of a-z 0-9 and inner '-', joined by single dots, at least two)")
        next
    }
    if (line in line_of) {
        fail("duplicate domain " line " (first on line " line_of[line] ")")
        next
    }
    if (n && line < dom[n])
        fail("not sorted: " line " after " dom[n] " (line " line_of[dom[n]] ")")
    line_of[line] = FNR
    dom[++n] = line
}

END {
    if (n == 0 && !bad) {
        printf "%s: no domains\n", FILENAME >"/dev/stderr"
        bad = 1
    }
    if (bad)
        exit 1
    print "/* disposable_domains.c - generated from datasets/disposable-domains.txt by"
    print " * datasets/disposable-domains.awk: do not edit, edit the list. See"
    print " * ingest/disposable_domains.h. */"
    print "#include \"ingest/disposable_domains.h\""
    print ""
    print "static const char *const table[] = {"
    for (i = 1; i <= n; i++)
        printf "    \"%s\",\n", dom[i]
    print "};"
    print ""
    print "const char *const *disposable_domains_table(size_t *n)"
    print "{"
    print "    *n = sizeof table / sizeof *table;"
    print "    return table;"
    print "}"
}
