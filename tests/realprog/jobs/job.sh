# dash, builtins only: Collatz lengths of 1..N, a side file on fd 3, string
# operations; no command substitution, no pipeline, no child process.
n=$1
i=1 total=0 max=0 maxat=0
exec 3> collatz.txt
while [ $i -le $n ]; do
	x=$i steps=0
	while [ $x -ne 1 ]; do
		if [ $((x % 2)) -eq 0 ]; then x=$((x / 2)); else x=$((3 * x + 1)); fi
		steps=$((steps + 1))
	done
	total=$((total + steps))
	if [ $steps -gt $max ]; then max=$steps maxat=$i; fi
	printf '%d %d\n' $i $steps >&3
	if [ $((i % 100)) -eq 0 ]; then
		s="n${i}-t${total}-m${max}"
		printf 'i=%d total=%d max=%d at %d %s %s %d\n' $i $total $max $maxat "${s#*-}" "${s%-*}" ${#s}
	fi
	i=$((i + 1))
done
exec 3>&-
printf 'done %d %d %d\n' $total $max $maxat
