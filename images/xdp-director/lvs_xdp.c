// lvs_xdp: LVS-DR in XDP, LvsLab's in-kernel peer. A frame for a virtual service (IPv4, TCP or
// UDP, sent to this interface's MAC) gets the MAC of a real server chosen by a hash and goes
// straight back out of the interface it came in on (XDP_TX); the IP packet is not touched.
// Everything else (ARP, the director's own traffic, fragments, other addresses) goes on to the
// kernel (XDP_PASS). A frame for a service whose headers do not hold up (IPv4 header checksum,
// lengths) is dropped, never forwarded.
//
// Scheduling is a hash, not a counter: a service's real servers fill a ring of slots (each
// repeated by its weight) and a flow takes slot hash % slots, so every packet of a connection
// goes to the same real server with no connection table. The hash covers the 5-tuple, or the
// client's address alone for a source-hashing (sh) service.
//
// The maps are filled by xdp-loader from what lvs-xdp makes of the rules (see xdp-loader.c).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lvs_xdp.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, LVS_XDP_MAX_SERVICES);
    __type(key, struct lvs_service_key);
    __type(value, struct lvs_service);
} services SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, LVS_XDP_RING_SLOTS);
    __type(key, __u32);
    __type(value, struct lvs_mac);
} ring SEC(".maps");

// Entry 0: this interface's own MAC (the only destination MAC forwarded, and the new source).
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct lvs_mac);
} self SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LVS_STAT_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 which)
{
    __u64 *n = bpf_map_lookup_elem(&stats, &which);
    if (n)
        *n += 1;
}

static __always_inline int same_mac(const __u8 *a, const __u8 *b)
{
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) | (a[5] ^ b[5])) == 0;
}

// A 32-bit finaliser (xor-shift-multiply): every input bit moves every output bit.
static __always_inline __u32 mix(__u32 h)
{
    h ^= h >> 16;
    h *= 0x7feb352dU;
    h ^= h >> 15;
    h *= 0x846ca68bU;
    h ^= h >> 16;
    return h;
}

// The one's-complement sum of the IPv4 header, hlen bytes (20..60, even), is 0xffff when the
// checksum is right. The loop has a constant bound, so the verifier can see it ends (kernel 5.3+).
static __always_inline int ip_checksum_ok(const struct iphdr *ip, const void *end, __u32 hlen)
{
    const __u16 *word = (const __u16 *)ip;
    __u32 sum = 0;
    for (__u32 i = 0; i < 30; i++) {
        if (i * 2 >= hlen)
            break;
        const __u16 *next = word + 1;
        // Keeps the compiler from folding the bounds check into arithmetic on the end pointer,
        // which the verifier refuses.
        asm volatile("" : "+r"(next));
        if ((const void *)next > end)
            return 0;
        sum += *word;
        word = next;
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

SEC("xdp")
int lvs_dr(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    __u32 zero = 0;

    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct lvs_mac *own = bpf_map_lookup_elem(&self, &zero);
    if (!own || !same_mac(eth->h_dest, own->addr))
        return XDP_PASS;

    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl < 5)
        return XDP_PASS;
    if (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP)
        return XDP_PASS;
    // A fragment: later ones carry no ports. The kernel gets them all.
    if (ip->frag_off & bpf_htons(0x3fff))
        return XDP_PASS;

    __u32 hlen = (__u32)ip->ihl * 4;
    __u8 *l4 = (__u8 *)ip + hlen;
    if ((void *)(l4 + 4) > end)
        return XDP_PASS;
    __u16 sport = *(__u16 *)l4;
    __u16 dport = *(__u16 *)(l4 + 2);

    struct lvs_service_key key = { .vip = ip->daddr, .port = dport, .proto = ip->protocol };
    struct lvs_service *service = bpf_map_lookup_elem(&services, &key);
    if (!service)
        return XDP_PASS;

    // For the service from here: forward only what holds up, drop the rest.
    __u32 total = bpf_ntohs(ip->tot_len);
    if (!ip_checksum_ok(ip, end, hlen) || (void *)((__u8 *)ip + total) > end) {
        count(LVS_STAT_MALFORMED);
        return XDP_DROP;
    }
    if (ip->protocol == IPPROTO_TCP) {
        struct tcphdr *tcp = (void *)l4;
        if ((void *)(tcp + 1) > end || tcp->doff < 5 || hlen + (__u32)tcp->doff * 4 > total) {
            count(LVS_STAT_MALFORMED);
            return XDP_DROP;
        }
    } else {
        struct udphdr *udp = (void *)l4;
        __u32 ulen;
        if ((void *)(udp + 1) > end || (ulen = bpf_ntohs(udp->len)) < 8 || hlen + ulen > total) {
            count(LVS_STAT_MALFORMED);
            return XDP_DROP;
        }
    }

    __u32 slots = service->slots;
    if (slots == 0 || slots > LVS_XDP_RING_SLOTS) {
        count(LVS_STAT_NO_SERVER);
        return XDP_DROP;
    }
    __u32 hash = mix(ip->saddr);
    if (!(service->flags & LVS_SERVICE_SOURCE_HASH))
        hash = mix(hash ^ mix(ip->daddr ^ ((__u32)ip->protocol << 24)) ^ (((__u32)sport << 16) | dport));
    __u32 slot = service->first + hash % slots;
    struct lvs_mac *server = bpf_map_lookup_elem(&ring, &slot);
    if (!server) {
        count(LVS_STAT_NO_SERVER);
        return XDP_DROP;
    }

    __builtin_memcpy(eth->h_dest, server->addr, ETH_ALEN);
    __builtin_memcpy(eth->h_source, own->addr, ETH_ALEN);
    count(LVS_STAT_FORWARDED);
    return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
