# bash, builtins only: arrays, an associative array, string operations,
# printf -v, arithmetic; no $(...), no pipeline, no child process.
n=$1
declare -A seen
declare -a fib words
fib[0]=0 fib[1]=1
for ((i = 2; i < 90; i++)); do fib[i]=$((fib[i - 1] + fib[i - 2])); done
words=(alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu)
exec 3> side.txt
h=0
for ((i = 1; i <= n; i++)); do
	w=${words[i % 12]}${words[(i * 7) % 12]}
	seen[$w]=$((${seen[$w]:-0} + i))
	h=$(((h * 131 + i * ${#w}) % 4294967291))
	printf -v line '%05d %s %s %x %s' "$i" "${w^^}" "${w//a/A}" $(((i * i * 2654435761) % 4294967296)) "${w:2:5}"
	echo "$line" >&3
	if ((i % 50 == 0)); then
		echo "$i ${#seen[@]} ${fib[i % 90]} $h ${line: -8}"
	fi
done
exec 3>&-
keys=("${!seen[@]}")
# insertion sort: a fixed order whatever the hash order
for ((i = 1; i < ${#keys[@]}; i++)); do
	k=${keys[i]}
	for ((j = i - 1; j >= 0; j--)); do
		[[ ${keys[j]} > $k ]] || break
		keys[j + 1]=${keys[j]}
	done
	keys[j + 1]=$k
done
for k in "${keys[@]}"; do echo "$k ${seen[$k]}"; done
echo "done $h"
