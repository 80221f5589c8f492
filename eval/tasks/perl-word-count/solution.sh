sed -i 's|my @parts = split / /, $line;|my @parts = split " ", $line;|' wc.pl
