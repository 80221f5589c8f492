#!/usr/bin/env python3
"""Why is X in the Native AOT binary? Reads ILC's first-mark dependency graph (publish with
-p:IlcGenerateDgmlFile=true; the file is obj/Release/net10.0/linux-x64/native/forge.scan.dgml.xml, ~700 MB). Without
--fulllog ILC records, for each node, only the edge that first marked it, so a chain printed here is *a* path that roots
the node, not necessarily the only one: check a cut by rebuilding. The first run parses the XML (minutes) and caches
the graph next to it as FILE.pkl.
  bench/dgml-why.py FILE why  REGEX [MAX]   the chain of reasons from each matching node back to the start-up root
  bench/dgml-why.py FILE sub  REGEX [TOP]   how many nodes each matching node first-marked (transitively), largest first
  bench/dgml-why.py FILE kids REGEX [MAX]   the direct first-mark children of each matching node, largest subtree first
Node labels are ILC's mangled names, e.g. 'AIJsonUtilities__CreateJsonSchema$' or
'^VirtualMethodUse .*JsonTypeInfo.SerializeAsObjectAsync'.
"""
import html, os, pickle, re, sys

path, cmd, pat = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
n = int(sys.argv[4]) if len(sys.argv) > 4 else 20
cache = path + '.pkl'
if os.path.exists(cache) and os.path.getmtime(cache) > os.path.getmtime(path):
    with open(cache, 'rb') as f:
        labels, parent, reason = pickle.load(f)
else:
    labels, parent, reason = {}, {}, {}
    node = re.compile(r'<Node Id="(\d+)" Label="(.*)" />')
    link = re.compile(r'<Link Source="(\d+)" Target="(\d+)" Reason="(.*)" />')
    with open(path, encoding='utf-8-sig') as f:
        for line in f:
            line = line.strip()
            if line.startswith('<Node '):
                m = node.match(line)
                if m:
                    labels[int(m.group(1))] = html.unescape(m.group(2))
            elif line.startswith('<Link '):
                m = link.match(line)
                if m and int(m.group(2)) not in parent:
                    parent[int(m.group(2))] = int(m.group(1))
                    reason[int(m.group(2))] = html.unescape(m.group(3)).split('"')[0]
    with open(cache, 'wb') as f:
        pickle.dump((labels, parent, reason), f)

children = {}
for d, s in parent.items():
    children.setdefault(s, []).append(d)

def subtree(x):
    count, stack = 0, [x]
    while stack:
        y = stack.pop()
        count += 1
        stack.extend(children.get(y, []))
    return count

hits = [i for i, l in labels.items() if l and pat.search(l)]
print(f'{len(labels)} nodes, {len(hits)} matches', file=sys.stderr)
if cmd == 'why':
    for i in hits[:n]:
        print('==', labels[i])
        x, depth = i, 0
        while x in parent and depth < 80:
            print('   <-', reason.get(x), '--', labels.get(parent[x], '?')[:220])
            x, depth = parent[x], depth + 1
elif cmd == 'sub':
    for count, label in sorted(((subtree(i), labels[i]) for i in hits), reverse=True)[:n]:
        print(count, label[:250])
elif cmd == 'kids':
    for i in hits[:n]:
        print('==', labels[i])
        for k in sorted(children.get(i, []), key=lambda k: -subtree(k))[:40]:
            print('  ', subtree(k), reason.get(k), '--', labels[k][:200])
else:
    sys.exit('usage: dgml-why.py FILE why|sub|kids REGEX [N]')
