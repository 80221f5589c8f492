#!/usr/bin/env bash
echo "hello $1"
