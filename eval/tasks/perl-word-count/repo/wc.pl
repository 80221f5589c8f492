#!/usr/bin/env perl
# Prints the number of words read from standard input.
use strict;
use warnings;

my $words = 0;
while (my $line = <STDIN>) {
    chomp $line;
    next if $line eq '';
    my @parts = split / /, $line;
    $words += scalar @parts;
}
print "$words\n";
