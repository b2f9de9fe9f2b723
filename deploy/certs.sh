#!/bin/sh
# First start of the compose stack (and every start after: it only fills what is missing): a private
# CA for the Temporal cluster, the frontend's server certificate, one client certificate per component
# that may talk to Temporal (api, worker, ui, admin), and the Temporal UI's basic-auth file. The CA key
# stays in the `temporal-ca` volume, which no other service mounts. Rotation: README, "Security".
set -eu
apk add --no-cache openssl >/dev/null
CA=/ca
OUT=/certs
DAYS="${CERT_DAYS:-397}"
umask 077
mkdir -p "$CA" "$OUT"
if [ ! -f "$CA/ca.key" ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 3650 -subj "/CN=smog-response Temporal CA" \
    -keyout "$CA/ca.key" -out "$CA/ca.pem"
fi
cp "$CA/ca.pem" "$OUT/ca.pem"
issue() { # name, subject CN, extensions
  [ -f "$OUT/$1.pem" ] && [ -f "$OUT/$1.key" ] && openssl x509 -checkend 2592000 -noout -in "$OUT/$1.pem" && return 0
  openssl req -newkey rsa:2048 -sha256 -nodes -subj "/CN=$2" -keyout "$OUT/$1.key" -out "$OUT/$1.csr"
  printf '%s\n' "$3" > "$OUT/$1.ext"
  openssl x509 -req -in "$OUT/$1.csr" -CA "$CA/ca.pem" -CAkey "$CA/ca.key" -CAcreateserial -sha256 \
    -days "$DAYS" -extfile "$OUT/$1.ext" -out "$OUT/$1.pem"
  rm -f "$OUT/$1.csr" "$OUT/$1.ext"
}
issue temporal temporal "subjectAltName=DNS:temporal,DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth,clientAuth"
for c in api worker ui admin; do issue "$c" "smog-$c" "extendedKeyUsage=clientAuth"; done
# the Temporal UI's login (nginx basic auth), from TEMPORAL_UI_PASSWORD
printf 'smog:%s\n' "$(openssl passwd -apr1 "$TEMPORAL_UI_PASSWORD")" > "$OUT/ui.htpasswd"
# readable by the services' own users (node, temporal, nginx); the directory is mounted read-only
chmod 0644 "$OUT"/*.pem "$OUT"/*.key "$OUT/ui.htpasswd"
echo "certificates in the temporal-certs volume:"; ls "$OUT"
