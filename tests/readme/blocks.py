#!/usr/bin/env python3
"""The README's fenced code blocks and their markers, as a plan for run.sh.

usage: blocks.py README ROOT OUTDIR

The convention is described at the top of run.sh. Writes each block's text
to OUTDIR/LINE.block and prints one tab-separated line per block, in order:

  run   LINE DIR EXPECT   an sh block to run in ROOT/DIR ("." by default)
  file  LINE PATH         a block to write to ROOT/PATH
  ok    LINE WHAT         a check done here that passed (an excerpt)
  skip  LINE REASON       a block marked not runnable here
  fail  LINE WHY          a block or marker that breaks the convention

Fields never hold tabs or newlines. Exits 1 only when README cannot be read.
"""

import os
import re
import sys

MARKER = re.compile(r'^<!--\s*readme-test:(.*)-->\s*$')
FENCE = re.compile(r'^```(.*)$')
NOT_RUN = {'text'}
NEED_MARKER = {'go', 'c'}
DIRECTIVES = {'skip', 'cd', 'expect', 'file', 'excerpt'}


def parse_marker(text):
    """Directives of a marker: {name: argument}, or a message saying why not.
    skip takes the rest of the marker as its reason, ';' included."""
    found = {}
    text = text.strip()
    if text.split(' ')[0] == 'skip':
        reason = text[len('skip'):].strip()
        return {'skip': reason} if reason else 'skip needs a reason'
    for part in text.split(';'):
        part = part.strip()
        if not part:
            continue
        name, _, arg = part.partition(' ')
        arg = arg.strip()
        if name == 'skip':
            return 'skip stands alone, first in its marker'
        if name not in DIRECTIVES:
            return 'unknown directive %r (known: %s)' % (name, ', '.join(sorted(DIRECTIVES)))
        if not arg:
            return '%s needs an argument' % name
        if name in found:
            return '%s given twice' % name
        found[name] = arg
    if not found:
        return 'empty marker'
    return found


def blocks(lines):
    """(line of the opening fence, language, body lines, marker or None)."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1).strip()
        marker = None
        if start > 0:
            mm = MARKER.match(lines[start - 1])
            if mm:
                marker = mm.group(1)
        i += 1
        body = []
        while i < len(lines) and lines[i].rstrip() != '```':
            body.append(lines[i])
            i += 1
        yield start + 1, lang, body, marker
        i += 1


def is_excerpt(body, path):
    """Every non-blank line of body is a line of path, in the same order."""
    try:
        with open(path, encoding='utf-8') as f:
            have = [l.rstrip() for l in f.read().split('\n')]
    except OSError as e:
        return 'cannot read %s: %s' % (path, e.strerror)
    at = 0
    for want in (l.rstrip() for l in body):
        if not want:
            continue
        while at < len(have) and have[at] != want:
            at += 1
        if at == len(have):
            return 'not in %s (in this order): %r' % (path, want)
        at += 1
    return None


def inside(root, path):
    full = os.path.abspath(os.path.join(root, path))
    return full == root or full.startswith(root + os.sep)


def plan(readme, root, outdir):
    with open(readme, encoding='utf-8') as f:
        lines = f.read().split('\n')
    root = os.path.abspath(root)
    # A marker away from its fence would be ignored: say so (markers shown
    # inside a code block are text).
    quoted = set()
    for line, _, body, _ in blocks(lines):
        quoted.update(range(line, line + len(body) + 1))
    for i, text in enumerate(lines):
        if (i not in quoted and MARKER.match(text) and
                not (i + 1 < len(lines) and FENCE.match(lines[i + 1]))):
            yield 'fail', i + 1, 'marker not on the line right before a fence'
    for line, lang, body, marker in blocks(lines):
        d = {}
        if marker is not None:
            d = parse_marker(marker)
            if isinstance(d, str):
                yield 'fail', line, 'marker: ' + d
                continue
        if 'skip' in d:
            yield 'skip', line, d['skip']
            continue
        for key in ('cd', 'file', 'excerpt'):
            if key in d and not inside(root, d[key]):
                yield 'fail', line, '%s %s is outside the repository' % (key, d[key])
                break
        else:
            with open(os.path.join(outdir, '%d.block' % line), 'w', encoding='utf-8') as f:
                f.write('\n'.join(body) + '\n')
            if lang in NOT_RUN:
                if d:
                    yield 'fail', line, 'a %s block is not run: its marker does nothing' % lang
                continue
            if lang == 'sh':
                if set(d) - {'cd', 'expect'}:
                    yield 'fail', line, 'an sh block takes cd and expect, not %s' % ', '.join(sorted(set(d) - {'cd', 'expect'}))
                    continue
                yield 'run', line, d.get('cd', '.'), d.get('expect', '')
                continue
            if lang in NEED_MARKER:
                if set(d) - {'file', 'excerpt'} or len(d) != 1:
                    yield 'fail', line, 'a %s block needs one of file PATH, excerpt PATH or skip REASON' % lang
                    continue
                if 'file' in d:
                    yield 'file', line, d['file']
                    continue
                why = is_excerpt(body, os.path.join(root, d['excerpt']))
                if why:
                    yield 'fail', line, 'excerpt: ' + why
                else:
                    yield 'ok', line, '%s block is an excerpt of %s' % (lang, d['excerpt'])
                continue
            yield 'fail', line, ('a block without a language' if not lang else
                                 'language %r' % lang) + \
                ': tag it sh (run), go or c (with a marker), or text (not run)'


def main():
    if len(sys.argv) != 4:
        sys.stderr.write('usage: blocks.py README ROOT OUTDIR\n')
        return 2
    readme, root, outdir = sys.argv[1:]
    try:
        for row in plan(readme, root, outdir):
            print('\t'.join(str(f).replace('\t', ' ').replace('\n', ' ') for f in row))
    except OSError as e:
        sys.stderr.write('blocks.py: %s: %s\n' % (readme, e.strerror))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
