#include "include/placeholder.h"
int ctrancheproto_placeholder(void) { return 0; }
