#!/usr/bin/env python3
# embed.py IN OUT NAME: write a C header holding IN as `static const char NAME[]'.
import sys

src, out, name = sys.argv[1:4]
data = open(src, 'rb').read()
with open(out, 'w') as f:
    f.write('/* Generated from %s by embed.py. */\n' % src.split('/')[-1])
    f.write('static const char %s[] =\n' % name)
    for line in data.decode('utf-8').splitlines(True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"') \
                  .replace('\n', '\\n').replace('\t', '\\t')
        f.write('    "%s"\n' % esc)
    f.write('    ;\n')
