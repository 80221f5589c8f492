find logs -type f -name '*.log' -size +1024c -exec gzip {} \;
