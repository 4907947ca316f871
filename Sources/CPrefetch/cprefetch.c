// The prefetch hint lives in the header (static inline); a C target needs one source file.
#include "cprefetch.h"
