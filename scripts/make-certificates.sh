#!/usr/bin/env bash
# Makes a test PKI for the RTE reporting API over mutual TLS, in the directory given (default
# ./certs): a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate
# signed by the CA; also a second, unrelated CA and a client certificate of its own (a client
# the server must refuse). For tests and the demo only: RTE provides the real certificates.
#   scripts/make-certificates.sh [dir] [client-days]
set -euo pipefail
dir=${1:-certs}
client_days=${2:-365}
mkdir -p "$dir"
cd "$dir"
subject() { echo "/C=FR/O=energy-host test/CN=$1"; }
key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "$(subject 'test RTE CA')" -out ca.pem

key server.key
openssl req -new -key server.key -subj "$(subject localhost)" -out server.csr
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 -extfile server.ext -out server.pem 2>/dev/null

key client.key
openssl req -new -key client.key -subj "$(subject client42_site7)" -out client.csr
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days "$client_days" -sha256 -extfile client.ext -out client.pem 2>/dev/null

key rogue-ca.key
openssl req -x509 -new -key rogue-ca.key -sha256 -days 3650 -subj "$(subject 'rogue CA')" -out rogue-ca.pem
key rogue-client.key
openssl req -new -key rogue-client.key -subj "$(subject rogue)" -out rogue-client.csr
openssl x509 -req -in rogue-client.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -days 365 -sha256 -extfile client.ext -out rogue-client.pem 2>/dev/null

rm -f ./*.csr ./*.ext ./*.srl
echo "certificates in $dir: ca.pem, server.pem/.key, client.pem/.key (${client_days} days), rogue-ca.pem, rogue-client.pem/.key"
