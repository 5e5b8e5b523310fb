/* gen_main.c - ringscan-gen: the marketplace simulator as a program of its own. */
#include "datasets/gen/gen.h"

int main(int argc, char **argv)
{
    return gen_cli(argc, argv);
}
