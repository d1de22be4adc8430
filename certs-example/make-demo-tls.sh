#!/usr/bin/env bash
# Makes DEMO-ONLY TLS certificates from the demo PKI of make-demo-pki.sh (run that first if its CAs are missing):
# the gateway's TLS server key (gateway/tls.p12, for localhost and 127.0.0.1, issued by the demo gateway CA) and,
# for each demo partner, a TLS client certificate issued by its CA (<partner>/tls-client.p12), for mutual TLS.
# Existing files are kept, so running it twice changes nothing. Every key made here is public: never use any for real.
#
# usage: certs-example/make-demo-tls.sh [DIR]               (default: the folder of this script)
#   GATEWAY_TLS_KEYSTORE_PASSWORD   password of the .p12 files (default: demo-only)
set -euo pipefail

dir="${1:-$(cd "$(dirname "$0")" && pwd)}"
password="${GATEWAY_TLS_KEYSTORE_PASSWORD:-demo-only}"
cd "$dir"

# issue CA_DIR NAME SUBJECT EXTENSIONS   (a key and certificate DIR/NAME.{key,pem} with a PKCS#12 beside them)
issue() {
  if [ -f "$1/$2.p12" ]; then
    return
  fi
  openssl req -new -newkey rsa:2048 -nodes -keyout "$1/$2.key" -out "$1/$2.csr" -subj "$3" 2>/dev/null
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial \
    -out "$1/$2.pem" -days 825 -extfile <(printf '%s\n' "$4") 2>/dev/null
  openssl pkcs12 -export -in "$1/$2.pem" -inkey "$1/$2.key" -certfile "$1/ca.pem" -name "$2" \
    -out "$1/$2.p12" -passout "pass:$password"
  rm -f "$1/$2.csr" "$1/ca.srl"
}

issue gateway tls "/C=XX/O=CBEC Gateway (DEMO ONLY)/CN=localhost" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
for partner in cn-gacc sg-customs; do
  issue "$partner" tls-client "/O=$partner access point (DEMO ONLY)/CN=$partner-as4" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
done
echo "Demo TLS keys in $dir/gateway/tls.p12 and */tls-client.p12 (DEMO ONLY: these keys are public)."
