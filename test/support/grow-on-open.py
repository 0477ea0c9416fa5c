"""Grows FILE to SIZE bytes (sparse) the moment another process opens it (inotify IN_OPEN), as a
student's process watching their own folder could while the grader copies it. Prints 'watching' when
ready and 'grown' after. Linux only."""
import ctypes, os, sys
path, size = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL('libc.so.6', use_errno=True)
fd = libc.inotify_init()
if fd < 0 or libc.inotify_add_watch(fd, path.encode(), 0x20) < 0:  # IN_OPEN
    sys.exit('inotify unavailable')
print('watching', flush=True)
os.read(fd, 4096)
os.truncate(path, size)
print('grown', flush=True)
