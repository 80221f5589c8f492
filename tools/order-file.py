#!/usr/bin/env python3
"""Writes src/CodeForge.Cli/forge.order: the managed methods a start-up and the first turns run, in the order they
first run, for ILC's explicit method layout (`IlcOrderFile`, `--method-layout:explicit`). The native binary then keeps
that code together at the start of its code section instead of spread over all 12 MB of it (docs/benchmarks.md, "Code
layout: the methods a turn runs placed together").

    tools/order-file.py [--out src/CodeForge.Cli/forge.order] [--native BINARY --symbols BINARY.dbg] [--jit forge.dll]
    tools/order-file.py --reuse src/CodeForge.Cli/forge.order     # the page pass only, then the existing list

Needs: the JIT build (`dotnet build src/CodeForge.Cli`, Debug), the native build's symbols
(`src/CodeForge.Cli/bin/Release/net10.0/linux-x64/native/forge.dbg` and `artifacts/forge/native/forge`, as `./forge
--version` leaves them), `nm`, `node`, the benchmark driver (`dotnet build bench/CodeForge.Benchmarks -c Release`) and,
optionally, `perf` (without it only the JIT's list is used).

Sources, merged in this order (first occurrence wins):
0. The code pages each run reads from a cold page cache with readahead off (a copy of the binary on a loop-mounted ext4
   image whose device has `blockdev --setra 0`, evicted with `posix_fadvise(DONTNEED)` before each run, its resident
   pages read with `mincore` after): every method on a page a run touched, in tiers — `--help`, then one turn per
   provider API and stream-json, then the interactive first paint and a 20-turn tool session — each tier in
   address order. Unlike the sources below this is exact at page granularity: a turn touches about 900 code pages, which
   the kernel's 64 KiB fault-around turns into ~10 MiB resident when they are spread out and ~4 MiB when they are
   together. Needs root (mount, blockdev); without it this pass is skipped with a message.
1. `perf record` of the native binary (`--help`, one turn, a session of tool calls): the symbols its samples and its
   code page faults hit. This catches what only Native AOT runs (start-up helpers, the type loader) and, for each 64 KiB
   window the kernel maps per fault, the method that first touched it.
2. The JIT's list of every method it compiled (`DOTNET_JitDisasmSummary`, ReadyToRun off so the framework is compiled
   too) in the same scenarios plus `--help`, the other providers and the interactive first paint, matched to ILC's
   mangled names: characters other than letters, digits and `_` become `_`, nested types join with `_`, type and method
   with `__`, ILC numbers overloads (`__ctor_13`) and writes generic arguments in `<...>` (matched by their short names).
   Methods the JIT compiled but ILC inlined have no symbol and are dropped.
A stale file only costs locality: ILC ignores names it does not have and places unlisted methods after the listed ones.
"""
import argparse, bisect, collections, glob, os, re, shutil, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JIT_DLL = os.path.join(REPO, 'src/CodeForge.Cli/bin/Debug/net10.0/forge.dll')
NATIVE = os.path.join(REPO, 'artifacts/forge/native/forge')
SYMBOLS = os.path.join(REPO, 'src/CodeForge.Cli/bin/Release/net10.0/linux-x64/native/forge.dbg')
DRIVER = os.path.join(REPO, 'bench/CodeForge.Benchmarks/bin/Release/net10.0/CodeForge.Benchmarks')
PRIMITIVES = dict(ubyte='UInt8', byte='Int8', bool='Bool', char='Char', short='Int16', ushort='UInt16', int='Int32',
                  uint='UInt32', long='Int64', ulong='UInt64', float='Single', double='Double', nint='IntPtr',
                  nuint='UIntPtr')


def sanitize(text):
    return re.sub(r'[^A-Za-z0-9_]', '_', text)


def split_brackets(text, opening, closing, separator):
    """Text -> (text outside the bracket groups, the text inside them, each group started with `separator`)."""
    outside, inside, depth = [], [], 0
    for ch in text:
        if ch == opening:
            depth += 1
            inside.append(separator)
        elif ch == closing:
            depth -= 1
        else:
            (inside if depth else outside).append(ch)
    return ''.join(outside), ''.join(inside)


def split_generics(symbol):
    """ILC symbol -> (name without `<...>` groups, the text inside them)."""
    return split_brackets(symbol, '<', '>', ' ')


def jit_method(line):
    """A `JIT compiled Type[args]:Method[args](sig) [Tier...]` line -> (key, short names of its generic arguments)."""
    m = re.match(r'\s*\d+: JIT compiled (.*?) \[', line)
    if not m:
        return None
    full = re.sub(r'\([^()]*\)$', '', m.group(1))
    base, args = split_brackets(full, '[', ']', ',')
    colon = base.rfind(':')
    shorts = [sanitize(re.split(r'[.+]', PRIMITIVES.get(a.strip(), a.strip()))[-1])
              for a in args.split(',') if a.strip()]
    return sanitize(base[:colon]) + '__' + sanitize(base[colon + 1:]), shorts


def code_symbols():
    out = subprocess.run(['nm', '--defined-only', SYMBOLS], check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(' ', 2)
        if len(parts) == 3 and parts[1] in 'tT':
            syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return syms


def index_symbols(syms):
    index = collections.defaultdict(list)
    for _, s in syms:
        name, args = split_generics(s)
        name = re.sub(r'_\d+$', '', name)
        index[name].append((s, args))
        for m in re.finditer('_', name):  # every suffix: the assembly prefix (S_P_CoreLib_, CodeForge_Core_...) varies
            index[name[m.end():]].append((s, args))
    return index


def match_jit(files, index):
    order, unmatched = [], 0
    for path in files:
        for line in open(path, errors='replace'):
            parsed = jit_method(line)
            if not parsed:
                continue
            key, shorts = parsed
            rest = key[len('System_'):] if key.startswith('System_') else ''
            cands = index.get(key) or (index.get(rest) if rest and '_' not in rest.split('__')[0] else None)
            if not cands:
                unmatched += 1
                continue
            if len(cands) > 1:
                names = [s for s, a in cands if all(sh in a for sh in shorts)] if shorts else [s for s, a in cands if not a.strip()]
            else:
                names = [cands[0][0]]
            order.extend(names)
    return order, unmatched


class Scenarios:
    """The runs profiled: a scratch HOME and git repository, the fake Anthropic and OpenAI servers on loopback."""

    def __init__(self):
        self.work = tempfile.mkdtemp(prefix='forge-order-')
        self.home = os.path.join(self.work, 'home')
        self.repo = os.path.join(self.work, 'repo')
        os.makedirs(self.home)
        os.makedirs(self.repo)
        for i in range(20):
            with open(os.path.join(self.repo, f'f{i}.txt'), 'w') as f:
                f.write(f'line {i}\n' * 50)
        subprocess.run(['git', 'init', '-q'], cwd=self.repo, check=True)
        self.servers = [subprocess.Popen(['node', os.path.join(REPO, 'tests/agent-sdk/fake-anthropic.mjs'), '28961'],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                        subprocess.Popen(['node', os.path.join(REPO, 'bench/fake-openai.mjs'), '28962'],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        time.sleep(1)
        self.env = dict(os.environ, HOME=self.home, ANTHROPIC_BASE_URL='http://127.0.0.1:28961', ANTHROPIC_API_KEY='sk-fake',
                        OPENAI_BASE_URL='http://127.0.0.1:28962/v1', OPENAI_API_KEY='sk-fake')

    def close(self):
        for s in self.servers:
            s.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def run(self, command, env=None):
        subprocess.run(command, cwd=self.repo, env=env or self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=600)

    def turns(self, forge):
        return [[*forge, '--version'], [*forge, '--help'],
                [*forge, '-p', 'say hello', '--provider', 'anthropic', '--model', 'sonnet'],
                [*forge, '-p', 'say hello', '--provider', 'anthropic', '--model', 'sonnet', '--output-format', 'stream-json', '--verbose'],
                [*forge, '-p', 'say hello', '--provider', 'openai', '--model', 'gpt-4.1'],
                [*forge, '-p', 'say hello', '--provider', 'openai', '--model', 'gpt-5.4']]

    def session(self, forge, turns=20):
        return [DRIVER, 'session-memory', '--turns', str(turns), '--provider', 'anthropic', '--', *forge]


def jit_lists(scenarios, out):
    env = dict(scenarios.env, DOTNET_ReadyToRun='0', DOTNET_JitDisasmSummary='1', DOTNET_TieredPGO='0')
    forge = ['dotnet', JIT_DLL]
    for i, command in enumerate(scenarios.turns(forge)):
        scenarios.run(command, dict(env, DOTNET_JitStdOutFile=os.path.join(out, f'{i:02}.txt')))
    wrapper = os.path.join(scenarios.work, 'forge-jit')
    with open(wrapper, 'w') as f:
        f.write(f'#!/bin/sh\nexec dotnet {JIT_DLL} "$@"\n')
    os.chmod(wrapper, 0o755)
    scenarios.run(['python3', os.path.join(REPO, 'bench/forge-first-paint.py'), wrapper, '1'],
                  dict(env, DOTNET_JitStdOutFile=os.path.join(out, '10-paint.txt')))
    scenarios.run(scenarios.session(['env', f'DOTNET_JitStdOutFile={out}/11-session.txt', *forge]),
                  dict(scenarios.env, DOTNET_ReadyToRun='0', DOTNET_JitDisasmSummary='1'))
    return sorted(glob.glob(os.path.join(out, '*.txt')))


def perf_symbols(scenarios, out, syms):
    """Symbols hit by perf's samples and by the code page faults of the native binary, in first-seen order."""
    if not shutil.which('perf'):
        print('order-file: no perf; using the JIT list only', file=sys.stderr)
        return []
    addrs = [a for a, _ in syms]
    found = []
    runs = [[NATIVE, '--help']] + scenarios.turns([NATIVE])[2:] + [scenarios.session([NATIVE])]
    for i, command in enumerate(runs):
        # page faults: `PID page-faults: ADDR IP` (the faulting address); samples: `PID cpu-clock: IP`
        for event, columns in ((['-e', 'page-faults', '-c', '1', '-d'], 'pid,event,addr,ip'), (['-F', '20000'], 'pid,event,ip')):
            data = os.path.join(out, f'perf-{i}.data')
            scenarios.run(['perf', 'record', '-q', '-o', data, *event, '--', *command])
            script = subprocess.run(['perf', 'script', '-i', data, '--show-mmap-events', '-F', columns],
                                    capture_output=True, text=True).stdout
            bases = {}
            for line in script.splitlines():
                m = re.search(r'PERF_RECORD_MMAP2 (\d+)/\d+: \[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (0x[0-9a-f]+|0) .*?\]: r-xp (\S+)$', line)
                if m and os.path.realpath(m.group(5)) == os.path.realpath(NATIVE):
                    bases[m.group(1)] = int(m.group(2), 16) - int(m.group(4), 16)
                    continue
                fields = line.split()
                if len(fields) < 3 or fields[0] not in bases:
                    continue
                value = fields[-2] if 'page-faults' in line else fields[-1]
                try:
                    offset = int(value, 16) - bases[fields[0]]
                except ValueError:
                    continue
                at = bisect.bisect_right(addrs, offset) - 1
                if at >= 0 and offset - addrs[at] < 1 << 16:
                    found.append(syms[at][1])
    return found


def segments(binary):
    """The binary's PT_LOAD segments: (file offset, virtual address, file size, flags) from `readelf -lW`."""
    out = subprocess.run(['readelf', '-lW', binary], check=True, capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == 'LOAD':
            found.append((int(f[1], 16), int(f[2], 16), int(f[4], 16), ''.join(f[6:-1])))
    return found


def resident_pages(path):
    """Indexes of the file's 4 KiB pages in the page cache (mincore on a shared read-only mapping)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    size = os.path.getsize(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        addr = libc.mmap(None, size, 1, 1, fd, 0)  # PROT_READ, MAP_SHARED
    finally:
        os.close(fd)
    if addr in (None, ctypes.c_void_p(-1).value):
        raise OSError(ctypes.get_errno(), 'mmap')
    pages = (size + 4095) // 4096
    vec = (ctypes.c_ubyte * pages)()
    try:
        if libc.mincore(addr, size, vec) != 0:
            raise OSError(ctypes.get_errno(), 'mincore')
    finally:
        libc.munmap(addr, size)
    return {i for i in range(pages) if vec[i] & 1}


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def page_tiers(scenarios, syms, work):
    """Methods on the code pages each tier of runs reads (source 0 of the docstring), tier by tier, in address order."""
    image, mount = os.path.join(work, 'pages.ext4'), os.path.join(work, 'pages')
    os.makedirs(mount)
    try:
        subprocess.run(['truncate', '-s', f'{os.path.getsize(NATIVE) * 2 + (32 << 20)}', image], check=True)
        subprocess.run(['mkfs.ext4', '-q', '-F', image], check=True, capture_output=True)
        subprocess.run(['mount', '-o', 'loop', image, mount], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f'order-file: no loop-mounted image ({e}); skipping the page pass', file=sys.stderr)
        return []
    try:
        device = subprocess.run(['findmnt', '-n', '-o', 'SOURCE', mount], check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(['blockdev', '--setra', '0', device], check=True)
        binary = os.path.join(mount, 'forge')
        shutil.copy2(NATIVE, binary)
        os.sync()
        code = [(off, vaddr, size) for off, vaddr, size, flags in segments(binary) if 'E' in flags]
        addrs = [a for a, _ in syms]

        def methods_on(pages):
            names = []
            for off, vaddr, size in code:
                for page in sorted(p for p in pages if off // 4096 <= p <= (off + size - 1) // 4096):
                    lo, hi = vaddr + page * 4096 - off, vaddr + (page + 1) * 4096 - off
                    at = max(bisect.bisect_right(addrs, lo) - 1, 0)
                    while at < len(syms) and syms[at][0] < hi:
                        names.append(syms[at][1])
                        at += 1
            return names

        # --version is answered before the runtime starts (Native/prefault.c); --help is the smallest full start-up.
        tiers = [[[binary, '--help']],
                 scenarios.turns([binary])[2:],
                 [['python3', os.path.join(REPO, 'bench/forge-first-paint.py'), binary, '1'],
                  scenarios.session([binary])]]
        order, seen = [], set()
        for number, tier in enumerate(tiers, 1):
            touched = set()
            for command in tier:
                evict(binary)
                if resident_pages(binary):
                    print('order-file: the page cache kept pages of the binary; the page pass is approximate', file=sys.stderr)
                scenarios.run(command)
                touched |= resident_pages(binary)
            names = methods_on(touched - seen)
            code_pages = sum(1 for p in touched - seen for off, _, size in code if off // 4096 <= p <= (off + size - 1) // 4096)
            print(f'order-file: page tier {number}: {code_pages} more code pages, {len(names)} methods on them', file=sys.stderr)
            seen |= touched
            order.extend(names)
        return order
    finally:
        subprocess.run(['umount', mount], check=False)


def main():
    global NATIVE, SYMBOLS, JIT_DLL
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=os.path.join(REPO, 'src/CodeForge.Cli/forge.order'))
    parser.add_argument('--native', default=NATIVE, help='the native binary to profile (default: the one ./forge built)')
    parser.add_argument('--symbols', default=SYMBOLS, help="that binary's symbols (ILC's .dbg file)")
    parser.add_argument('--jit', default=JIT_DLL, help='the JIT build of forge.dll')
    parser.add_argument('--reuse', help='skip the perf and JIT passes: after the page tiers, the names of this order file')
    args = parser.parse_args()
    NATIVE, SYMBOLS, JIT_DLL = os.path.abspath(args.native), os.path.abspath(args.symbols), os.path.abspath(args.jit)
    for need in (NATIVE, SYMBOLS, DRIVER) + (() if args.reuse else (JIT_DLL,)):
        if not os.path.exists(need):
            sys.exit(f'order-file: {need} is missing (see the docstring: build it first)')
    syms = code_symbols()
    scenarios = Scenarios()
    out = tempfile.mkdtemp(prefix='forge-order-lists-')
    try:
        paged = page_tiers(scenarios, syms, out)
        if args.reuse:
            known = {name for _, name in syms}
            sampled, jit, unmatched = [], [n for n in open(args.reuse).read().split() if n in known], 0
        else:
            sampled = perf_symbols(scenarios, out, syms)
            jit, unmatched = match_jit(jit_lists(scenarios, out), index_symbols(syms))
    finally:
        scenarios.close()
    order = list(dict.fromkeys(paged + sampled + jit))
    with open(args.out, 'w') as f:
        f.write('\n'.join(order) + '\n')
    print(f'order-file: {len(order)} methods ({len(set(paged))} from the page tiers, {len(set(sampled))} from perf, '
          f'{len(set(jit))} from the JIT list or --reuse, {unmatched} JIT entries without a symbol) -> {args.out}',
          file=sys.stderr)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == '__main__':
    main()
