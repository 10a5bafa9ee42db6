#!/bin/sh
# Run once by docker/compose.yaml's init-secrets service: makes the
# stack's secrets and a private CA with a certificate for mailpit (the
# SMTP catcher), in the shared /run/spamgate volume. Keeps what exists.
set -eu
cd /run/spamgate
umask 077
[ -s shared-secret ] || openssl rand -hex 32 > shared-secret
[ -s smtp-password ] || openssl rand -hex 16 > smtp-password
printf 'spamgate:%s\n' "$(cat smtp-password)" > smtp-auth
# Redis AUTH for the two spamgate nodes: they read redis-password, the redis
# service includes redis-auth.conf (docker/redis.conf).
[ -s redis-password ] || openssl rand -hex 32 > redis-password
printf 'requirepass %s\n' "$(cat redis-password)" > redis-auth.conf
if [ ! -s mailpit.crt ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=spamgate compose CA" \
    -keyout ca.key -out ca.crt
  openssl req -newkey rsa:2048 -nodes -subj "/CN=mailpit" -keyout mailpit.key -out mailpit.csr
  printf 'subjectAltName=DNS:mailpit\nextendedKeyUsage=serverAuth\n' > mailpit.ext
  openssl x509 -req -in mailpit.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
    -extfile mailpit.ext -out mailpit.crt
  rm -f mailpit.csr mailpit.ext ca.key
fi
# spamgate (uid of its image's user), mailpit, redis and PHP read these.
chmod 0444 shared-secret smtp-password smtp-auth redis-password redis-auth.conf ca.crt mailpit.crt mailpit.key
