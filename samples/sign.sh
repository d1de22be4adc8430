#!/usr/bin/env bash
# Signs a sample business document as a demo partner would, with OpenSSL, into CMS SignedData (DER).
# usage: samples/sign.sh DOCUMENT [PARTNER_DIR] > signed.p7m     (PARTNER_DIR default: certs-example/cn-gacc)
set -euo pipefail
doc="$1"
partner="${2:-$(dirname "$0")/../certs-example/cn-gacc}"
openssl cms -sign -nodetach -binary -outform DER -in "$doc" \
  -signer "$partner/signer.pem" -inkey "$partner/signer.key" -certfile "$partner/ca.pem"
