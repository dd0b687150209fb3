# syntax=docker/dockerfile:1
# argocd-image-plugins: one image for both roles.
# - the generator service: `argocd-image-plugins serve` (the default command);
# - the CMP sidecar in argocd-repo-server: the pod runs Argo CD's /var/run/argocd/argocd-cmp-server,
#   which reads /home/argocd/cmp-server/config/plugin.yaml (baked in below) and runs
#   `argocd-image-plugins cmp …` from this image for each render.
#
#   docker build -t argocd-image-plugins .
#   behind a TLS-intercepting proxy:  --secret id=extra-ca,src=/path/to/proxy-ca.pem
#   without kustomize and helm (no downloads; the CMP then renders plain YAML/JSON only):
#     --build-arg RENDER_TOOLS=none
# Without a Docker engine, scripts/container-build.ts builds and checks this file with buildah.

# Pinned to an exact Node release. For reproducible production builds add the digest
# (`…-bookworm-slim@sha256:<digest>`) and let a bot such as Renovate keep both current.
ARG NODE_IMAGE=docker.io/library/node:24.21.0-bookworm-slim
# `download`: fetch kustomize and helm (pinned versions, verified checksums). `none`: leave them out.
ARG RENDER_TOOLS=download

# ---- kustomize and helm release binaries, verified against pinned SHA-256 sums -------------------
FROM ${NODE_IMAGE} AS tools-download
# The same versions Argo CD 3.6 ships in its repo-server, so the sidecar renders as the repo-server
# would; checksums from the releases' published sums (as pinned in argo-cd hack/installers/checksums).
ARG KUSTOMIZE_VERSION=5.8.1
ARG KUSTOMIZE_SHA256_AMD64=029a7f0f4e1932c52a0476cf02a0fd855c0bb85694b82c338fc648dcb53a819d
ARG KUSTOMIZE_SHA256_ARM64=0953ea3e476f66d6ddfcd911d750f5167b9365aa9491b2326398e289fef2c142
ARG KUSTOMIZE_BASE_URL=https://github.com/kubernetes-sigs/kustomize/releases/download
ARG HELM_VERSION=4.2.4
ARG HELM_SHA256_AMD64=c306b46f719b0a4da32d0f78ee21bf90ce8d602f15b22ab753f0674d1670a7f3
ARG HELM_SHA256_ARM64=564de2191b881e9f71b5606b25345821ea1682f06ab90499d3ab22b530176da1
ARG HELM_BASE_URL=https://get.helm.sh
ARG TARGETARCH
WORKDIR /downloads
# Node's fetch downloads (the base has no curl); sha256sum -c refuses anything but the pinned bytes.
RUN --mount=type=secret,id=extra-ca,required=false \
    set -eu; \
    arch="${TARGETARCH:-$(dpkg --print-architecture)}"; \
    case "$arch" in \
      amd64) kustomize_sha="$KUSTOMIZE_SHA256_AMD64"; helm_sha="$HELM_SHA256_AMD64" ;; \
      arm64) kustomize_sha="$KUSTOMIZE_SHA256_ARM64"; helm_sha="$HELM_SHA256_ARM64" ;; \
      *) echo "no pinned kustomize/helm checksums for architecture $arch" >&2; exit 1 ;; \
    esac; \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    node --input-type=module -e ' \
      import { writeFile } from "node:fs/promises"; \
      const [, ...pairs] = process.argv; \
      for (let i = 0; i < pairs.length; i += 2) { \
        const response = await fetch(pairs[i]); \
        if (!response.ok) throw new Error(`GET ${pairs[i]}: HTTP ${response.status}`); \
        await writeFile(pairs[i + 1], Buffer.from(await response.arrayBuffer())); \
      }' \
      "$KUSTOMIZE_BASE_URL/kustomize/v$KUSTOMIZE_VERSION/kustomize_v${KUSTOMIZE_VERSION}_linux_$arch.tar.gz" kustomize.tar.gz \
      "$HELM_BASE_URL/helm-v$HELM_VERSION-linux-$arch.tar.gz" helm.tar.gz; \
    printf '%s  kustomize.tar.gz\n%s  helm.tar.gz\n' "$kustomize_sha" "$helm_sha" | sha256sum -c -; \
    tar -xzf kustomize.tar.gz kustomize; \
    tar -xzf helm.tar.gz --strip-components=1 "linux-$arch/helm"; \
    mkdir -p /out; \
    install -m 0755 kustomize helm /out/; \
    rm -f kustomize.tar.gz helm.tar.gz kustomize helm

FROM ${NODE_IMAGE} AS tools-none
RUN mkdir -p /out

FROM tools-${RENDER_TOOLS} AS tools

# ---- production dependencies only ----------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no package install script runs (none of the runtime dependencies needs one).
RUN --mount=type=secret,id=extra-ca,required=false \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- the bundle: esbuild, one entry plus per-command chunks (fast start for `cmp generate`) ------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra-ca,required=false \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts scripts/build-ui.ts scripts/
COPY web/ web/
COPY src/ src/
RUN node scripts/build.ts && chmod 0755 dist/cli.mjs

# ---- runtime -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# uid/gid 999 "argocd": the uid Argo CD requires of CMP sidecars, used for the service as well.
# npm, npx, corepack and yarn are removed: the image runs one program and needs no package manager.
RUN set -eu; \
    rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*; \
    getent group 999 >/dev/null || echo 'argocd:x:999:' >> /etc/group; \
    getent passwd 999 >/dev/null || echo 'argocd:x:999:999:argocd:/home/argocd:/usr/sbin/nologin' >> /etc/passwd; \
    mkdir -p /home/argocd/cmp-server/config /home/argocd/cmp-server/plugins /var/lib/argocd-image-plugins; \
    chown 999:999 /home/argocd /home/argocd/cmp-server/plugins /var/lib/argocd-image-plugins
ENV NODE_ENV=production \
    HOME=/home/argocd
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules/ ./node_modules/
COPY --from=build /src/dist/ ./dist/
COPY --from=tools /out/ /usr/local/bin/
COPY plugin.yaml /home/argocd/cmp-server/config/plugin.yaml
RUN ln -s /app/dist/cli.mjs /usr/local/bin/argocd-image-plugins
USER 999:999
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/argocd-image-plugins"]
CMD ["serve"]
