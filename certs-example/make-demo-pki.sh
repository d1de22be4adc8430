#!/usr/bin/env bash
# Makes the DEMO-ONLY PKI of CBEC Gateway: for each demo partner administration a certificate
# authority and a message signer, for the gateway its own CA and signing key in PKCS#12, and for the
# built-in DEMO time-stamping authority (gateway.evidence.tsa.url empty) its CA and TSA key.
# Every key made here is published in the repository: never use any of them for real traffic.
#
# usage: certs-example/make-demo-pki.sh [OUTPUT_DIR]        (default: the folder of this script)
#   GATEWAY_KEYSTORE_PASSWORD   password of gateway/gateway.p12 (default: demo-only)
#   GATEWAY_SIGNER_PASSWORD     password of each partner's signer.p12 (default: demo-only)
# 'java -jar target/cbec-gateway.jar certs init' makes the same files in Java: keep the two in step.
set -euo pipefail

out="${1:-$(cd "$(dirname "$0")" && pwd)}"
password="${GATEWAY_KEYSTORE_PASSWORD:-demo-only}"
signer_password="${GATEWAY_SIGNER_PASSWORD:-demo-only}"
days_ca=3650
days_signer=1825

mkdir -p "$out"
cd "$out"

ext_ca="basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash"
ext_signer="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"

# make_ca DIR SUBJECT
make_ca() {
  mkdir -p "$1"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$1/ca.key" -out "$1/ca.pem" -days "$days_ca" -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# make_signer DIR NAME SUBJECT   (issued by DIR/ca.pem)
make_signer() {
  openssl req -new -newkey rsa:2048 -nodes -keyout "$1/$2.key" -out "$1/$2.csr" -subj "$3" 2>/dev/null
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial \
    -out "$1/$2.pem" -days "$days_signer" -extfile <(printf '%s\n' "$ext_signer") 2>/dev/null
  rm -f "$1/$2.csr" "$1/ca.srl"
}

# signer_p12 DIR   (the partner's signer with its CA, for 'cbec-gateway send' and 'conformance')
signer_p12() {
  openssl pkcs12 -export -in "$1/signer.pem" -inkey "$1/signer.key" -certfile "$1/ca.pem" \
    -name signer -out "$1/signer.p12" -passout "pass:$signer_password"
}

make_ca cn-gacc "/C=CN/O=General Administration of Customs (DEMO ONLY)/CN=CN-GACC Demo CA"
make_signer cn-gacc signer "/C=CN/O=General Administration of Customs (DEMO ONLY)/CN=CN-GACC Demo Signer"
signer_p12 cn-gacc

make_ca sg-customs "/C=SG/O=Singapore Customs (DEMO ONLY)/CN=SG-CUSTOMS Demo CA"
make_signer sg-customs signer "/C=SG/O=Singapore Customs (DEMO ONLY)/CN=SG-CUSTOMS Demo Signer"
signer_p12 sg-customs

make_ca gateway "/C=XX/O=CBEC Gateway (DEMO ONLY)/CN=CBEC Gateway Demo CA"
make_signer gateway gateway "/C=XX/O=CBEC Gateway (DEMO ONLY)/CN=CBEC Gateway Demo Receipt Signer"
openssl pkcs12 -export -in gateway/gateway.pem -inkey gateway/gateway.key -certfile gateway/ca.pem \
  -name gateway -out gateway/gateway.p12 -passout "pass:$password"

# The built-in demo TSA that time-stamps evidence seals when gateway.evidence.tsa.url is empty (RFC 3161: the
# TSA certificate's only extended key usage is timeStamping, critical). 'openssl ts -verify -CAfile tsa/ca.pem' checks its tokens.
ext_tsa="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=critical,timeStamping
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"
make_ca tsa "/C=XX/O=CBEC Gateway (DEMO ONLY)/CN=CBEC Gateway Demo TSA CA"
openssl req -new -newkey rsa:2048 -nodes -keyout tsa/tsa.key -out tsa/tsa.csr \
  -subj "/C=XX/O=CBEC Gateway (DEMO ONLY)/CN=CBEC Gateway Demo TSA" 2>/dev/null
openssl x509 -req -in tsa/tsa.csr -CA tsa/ca.pem -CAkey tsa/ca.key -CAcreateserial \
  -out tsa/tsa.pem -days "$days_signer" -extfile <(printf '%s\n' "$ext_tsa") 2>/dev/null
rm -f tsa/tsa.csr tsa/ca.srl
openssl pkcs12 -export -in tsa/tsa.pem -inkey tsa/tsa.key -certfile tsa/ca.pem \
  -name tsa -out tsa/tsa.p12 -passout "pass:demo-only"

echo "Demo PKI written to $out (DEMO ONLY: these keys are public)."
