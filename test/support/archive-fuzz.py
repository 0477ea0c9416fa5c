"""Generates hostile archives in bulk and records what other extractors do with them.

Usage: archive-fuzz.py OUTDIR SEED COUNT. Writes OUTDIR/cases.json: one case per
archive with its entries and, per reference extractor, whether it finished and
whether anything landed outside its extraction folder. References: GNU tar
(`tar -xf`), Python's tarfile with the 'data' filter (PEP 706), Python's zipfile
`extractall`, and Info-ZIP `unzip` when installed. Each runs in a jail
(JAIL/a/b/x, extraction into x), and absolute link targets point into OUTDIR/abs,
so an escape shows up as a file outside x or inside abs.
"""
import io, json, os, random, shutil, stat, subprocess, sys, tarfile, time, warnings, zipfile
warnings.simplefilter("ignore")  # zipfile warns on the duplicate names we write on purpose

out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
ABS = os.path.join(out, 'abs')
os.makedirs(ABS, exist_ok=True)
NAMES = ['a', 'b', 'd', 'l', 'e', 'x', 'src']

def comp():
    return rnd.choice(NAMES)

def rel_path(n):
    return '/'.join(comp() for _ in range(n))

def link_target():
    r = rnd.random()
    if r < 0.12:
        return os.path.join(ABS, comp())
    if r < 0.18:
        return '/etc/os-release'
    parts = [rnd.choice(NAMES + ['..', '..', '.', 'd/l', 'l']) for _ in range(rnd.randint(1, 6))]
    return '/'.join(parts)

def entries_for(fmt):
    es = [['file', 'Dockerfile', 'FROM scratch\n']]
    for _ in range(rnd.randint(2, 9)):
        r = rnd.random()
        name = rel_path(rnd.randint(1, 3))
        if r < 0.35:
            es.append(['sym', name, link_target()])
        elif r < 0.45:
            es.append(['dir', name, ''])
        elif r < 0.5:
            es.append(['file', name + '/' + ('n' * rnd.randint(90, 160)), 'long'])
        elif r < 0.55 and fmt == 'zip':
            es.append(['file', name.replace('/', '\\') + '\\..\\' + comp(), 'bs'])
        elif r < 0.6 and fmt != 'zip':
            es.append([rnd.choice(['hard', 'fifo']), name, rel_path(1)])
        elif r < 0.65 and len(es) > 1:
            prev = rnd.choice(es[1:])
            es.append(['file', prev[1], 'again'])  # a duplicate, possibly a file over a link
        else:
            es.append(['file', name, 'marker'])
    # The classic: a link, then a file written under it.
    if rnd.random() < 0.4:
        links = [e for e in es if e[0] == 'sym']
        if links:
            es.append(['file', rnd.choice(links)[1] + '/' + comp(), 'through'])
    return es

def write(fmt, path, es):
    if fmt == 'tar':
        kinds = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'sym': tarfile.SYMTYPE, 'hard': tarfile.LNKTYPE, 'fifo': tarfile.FIFOTYPE}
        with tarfile.open(path, 'w', format=tarfile.PAX_FORMAT) as t:
            for kind, name, data in es:
                info = tarfile.TarInfo(name)
                info.type = kinds[kind]
                info.mtime = 1700000000
                info.mode = 0o755 if kind == 'dir' else 0o644
                body = None
                if kind in ('sym', 'hard'):
                    info.linkname = data
                elif kind == 'file':
                    body = data.encode()
                    info.size = len(body)
                t.addfile(info, io.BytesIO(body) if body is not None else None)
    else:
        modes = {'file': stat.S_IFREG | 0o644, 'dir': stat.S_IFDIR | 0o755, 'sym': stat.S_IFLNK | 0o777}
        with zipfile.ZipFile(path, 'w') as z:
            for kind, name, data in es:
                info = zipfile.ZipInfo(name + ('/' if kind == 'dir' else ''))
                info.create_system = 3
                info.external_attr = modes[kind] << 16
                z.writestr(info, '' if kind == 'dir' else data)

def escaped(jail):
    bad = []
    for dirpath, dirs, files in os.walk(jail):
        if dirpath == os.path.join(jail, 'a', 'b'):
            dirs[:] = [d for d in dirs if d != 'x']
        bad += [os.path.join(dirpath, f) for f in files]
        bad += [os.path.join(dirpath, d) for d in dirs if os.path.islink(os.path.join(dirpath, d))]
    for f in os.listdir(ABS):
        bad.append(os.path.join(ABS, f))
        p = os.path.join(ABS, f)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
    return bad

def run_ref(i, tool, fn):
    jail = os.path.join(out, 'ref', str(i), tool)
    x = os.path.join(jail, 'a', 'b', 'x')
    os.makedirs(x)
    try:
        fn(x)
        ok, err = True, ''
    except Exception as e:
        ok, err = False, type(e).__name__ + ': ' + str(e)[:200]
    return {'ok': ok, 'error': err, 'escaped': escaped(jail)}

def gnutar(path):
    def f(x):
        r = subprocess.run(['tar', '-xf', path, '-C', x], capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(r.stderr.strip()[:200])
    return f

def pydata(path):
    def f(x):
        with tarfile.open(path) as t:
            t.errorlevel = 2
            t.extractall(x, filter='data')
    return f

def pyzip(path):
    def f(x):
        with zipfile.ZipFile(path) as z:
            z.extractall(x)
    return f

def unzip(path):
    def f(x):
        r = subprocess.run(['unzip', '-qq', '-o', path, '-d', x], capture_output=True, text=True)
        if r.returncode > 1:
            raise RuntimeError(r.stderr.strip()[:200])
    return f

cases = []
for i in range(count):
    fmt = 'tar' if i % 2 == 0 else 'zip'
    es = entries_for(fmt)
    path = os.path.join(out, f'case{i}.{fmt}')
    write(fmt, path, es)
    refs = {}
    if fmt == 'tar':
        refs['gnu-tar'] = run_ref(i, 'gnu-tar', gnutar(path))
        refs['python-tarfile-data'] = run_ref(i, 'python-tarfile-data', pydata(path))
    else:
        refs['python-zipfile'] = run_ref(i, 'python-zipfile', pyzip(path))
        if shutil.which('unzip'):
            refs['info-zip-unzip'] = run_ref(i, 'info-zip-unzip', unzip(path))
    cases.append({'file': path, 'format': fmt, 'entries': es, 'refs': refs})
json.dump({'abs': ABS, 'cases': cases}, open(os.path.join(out, 'cases.json'), 'w'), indent=1)
