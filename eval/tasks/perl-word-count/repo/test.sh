#!/usr/bin/env bash
set -e
[ "$(printf 'one two three\n' | perl wc.pl)" = 3 ]
[ "$(printf 'one  two\n' | perl wc.pl)" = 2 ]
[ "$(printf '  padded line \n' | perl wc.pl)" = 2 ]
[ "$(printf 'tab\tseparated\n\n' | perl wc.pl)" = 2 ]
echo ok
