/* main.c - the ringscan command line: wires ingest -> graph -> algorithms -> export. */
#include <stdio.h>

int main(void)
{
    puts("ringscan");
    return 0;
}
