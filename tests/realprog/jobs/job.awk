# Word statistics over a text (mawk and gawk): a running report on stdout,
# the frequent words and prefix sums in a file of its own.
{
	nf += NF
	nc += length($0)
	for (i = 1; i <= NF; i++) {
		w = $i
		count[w]++
		if (length(w) > 3)
			long[substr(w, 1, 3)] += length(w)
	}
	h = (h * 31 + length($0)) % 1000000007
	if (NR % 500 == 0)
		printf "%d %d %d %.6f %d\n", NR, nf, nc, nc / NR, h
}
END {
	distinct = 0
	for (w in count) {
		distinct++
		if (count[w] > 40)
			frequent[w] = count[w]
	}
	# a fixed order, whatever the awk's hash order: a selection sort
	n = 0
	for (w in frequent) keys[++n] = w
	for (i = 1; i <= n; i++) {
		m = i
		for (j = i + 1; j <= n; j++)
			if (keys[j] < keys[m]) m = j
		t = keys[i]; keys[i] = keys[m]; keys[m] = t
		printf "%s %d\n", keys[i], frequent[keys[i]] > "frequent.txt"
	}
	s = 0
	for (p in long) s += long[p] * length(p)
	printf "lines %d words %d distinct %d frequent %d s %d h %d\n", NR, nf, distinct, n, s, h
	printf "%.10f %.10f\n", sin(nf) + log(nc) + sqrt(h), exp(-NR / nf)
}
