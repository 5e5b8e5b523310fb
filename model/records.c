/* records.c - names of the kinds of input record; see records.h. */
#include "model/records.h"

const char *records_table_name(table_id t)
{
    static const char *const names[TABLE_COUNT] = {"accounts", "logins",     "bids",
                                                   "ratings",  "payouts",    "charges",
                                                   "ports",    "attributes", "account_ids"};
    return (unsigned)t < TABLE_COUNT ? names[t] : "?";
}
