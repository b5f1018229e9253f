#!/usr/bin/env bash
# Installs the Debian packages the integration tests drive (real servers and real clients).
# Idempotent: packages already present are not fetched again. Needs root (CI runs as root).
set -euo pipefail

packages=(
  # curl: the README's demo and the CLI tests use a real HTTP client besides HttpClient.
  curl
  # redis-server, redis-tools: the redis protocol's tests run a real server and redis-cli through the proxy.
  redis-server
  redis-tools
  # memcached, libmemcached-tools: the memcache protocol's tests (memccat, memccp, memcslap).
  memcached
  libmemcached-tools
  # mariadb-server, mariadb-client: the mysql protocol's tests run mariadbd and the mariadb command line client.
  mariadb-server
  mariadb-client
  # postgresql: the postgres protocol's tests run a throwaway cluster (initdb, postgres) and psql.
  postgresql
  # openssl: the postgres tests make a throwaway TLS certificate to show TLS is relayed untouched.
  openssl
  # python3-aiosmtpd: the smtp protocol's backend (/usr/bin/python3 -m aiosmtpd), and smtplib as a client.
  python3-aiosmtpd
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present (${packages[*]})"
  exit 0
fi

echo "test dependencies: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
