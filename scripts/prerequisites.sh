#!/usr/bin/env bash
# What the build, the tests and the demo need beyond the JDK and the Maven wrapper: Debian's Go and
# govmomi source for the vCenter simulator, and Debian's Python Avro and Kafka clients for the Python example
# (examples/python, run by the examples module's test). Idempotent; installs only what is missing.
set -euo pipefail
command -v java >/dev/null || { echo "prerequisites: a JDK 17 is required (java not found)" >&2; exit 1; }
missing=()
command -v go >/dev/null || missing+=(golang-go)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || missing+=(golang-github-vmware-govmomi-dev)
/usr/bin/python3 -c 'import avro' 2>/dev/null || missing+=(python3-avro)
/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null || missing+=(python3-confluent-kafka)
# the dashboard's browser test (e2e DashboardBrowserIT): headless Chromium driven by Debian's chromedriver
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "prerequisites: installing ${missing[*]} from Debian's packages"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
