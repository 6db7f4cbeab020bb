# self-heal container action.
#
# Where the binary comes from is chosen with BINARY_SOURCE:
#   build     (default) compile it here with scripts/build-static.sh; this is
#             what `runs.image: Dockerfile` in the development action.yml does.
#   prebuilt  take dist/self-heal from the build context (tests and releases,
#             which already built the static binary once).
#     docker build --build-arg BINARY_SOURCE=prebuilt -t self-heal .
# BuildKit (the default builder since Docker 23, and on GitHub's runners) only
# builds the stages the final one needs, so a prebuilt build never compiles and
# a source build never looks for dist/. The legacy builder builds every stage.
#
# BASE_IMAGE must be Debian bookworm-like (apt-get, glibc 2.36): tests pass an
# image they bootstrapped themselves because they cannot pull.
ARG BASE_IMAGE=debian:bookworm-slim
ARG RUST_IMAGE=rust:1-bookworm
ARG BINARY_SOURCE=build

FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
# musl-tools: ring's C and assembly need musl-gcc for the musl target.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add x86_64-unknown-linux-musl \
 && DIST_DIR=/out scripts/build-static.sh

FROM scratch AS prebuilt
COPY dist/self-heal /out/self-heal

# Picks one of the two stages above.
# hadolint ignore=DL3006
FROM ${BINARY_SOURCE} AS binary

# Only the docker client is wanted (validation: docker talks to the runner's
# engine through its socket). Debian bookworm ships it only inside docker.io,
# together with dockerd, containerd and runc, so take the one file from there.
FROM ${BASE_IMAGE} AS docker-cli
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends docker.io \
 && rm -rf /var/lib/apt/lists/*

FROM ${BASE_IMAGE}
# git: sandbox, commit, push. ca-certificates: GitHub API and the LLM over
# TLS. python3 + pip + pytest: subprocess validation of Python projects;
# python-is-python3, because CI steps say `python -m pytest` (setup-python's
# `python`) and the failed step's command is what validation re-runs.
# Package versions follow the base image's release; pinning them would break
# at each Debian point release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      bash ca-certificates git python-is-python3 python3 python3-pip python3-pytest python3-venv \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory /github/workspace
COPY --from=docker-cli /usr/bin/docker /usr/bin/docker
COPY --from=binary /out/self-heal /usr/local/bin/self-heal
COPY entrypoint.sh /entrypoint.sh
# The container is thrown away after each run, so a repository's
# setup-command (`pip install -r requirements.txt`) may install into the
# system Python despite Debian's externally-managed marker.
ENV PIP_BREAK_SYSTEM_PACKAGES=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
ENTRYPOINT ["/entrypoint.sh"]
CMD ["run"]
