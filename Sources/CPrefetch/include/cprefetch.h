// A cache prefetch hint, which Swift has no word for. `static inline`, so Swift inlines it.
#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for reading; never faults.
static inline void cprefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
