#!/usr/bin/env bash
# offboard certificate verify / public-key: a certificate written by the
# domain code (cert_write, as a purge writes one) verifies with the public
# key given as text or file, and with the configured key; a changed byte,
# a truncated file or another key fail with exit 1; usage errors exit 2.
set -euo pipefail
bin=${OFFBOARD_BIN:?OFFBOARD_BIN is not set}
writer=${OB_CERT_WRITE:?OB_CERT_WRITE is not set}
dir=$(mktemp -d /tmp/offboard-cert-XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "certificate.sh: $*" >&2; exit 1; }
# the settings of the environment would change what is tested
unset OFFBOARD_SIGNING_KEY_FILE OFFBOARD_DATA_DIR || true
cd "$dir"

# expect CODE OUTFILE COMMAND...: runs it, checks the exit code
expect() {
	local want=$1 out=$2 rc=0; shift 2
	"$@" >"$out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || fail "exit $rc, not $want: $* ($(cat "$out"))"
}

# the first certificate makes the default key, with one warning
cert=$("$writer" --data-dir "$dir/data" "$dir/certs" 2>"$dir/warn") || fail "cert_write: $(cat "$dir/warn")"
[ "$(wc -l <"$dir/warn")" = 1 ] || fail "want one warning line: $(cat "$dir/warn")"
grep -q 'OFFBOARD_SIGNING_KEY_FILE' "$dir/warn" || fail "the warning does not say how production sets its key"
[ "$(stat -c %a "$dir/data/signing.key")" = 600 ] || fail "signing.key is not 0600"
[ "$(stat -c %a "$cert")" = 600 ] || fail "the certificate is not 0600"
pub=$(cat "$dir/data/signing.pub")
[ ${#pub} = 44 ] || fail "signing.pub: '$pub'"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["format"]=="offboard-erasure-certificate/1" and list(d)[-1]=="signature"' "$cert" ||
	fail "not the JSON it should be"
id=$(basename "$cert" .json)
want="certificate $id valid: signed by $pub; 3 tables"

# another implementation (OpenSSL) checks the signature as the operator
# guide describes it: the file without its signature member, over the rest
if command -v openssl >/dev/null; then
	# SubjectPublicKeyInfo of an Ed25519 key (RFC 8410), then its 32 bytes
	{ printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; base64 -d "$dir/data/signing.pub"; } >pub.der
	openssl pkey -pubin -inform DER -in pub.der -out pub.pem 2>/dev/null || fail "openssl cannot read the key"
	python3 - "$cert" <<'PY'
import base64, sys
t = open(sys.argv[1], 'rb').read()
at = t.rindex(b',\n  "signature": "')
assert t[at:] == b',\n  "signature": "' + t[at + 18:at + 106] + b'"\n}\n', 'the file does not end as documented'
open('msg', 'wb').write(t[:at] + b'\n}\n')
open('sig', 'wb').write(base64.b64decode(t[at + 18:at + 106]))
PY
	openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg -sigfile sig >/dev/null ||
		fail "OpenSSL does not verify the signature over the documented message"
	printf 'x' >>msg
	! openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in msg -sigfile sig >/dev/null 2>&1 ||
		fail "OpenSSL verifies a changed message"
else
	echo "certificate.sh: no openssl command; the check by another implementation is left out"
fi

# a second certificate with the same key: no new key, no warning
cert2=$("$writer" --data-dir "$dir/data" "$dir/certs" 2>"$dir/warn")
[ ! -s "$dir/warn" ] || fail "a second use warned: $(cat "$dir/warn")"
[ "$(cat "$dir/data/signing.pub")" = "$pub" ] || fail "the key changed"

# valid: the key as text, as a file, the configured key three ways
expect 0 out "$bin" certificate verify "$cert" --public-key "$pub"
[ "$(cat out)" = "$want" ] || fail "verify printed '$(cat out)', not '$want'"
expect 0 out "$bin" certificate verify "$cert" --public-key "$dir/data/signing.pub"
[ "$(cat out)" = "$want" ] || fail "--public-key FILE: '$(cat out)'"
expect 0 out "$bin" certificate verify "$cert" --data-dir "$dir/data"
[ "$(cat out)" = "$want" ] || fail "--data-dir: '$(cat out)'"
expect 0 out env OFFBOARD_DATA_DIR="$dir/data" "$bin" certificate verify "$cert"
expect 0 out env OFFBOARD_SIGNING_KEY_FILE="$dir/data/signing.key" "$bin" certificate verify "$cert" --data-dir "$dir/none"
[ "$(cat out)" = "$want" ] || fail "OFFBOARD_SIGNING_KEY_FILE: '$(cat out)'"
expect 0 out "$bin" certificate verify --signing-key-file "$dir/data/signing.key" "$cert2"
expect 0 out "$bin" certificate public-key --data-dir "$dir/data"
[ "$(cat out)" = "$pub" ] || fail "public-key printed '$(cat out)'"

# a changed byte anywhere fails: a count, the id, the key, the signature,
# the last byte, and a spread of others
size=$(stat -c %s "$cert")
offsets="$(grep -bo '"erased": 40' "$cert" | cut -d: -f1) $(grep -bo '"public_key": "' "$cert" | cut -d: -f1)
	$(grep -bo '"signature": "' "$cert" | cut -d: -f1) 0 $((size - 1)) $((size - 3))"
for ((o = 1; o < size; o += 37)); do offsets="$offsets $o"; done
for o in $offsets; do
	cp "$cert" bad.json
	byte=$(dd if="$cert" bs=1 skip="$o" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $(((byte ^ 1) & 255)))" | dd of=bad.json bs=1 seek="$o" conv=notrunc 2>/dev/null
	cmp -s "$cert" bad.json && fail "byte $o not changed"
	expect 1 out "$bin" certificate verify bad.json --public-key "$pub"
	grep -Eq '^invalid certificate bad.json: (bad_format|bad_signature|wrong_key): ' out ||
		fail "byte $o: '$(cat out)'"
done
# a number changed in place names the signature
sed 's/"erased": 40/"erased": 41/' "$cert" >bad.json
expect 1 out "$bin" certificate verify bad.json --public-key "$pub"
grep -q ': bad_signature: ' out || fail "a changed count: '$(cat out)'"
# truncated, or a byte more
head -c -1 "$cert" >bad.json
expect 1 out "$bin" certificate verify bad.json --public-key "$pub"
grep -q ': bad_format: ' out || fail "truncated: '$(cat out)'"
{ cat "$cert"; echo; } >bad.json
expect 1 out "$bin" certificate verify bad.json --public-key "$pub"
: >bad.json
expect 1 out "$bin" certificate verify bad.json --public-key "$pub"

# another key: its certificate is not ours, ours is not its
other=$("$writer" --data-dir "$dir/other" "$dir/certs" 2>/dev/null)
opub=$(cat "$dir/other/signing.pub")
[ "$opub" != "$pub" ] || fail "two data folders, one key"
expect 1 out "$bin" certificate verify "$other" --data-dir "$dir/data"
grep -q ': wrong_key: ' out || fail "another key's certificate: '$(cat out)'"
expect 1 out "$bin" certificate verify "$cert" --public-key "$opub"
grep -q ': wrong_key: ' out || fail "checked with another key: '$(cat out)'"
expect 0 out "$bin" certificate verify "$other" --public-key "$dir/other/signing.pub"
# another key's signature over our certificate, under our key's name
python3 - "$cert" "$other" bad.json <<'PY'
import sys
mine, theirs = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
sig = lambda t: t[t.rindex(b'"signature": "'):]
open(sys.argv[3], 'wb').write(mine[:mine.rindex(b'"signature": "')] + sig(theirs))
PY
expect 1 out "$bin" certificate verify bad.json --public-key "$pub"
grep -q ': bad_signature: ' out || fail "a signature of another key: '$(cat out)'"

# no key to check with: said so, and nothing is made
expect 1 out "$bin" certificate verify "$cert" --data-dir "$dir/empty"
grep -q 'no signing key' out || fail "no key: '$(cat out)'"
[ ! -e "$dir/empty" ] || fail "verify made a data folder"
expect 1 out "$bin" certificate public-key --data-dir "$dir/empty"
expect 1 out env OFFBOARD_SIGNING_KEY_FILE="$dir/missing.key" "$bin" certificate verify "$cert"
grep -q 'does not exist' out || fail "a configured file that is missing: '$(cat out)'"
# a key file others may read is refused
cp "$dir/data/signing.key" open.key
chmod 644 open.key
expect 1 out "$bin" certificate verify "$cert" --signing-key-file open.key
grep -q 'chmod 600' out || fail "a readable key file: '$(cat out)'"
# the writer refuses it too, and does not make a key for a configured file
expect 1 out "$writer" --signing-key-file open.key "$dir/certs"
expect 1 out "$writer" --signing-key-file "$dir/missing.key" "$dir/certs"
[ ! -e "$dir/missing.key" ] || fail "a configured key file was made"

# usage
expect 0 out "$bin" certificate --help
grep -q 'certificate verify FILE' out || fail "--help: '$(cat out)'"
expect 0 out "$bin" certificate verify --help
grep -q -- '--public-key' out || fail "verify --help: '$(cat out)'"
grep -q -- '--signing-key-file' out || fail "verify --help lacks the setting"
expect 0 out "$bin" certificate public-key --help
expect 2 out "$bin" certificate
expect 2 out "$bin" certificate sign "$cert"
expect 2 out "$bin" certificate verify
expect 2 out "$bin" certificate verify "$cert" --public-key 'not a key'
expect 2 out "$bin" certificate verify "$cert" --public-key c2hvcnQ=
expect 2 out "$bin" certificate verify "$cert" "$cert"
expect 1 out "$bin" certificate verify "$dir/nothing.json" --public-key "$pub"
grep -q 'cannot read' out || fail "a missing file: '$(cat out)'"
"$bin" --help | grep -q '^  certificate ' || fail "offboard --help does not list certificate"
echo "certificate.sh: ok"
