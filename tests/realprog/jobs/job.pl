# perl: word counts over a text, a reversing substitution, floats; writes
# words.txt (sorted) and a report.
use strict;
use warnings;
my ($in) = @ARGV;
open(my $fh, '<', $in) or die "$in: $!";
my (%count, $lines, $chars, $h, $acc);
($lines, $chars, $h, $acc) = (0, 0, 0, 0.0);
open(my $rev, '>', 'reversed.txt') or die "reversed.txt: $!";
while (my $l = <$fh>) {
	$lines++;
	$chars += length $l;
	$count{lc $1}++ while $l =~ /(\w+)/g;
	(my $t = $l) =~ s/(\w+)/scalar reverse $1/ge;
	print $rev $t;
	$h = ($h * 33 + length($t)) % 4294967291;
	$acc += sqrt($chars) / $lines;
	printf "%d %d %d %.9f\n", $lines, $chars, $h, $acc if $lines % 1000 == 0;
}
close $rev;
open(my $out, '>', 'words.txt') or die "words.txt: $!";
for my $w (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count) {
	printf $out "%s %d\n", $w, $count{$w};
}
close $out;
printf "lines %d chars %d distinct %d h %d %.12f\n", $lines, $chars, scalar(keys %count), $h, log($chars) * $acc;
