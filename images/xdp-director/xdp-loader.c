// xdp-loader: loads lvs_xdp.o, fills its maps from a plan on standard input (what lvs-xdp makes
// of the rules), attaches it to one interface, prints the readiness line and holds the program
// until SIGTERM or SIGINT, then detaches it and prints the counters.
//
//   xdp-loader OBJECT INTERFACE generic|native < PLAN
//
// The plan, one item a line (addresses dotted, ports decimal, MACs colon-separated hex):
//   service VIP PORT tcp|udp flow|source FIRST SLOTS
//   slot INDEX MAC
// Exit 2 on a bad plan, 1 when the kernel refuses the program or the attachment.
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lvs_xdp.h"

static volatile sig_atomic_t stopping;

static void on_signal(int signal)
{
    (void)signal;
    stopping = 1;
}

static int parse_mac(const char *text, __u8 mac[6])
{
    unsigned int b[6];
    char tail;
    if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (__u8)b[i];
    return 0;
}

static int read_own_mac(const char *interface, __u8 mac[6])
{
    char path[128], text[32];
    snprintf(path, sizeof path, "/sys/class/net/%s/address", interface);
    FILE *file = fopen(path, "r");
    if (!file)
        return -1;
    int ok = fgets(text, sizeof text, file) != NULL;
    fclose(file);
    if (!ok)
        return -1;
    text[strcspn(text, "\n")] = 0;
    return parse_mac(text, mac);
}

static int map_fd(struct bpf_object *object, const char *name)
{
    struct bpf_map *map = bpf_object__find_map_by_name(object, name);
    return map ? bpf_map__fd(map) : -1;
}

// Fills services and ring from the plan; returns the number of services, or -1 (reported).
static int load_plan(FILE *plan, int services_fd, int ring_fd)
{
    char line[256];
    int number = 0, count = 0;
    while (fgets(line, sizeof line, plan)) {
        number++;
        line[strcspn(line, "\n")] = 0;
        char kind[16], a[64], b[64], c[16], d[16];
        unsigned int first, slots, port, index;
        if (line[0] == 0 || line[0] == '#')
            continue;
        if (sscanf(line, "%15s", kind) != 1)
            continue;
        if (strcmp(kind, "service") == 0) {
            struct lvs_service_key key = { 0 };
            struct lvs_service value = { 0 };
            struct in_addr vip;
            if (sscanf(line, "service %63s %u %15s %15s %u %u", a, &port, c, d, &first, &slots) != 6
                || inet_pton(AF_INET, a, &vip) != 1 || port == 0 || port > 65535
                || (strcmp(c, "tcp") != 0 && strcmp(c, "udp") != 0)
                || (strcmp(d, "flow") != 0 && strcmp(d, "source") != 0)
                || (__u64)first + slots > LVS_XDP_RING_SLOTS) {
                fprintf(stderr, "xdp-director: plan line %d: '%s' is not 'service VIP PORT tcp|udp flow|source FIRST SLOTS'\n", number, line);
                return -1;
            }
            key.vip = vip.s_addr;
            key.port = htons((__u16)port);
            key.proto = strcmp(c, "tcp") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
            value.first = first;
            value.slots = slots;
            value.flags = strcmp(d, "source") == 0 ? LVS_SERVICE_SOURCE_HASH : 0;
            if (bpf_map_update_elem(services_fd, &key, &value, BPF_ANY) != 0) {
                fprintf(stderr, "xdp-director: plan line %d: the services map refused it: %s\n", number, strerror(errno));
                return -1;
            }
            count++;
        } else if (strcmp(kind, "slot") == 0) {
            struct lvs_mac mac = { 0 };
            if (sscanf(line, "slot %u %63s", &index, b) != 2 || index >= LVS_XDP_RING_SLOTS || parse_mac(b, mac.addr) != 0) {
                fprintf(stderr, "xdp-director: plan line %d: '%s' is not 'slot INDEX MAC'\n", number, line);
                return -1;
            }
            if (bpf_map_update_elem(ring_fd, &index, &mac, BPF_ANY) != 0) {
                fprintf(stderr, "xdp-director: plan line %d: the ring map refused it: %s\n", number, strerror(errno));
                return -1;
            }
        } else {
            fprintf(stderr, "xdp-director: plan line %d: unknown item '%s'\n", number, kind);
            return -1;
        }
    }
    return count;
}

static __u64 stat_total(int stats_fd, __u32 which)
{
    int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0 || cpus > 4096)
        return 0;
    __u64 values[cpus];
    __u64 total = 0;
    if (bpf_map_lookup_elem(stats_fd, &which, values) != 0)
        return 0;
    for (int i = 0; i < cpus; i++)
        total += values[i];
    return total;
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[3], "generic") != 0 && strcmp(argv[3], "native") != 0)) {
        fprintf(stderr, "usage: xdp-loader OBJECT INTERFACE generic|native < PLAN\n");
        return 2;
    }
    const char *path = argv[1], *interface = argv[2];
    __u32 flags = strcmp(argv[3], "generic") == 0 ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
    int ifindex = (int)if_nametoindex(interface);
    if (ifindex == 0) {
        fprintf(stderr, "xdp-director: no interface '%s'\n", interface);
        return 2;
    }
    struct lvs_mac own = { 0 };
    if (read_own_mac(interface, own.addr) != 0) {
        fprintf(stderr, "xdp-director: cannot read the MAC of %s\n", interface);
        return 2;
    }

    libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
    struct bpf_object *object = bpf_object__open_file(path, NULL);
    if (!object) {
        fprintf(stderr, "xdp-director: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (bpf_object__load(object) != 0) {
        fprintf(stderr, "xdp-director: the kernel refused %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct bpf_program *program = bpf_object__find_program_by_name(object, "lvs_dr");
    int services_fd = map_fd(object, "services"), ring_fd = map_fd(object, "ring");
    int self_fd = map_fd(object, "self"), stats_fd = map_fd(object, "stats");
    if (!program || services_fd < 0 || ring_fd < 0 || self_fd < 0 || stats_fd < 0) {
        fprintf(stderr, "xdp-director: %s lacks the program lvs_dr or one of its maps\n", path);
        return 1;
    }
    __u32 zero = 0;
    if (bpf_map_update_elem(self_fd, &zero, &own, BPF_ANY) != 0) {
        fprintf(stderr, "xdp-director: the self map refused the MAC: %s\n", strerror(errno));
        return 1;
    }
    int services = load_plan(stdin, services_fd, ring_fd);
    if (services < 0)
        return 2;

    struct sigaction action = { 0 };
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    if (bpf_xdp_attach(ifindex, bpf_program__fd(program), flags, NULL) != 0) {
        fprintf(stderr, "xdp-director: attaching to %s in %s mode failed: %s\n", interface, argv[3], strerror(errno));
        return 1;
    }
    printf("xdp-director: %d service(s) on %s (%02x:%02x:%02x:%02x:%02x:%02x), XDP %s mode\n", services, interface,
        own.addr[0], own.addr[1], own.addr[2], own.addr[3], own.addr[4], own.addr[5], argv[3]);
    printf("xdp-director: ready\n");
    fflush(stdout);

    while (!stopping)
        pause();

    int detached = bpf_xdp_detach(ifindex, flags, NULL);
    printf("xdp-director: detached from %s%s; forwarded %llu, dropped malformed %llu, dropped without a server %llu\n",
        interface, detached == 0 ? "" : " (detach failed)",
        (unsigned long long)stat_total(stats_fd, LVS_STAT_FORWARDED),
        (unsigned long long)stat_total(stats_fd, LVS_STAT_MALFORMED),
        (unsigned long long)stat_total(stats_fd, LVS_STAT_NO_SERVER));
    bpf_object__close(object);
    return 0;
}
