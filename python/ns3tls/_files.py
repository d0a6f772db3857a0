"""Output files: paths checked before anything runs, written atomically, modes from the umask."""

import os
import tempfile
import threading

_umask_lock = threading.Lock()


def umask():
    """The process's current umask (read without changing it for longer than a call)."""
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def check_path(path, what="path"):
    """A path as a str; ValueError for a NUL character (no OS call accepts it)."""
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if "\0" in path:
        raise ValueError(f"{what} {path!r} contains a NUL character")
    return path


def check_writable(path, what="out"):
    """Checks, before any work, that ``path`` can be written: makes its directory and creates
    and removes a temporary file there. Raises ValueError naming the path otherwise."""
    path = check_path(path, what)
    if os.path.isdir(path):
        raise ValueError(f"{what}={path!r} is a directory")
    target = os.path.realpath(path)
    if os.path.exists(target) and not os.path.isfile(target):
        if not os.access(target, os.W_OK):
            raise ValueError(f"{what}={path!r} is not writable")
        return path  # a device or FIFO: written through
    directory = os.path.dirname(target)
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".probe")
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise ValueError(f"cannot write {what}={path!r}: {e.strerror or e}") from None
    return path


def write_atomic(path, text):
    """Writes text to path: a regular file (or a new one) is replaced atomically (temporary file
    in the same directory, then os.replace) with the existing file's mode, or 0666 minus the
    umask for a new one, as open() would; a symlink is followed; a device or FIFO is written
    through."""
    path = check_path(path)
    target = os.path.realpath(path)
    if os.path.exists(target) and not os.path.isfile(target):
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
        return
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~umask()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600 whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
