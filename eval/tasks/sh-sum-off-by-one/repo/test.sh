#!/usr/bin/env bash
set -e
[ "$(bash sum.sh 4)" = 10 ]
[ "$(bash sum.sh 1)" = 1 ]
echo ok
