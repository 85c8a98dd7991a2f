# sed -E over python sources: swap the halves of snake_case names, bracket
# numbers, drop comment lines, upper-case a few letters.
s/([a-z]+)_([a-z]+)/\2_\1/g
s/[0-9]+/<&>/g
/^[[:space:]]*#/d
y/abcdef/ABCDEF/
