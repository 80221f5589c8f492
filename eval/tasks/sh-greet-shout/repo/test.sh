#!/usr/bin/env bash
set -e
[ "$(bash greet.sh ada)" = "hello ada" ]
echo ok
