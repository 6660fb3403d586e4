#!/usr/bin/env bash
# Offline checks of the deployment files (no Docker engine or cluster needed):
# docker-compose.yml parses and resolves, and both kustomizations render.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "deploy: installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}

need docker-compose docker-compose
docker-compose -f docker-compose.yml config -q
echo "deploy: docker-compose.yml is valid"

need kubectl kubectl
for k in deploy/k8s/base deploy/k8s/overlays/keda; do
  rendered=$(kubectl kustomize "$k")
  kinds=$(grep -c '^kind:' <<<"$rendered")
  echo "deploy: $k renders ($kinds objects)"
done
