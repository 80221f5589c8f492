git show HEAD~2~1:checksum.py > checksum.py
