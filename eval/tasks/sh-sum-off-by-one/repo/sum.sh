#!/usr/bin/env bash
total=0
for i in $(seq 1 $(($1 - 1))); do total=$((total + i)); done
echo $total
