#!/usr/bin/env bash
# Builds the offline base image for LvsLab (no container registry needed).
#
#   bash images/base/bootstrap.sh [--force] [TAG]      (default TAG: lvslab/base:bookworm)
#
# debootstrap (minbase) makes a Debian bookworm root from the Debian mirror this host's
# apt already uses, the rootfs gets an apt source list pointing at that same mirror (so
# `apt-get update && apt-get install` works in images built FROM it), and the tree is
# imported with `docker import`. Exits 0 at once when TAG already exists, unless --force.
# Needs root (debootstrap creates device nodes and chroots).
#
# Environment: LVSLAB_DEBIAN_MIRROR (and LVSLAB_DEBIAN_SECURITY_MIRROR) override the mirror
# read from /etc/apt/sources.list and /etc/apt/sources.list.d/*.{list,sources}.
set -euo pipefail

SUITE=bookworm
DEFAULT_TAG="lvslab/base:${SUITE}"
FALLBACK_MIRROR="http://deb.debian.org/debian"
# Packages every lab image uses, preinstalled so later image builds only add a few.
INCLUDE="ca-certificates,iproute2,iputils-ping,procps,ethtool,tcpdump"

usage() {
    echo "usage: $0 [--force] [TAG]   (default TAG: ${DEFAULT_TAG})" >&2
}

orig_args="$*"
force=0
tag=""
while [ $# -gt 0 ]; do
    case "$1" in
        -f|--force) force=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "bootstrap: unknown option: $1" >&2; usage; exit 2 ;;
        *)
            if [ -n "$tag" ]; then echo "bootstrap: more than one TAG given" >&2; usage; exit 2; fi
            tag="$1" ;;
    esac
    shift
done
tag="${tag:-$DEFAULT_TAG}"

t_start=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
log() { echo "bootstrap: $*"; }
die() { echo "bootstrap: error: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker CLI not found"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
    || die "cannot reach the Docker engine (is dockerd running? permission on /var/run/docker.sock?)"

if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    log "image $tag already exists; nothing to do (use --force to rebuild)"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap needs it); try: sudo bash $0 $orig_args"
command -v debootstrap >/dev/null 2>&1 \
    || die "debootstrap not found; install it with: apt-get install -y debootstrap"

# --- Find the Debian mirror this host's apt uses --------------------------------------
# Prints "SUITE URI" pairs for every enabled 'deb' source, from one-line *.list files and
# deb822 *.sources files. Other files (e.g. *.disabled) are not read by apt, nor here.
host_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '
            { sub(/#.*/, "") }
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if (i + 1 <= NF) print $(i + 1), $i
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush(   n, s, u, i, j) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^[ \t]*no/) {
                    n = split(suites, s, /[ \t]+/)
                    split(uris, u, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (s[i] != "") {
                        for (j = 1; u[j] == "" && j < 10; j++) ;
                        if (u[j] != "") print s[i], u[j]
                    }
                }
                types = uris = suites = enabled = ""; field = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[A-Za-z-]+:/ {
                field = tolower(substr($0, 1, index($0, ":") - 1))
                val = substr($0, index($0, ":") + 1)
                if (field == "types") types = val
                else if (field == "uris") uris = val
                else if (field == "suites") suites = val
                else if (field == "enabled") enabled = val
                next
            }
            END { flush() }' "$f"
    done
}

sources=$(host_sources || true)
# LVSLAB_DEBIAN_MIRROR overrides the mirror found in the host's apt configuration.
pick() { printf '%s\n' "$sources" | awk -v s="$1" '$1 == s { sub(/\/+$/, "", $2); print $2; exit }'; }
mirror=$(pick "$SUITE")
updates_mirror=$(pick "${SUITE}-updates")
security_mirror=$(pick "${SUITE}-security")
if [ -n "${LVSLAB_DEBIAN_MIRROR:-}" ]; then
    mirror="${LVSLAB_DEBIAN_MIRROR%/}"
    updates_mirror="$mirror"
    security_mirror="${LVSLAB_DEBIAN_SECURITY_MIRROR:-}"
    log "mirror from LVSLAB_DEBIAN_MIRROR: $mirror"
elif [ -z "$mirror" ]; then
    mirror="$FALLBACK_MIRROR"
    log "no '${SUITE}' source found in this host's apt configuration; using $mirror"
else
    log "mirror from host apt configuration: $mirror"
fi
[ -n "$security_mirror" ] && log "security mirror: $security_mirror"

# --- Build the rootfs (always removed, also on failure or interrupt) --------------------
workdir=""
child=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$child" ]; then
        # Interrupted during debootstrap: stop it and everything it started (dpkg, wget).
        kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 -- "-$child" 2>/dev/null || break; sleep 0.1; done
    fi
    if [ -n "$workdir" ] && [ -d "$workdir" ]; then
        # debootstrap mounts /proc and /sys inside the target; never delete through a mount.
        awk -v r="$workdir/" 'index($2 "/", r) == 1 { print $2 }' /proc/self/mounts \
            | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
        rm -rf --one-file-system "$workdir"
        log "removed $workdir"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

workdir=$(mktemp -d /var/tmp/lvslab-base.XXXXXX)
rootfs="$workdir/rootfs"
mkdir -m 755 "$rootfs"

t_debootstrap=$(date +%s.%N)
log "debootstrap --variant=minbase ${SUITE} into $rootfs (include: $INCLUDE)"
keyring_opt=()
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] \
    && keyring_opt=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
# In its own process group, waited for with `wait`, so a TERM/INT to this script runs the
# cleanup trap at once (bash defers traps while a foreground child runs).
setsid --wait debootstrap --variant=minbase "${keyring_opt[@]}" --include="$INCLUDE" \
    "$SUITE" "$rootfs" "$mirror" >"$workdir/debootstrap.log" 2>&1 </dev/null &
child=$!
rc=0
wait "$child" || rc=$?
child=""
if [ "$rc" -ne 0 ]; then
    tail -n 30 "$workdir/debootstrap.log" >&2 || true
    die "debootstrap failed with status $rc (mirror $mirror)"
fi
log "debootstrap done in $(elapsed "$t_debootstrap")"

# apt sources: the same mirror(s) the host uses, so images built FROM this base can install.
{
    echo "# Written by LvsLab images/base/bootstrap.sh: the mirrors of the build host."
    echo "deb $mirror $SUITE main"
    [ -n "$updates_mirror" ] && echo "deb $updates_mirror ${SUITE}-updates main"
    [ -n "$security_mirror" ] && echo "deb $security_mirror ${SUITE}-security main"
} >"$rootfs/etc/apt/sources.list"
rm -f "$rootfs"/etc/apt/sources.list.d/*

# Container-friendly apt and dpkg: no service starts, no cached .debs, no docs to unpack.
cat >"$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# No init system in a container: do not start services from package scripts.
exit 101
EOF
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
Acquire::Languages "none";
EOF
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF

# Nothing of this host in the image; Docker provides resolv.conf, hosts and hostname.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb \
       "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log "$rootfs"/tmp/* "$rootfs"/root/.cache
rm -rf "$rootfs"/usr/share/doc/*/changelog* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
: >"$rootfs/etc/resolv.conf"
: >"$rootfs/etc/hostname"
[ -f "$rootfs/etc/machine-id" ] && : >"$rootfs/etc/machine-id"

size=$(du -sh --one-file-system "$rootfs" | cut -f1)
t_import=$(date +%s.%N)
log "importing rootfs ($size) as $tag"
tar --numeric-owner --xattrs -C "$rootfs" -c . | docker import \
    --change 'LABEL lvslab.image=base' \
    --change "LABEL lvslab.base.suite=${SUITE} lvslab.base.mirror=${mirror}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    - "$tag" >/dev/null
log "import done in $(elapsed "$t_import")"
log "built $tag in $(elapsed "$t_start") total"
