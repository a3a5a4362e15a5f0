// Writes a hand-made malicious pickle (never loaded or executed, only scanned):
// PROTO 2, GLOBAL 'os system', SHORT_BINUNICODE 'echo pwned', TUPLE1, REDUCE, STOP.
def dir = new File(basedir, 'src/main/resources')
dir.mkdirs()
def out = new ByteArrayOutputStream()
out.write([0x80, 2] as byte[])
out.write('cos\nsystem\n'.getBytes('US-ASCII'))
def arg = 'echo pwned'.getBytes('UTF-8')
out.write(0x8c)
out.write(arg.length)
out.write(arg)
out.write([0x85, 0x52, 0x2e] as byte[])
new File(dir, 'model.pkl').bytes = out.toByteArray()
return true
