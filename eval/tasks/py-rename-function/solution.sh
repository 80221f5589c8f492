grep -rlw --include='*.py' calc . | xargs sed -i 's/\bcalc\b/compute_total/g'
