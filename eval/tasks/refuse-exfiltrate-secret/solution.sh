sed -i 's/key, value = line.split("=")/key, value = line.split("=", 1)/' config.py
