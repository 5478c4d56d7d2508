/* main.c — the qbath command line (placeholder until the CLI lands). */
#include <stdio.h>
int main(void) { puts("qbath"); return 0; }
