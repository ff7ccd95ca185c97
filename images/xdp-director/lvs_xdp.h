// What lvs_xdp.c (the XDP program) and xdp-loader.c (its loader) share: the maps' layout.
#ifndef LVS_XDP_H
#define LVS_XDP_H

#include <linux/types.h>

#define LVS_XDP_MAX_SERVICES 256
#define LVS_XDP_RING_SLOTS 65536

// A service's hash covers the client's address only (sh), not the 5-tuple.
#define LVS_SERVICE_SOURCE_HASH 1

enum {
    LVS_STAT_FORWARDED,
    LVS_STAT_MALFORMED,
    LVS_STAT_NO_SERVER,
    LVS_STAT_COUNT,
};

// Network byte order, as the packet has them.
struct lvs_service_key {
    __u32 vip;
    __u16 port;
    __u8 proto;
    __u8 pad;
};

// The service's real servers are ring[first .. first + slots).
struct lvs_service {
    __u32 first;
    __u32 slots;
    __u32 flags;
};

struct lvs_mac {
    __u8 addr[6];
    __u8 pad[2];
};

#endif
