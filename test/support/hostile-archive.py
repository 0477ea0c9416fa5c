"""Writes a tar or zip archive exactly as listed, hostile names and links included.

Python's tarfile and zipfile write whatever they are given (unlike yazl or
node-tar, which refuse `..` names), so tests can build the archives an attacker
would. Usage: hostile-archive.py tar|tar.gz|zip OUT 'JSON list of entries'
where an entry is [kind, name, data]: kind is file, dir, sym (data = target),
hard (data = target), fifo, chr, blk; for tar, a name longer than 100 bytes is
written as a pax path header.
"""
import io, json, stat, sys, tarfile, time, zipfile

fmt, out, entries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

if fmt.startswith('tar'):
    kinds = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'sym': tarfile.SYMTYPE, 'hard': tarfile.LNKTYPE,
             'fifo': tarfile.FIFOTYPE, 'chr': tarfile.CHRTYPE, 'blk': tarfile.BLKTYPE}
    with tarfile.open(out, 'w:gz' if fmt == 'tar.gz' else 'w', format=tarfile.PAX_FORMAT) as t:
        for kind, name, data in entries:
            info = tarfile.TarInfo(name)
            info.type = kinds[kind]
            info.mtime = int(time.time())
            info.mode = 0o755 if kind == 'dir' else 0o644
            body = None
            if kind in ('sym', 'hard'):
                info.linkname = data
            elif kind == 'file':
                body = data.encode()
                info.size = len(body)
            t.addfile(info, io.BytesIO(body) if body is not None else None)
else:
    modes = {'file': stat.S_IFREG | 0o644, 'dir': stat.S_IFDIR | 0o755, 'sym': stat.S_IFLNK | 0o777,
             'fifo': stat.S_IFIFO | 0o644, 'chr': stat.S_IFCHR | 0o644, 'blk': stat.S_IFBLK | 0o644}
    with zipfile.ZipFile(out, 'w') as z:
        for kind, name, data in entries:
            info = zipfile.ZipInfo(name + ('/' if kind == 'dir' and not name.endswith('/') else ''))
            info.create_system = 3  # Unix, so the mode bits below are read
            info.external_attr = modes[kind] << 16
            z.writestr(info, '' if kind == 'dir' else data)
