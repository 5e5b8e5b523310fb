/* eval_main.c - ringscan-eval: scores ringscan's outputs against simulator truth. */
#include "datasets/eval/eval.h"

int main(int argc, char **argv)
{
    return eval_cli(argc, argv);
}
