-- lua5.4: tables, strings, integer and float arithmetic; writes a file.
local n = tonumber(arg[1])
local t, counts = {}, {}
local out = assert(io.open("lua-side.txt", "w"))
local h, acc = 0, 0.0
for i = 1, n do
	local k = string.format("k%05d", (i * 7919) % 10007)
	counts[k] = (counts[k] or 0) + i
	t[#t + 1] = k:rep(2):sub(2, 9)
	h = (h * 31 + #k + i) % 4294967291
	acc = acc + math.sin(i) / i
	if i % 500 == 0 then
		out:write(string.format("%d %s %d %.12f\n", i, t[#t], h, acc))
	end
end
out:close()
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
for i = 1, #keys, 97 do print(keys[i], counts[keys[i]]) end
table.sort(t)
print(#keys, #t, t[1], t[#t], h, string.format("%.15g", acc))
