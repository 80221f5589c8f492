cat > greet.sh <<'SH'
#!/usr/bin/env bash
if [ "$1" = "--shout" ]; then
  echo "HELLO ${2^^}"
else
  echo "hello $1"
fi
SH
