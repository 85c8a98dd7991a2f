# python3 -B: seeded random text, a word count, regular expressions, big
# integers, floats, zlib and sha256; writes three files and a report.
import collections, hashlib, math, random, re, sys, zlib

n = int(sys.argv[1])
rng = random.Random(20261201)
letters = "abcdefghijklmnopqrstuvwxyz"
words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(1500)]
counts = collections.Counter()
digest = hashlib.sha256()
acc = 0.0
with open("lines.txt", "w") as out:
    for i in range(n):
        line = " ".join(rng.choice(words) for _ in range(10))
        counts.update(line.split())
        digest.update(line.encode())
        acc += math.sin(i) * math.sqrt(len(line)) / (1.0 + i)
        out.write(f"{i} {line} {acc:.12f}\n")
        if i % 1000 == 0:
            print(i, len(counts), digest.hexdigest()[:16], f"{acc:.9f}", flush=True)
pat = re.compile(r"\b([a-z])[a-z]*\1\b")
same = collections.Counter(m.group(1) for m in pat.finditer(open("lines.txt").read()))
with open("counts.txt", "w") as f:
    for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        f.write(f"{w} {c}\n")
data = open("lines.txt", "rb").read()
with open("lines.z", "wb") as f:
    f.write(zlib.compress(data, 9))
big = pow(3, 20011) * math.factorial(1200)
print(sorted(same.items())[:8])
print(len(data), zlib.crc32(data), hashlib.sha256(data).hexdigest())
print(big % (10**40), big.bit_length(), f"{acc:.15e}")
