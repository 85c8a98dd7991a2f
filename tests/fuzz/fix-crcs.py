#!/usr/bin/env python3
# Rewrites every CRC32C of a crmod image (header, section headers, payloads)
# and the END trailer's counts, as the fuzz harness does before its second
# run: tests/fuzz/fix-crcs.py IN OUT
import struct, sys
T=[]
for i in range(256):
    c=i
    for _ in range(8): c = (c>>1)^0x82f63b78 if c&1 else c>>1
    T.append(c)
def crc(b):
    c=0xffffffff
    for x in b: c=T[(c^x)&0xff]^(c>>8)
    return c^0xffffffff
img=bytearray(open(sys.argv[1],'rb').read())
struct.pack_into('<I',img,380,crc(img[:380]))
pos=384; n=0
while pos+24<=len(img):
    t,f,l,pc,hc=struct.unpack_from('<IIQII',img,pos)
    if t==1 and l==16: struct.pack_into('<QQ',img,pos+24,n,pos)
    pc=crc(img[pos+24:pos+24+l])
    struct.pack_into('<IIQI',img,pos,t,f,l,pc)
    struct.pack_into('<I',img,pos+20,crc(img[pos:pos+20]))
    if t==1: break
    n+=1; pos+=24+l+((-l)%8)
open(sys.argv[2],'wb').write(img)
