sed -i 's/return first <= day < last/return first <= day <= last/' stock/dates.py
