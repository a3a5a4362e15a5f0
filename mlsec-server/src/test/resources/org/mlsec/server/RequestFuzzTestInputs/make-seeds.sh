#!/bin/sh
# Writes the seeds of RequestFuzzTest#body into body/: the first byte is the request's shape (see RequestFuzzTest),
# the rest the body. Seeds named seed-refused-* are answered 4xx by design; every other seed must be answered 200.
cd "$(dirname "$0")" && mkdir -p body && cd body || exit 1
list='[{"age":30,"amount":120.5,"sex":"1","city":"tokyo"},{"age":41,"amount":0,"sex":2,"city":"new york"}]'
one='{"age":18,"amount":1e3,"sex":"2","city":"paris"}'
four="[$one,$one,$one,$one]"
seed() { printf "$1" > "$2"; printf '%s' "$3" >> "$2"; }
seed '\000' seed-list "$list"
seed '\001' seed-identity-one "$one"
seed '\041' seed-strict-fills '{"amount":99.5,"sex":"2","age":null}'
seed '\003' seed-gzip-of-list "$list"
seed '\044' seed-x-gzip-strict "$one"
seed '\011' seed-no-length "$list"
printf '\002' > seed-gzip-raw && printf '%s' "$list" | gzip -9n >> seed-gzip-raw
seed '\005' seed-refused-br "$list"
seed '\100' seed-refused-batch-of-four "$four"
seed '\041' seed-refused-out-of-range '{"age":200,"amount":5,"sex":"1","city":"tokyo"}'
