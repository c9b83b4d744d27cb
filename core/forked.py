"""Rows made in a forked child process and read back by the parent, batch by batch.

Writing a large workbook is Python on one core: reading its rows (database waits, decoding,
neutralising texts) and writing them take turns. ``rows_in_child`` lets a child process make
the rows while the parent writes, so the reading runs on another core. The child is a fork:
it inherits what the parent has already read and opens its own database connection; rows
come back pickled through a pipe, in batches, in order.

A fork must not use the parent's database connections (their sockets are shared): the child
sets aside every connection it inherited, without closing it, and Django opens new ones. It
cannot see rows the parent has written but not committed, so ``can_fork`` is false inside a
transaction (and on platforms without ``fork``); callers then make the rows in-process.
"""
from __future__ import annotations

import os
import pickle
import signal

from django.db import connections

PIPE_BYTES = 1 << 20

# In a child: the connections it inherited, kept referenced so that they are never finalised there
# (finalising one would end the parent's session on the socket they share); the child ends by
# ``os._exit``, which runs no finaliser.
_INHERITED = []


def can_fork(using="default") -> bool:
    """Whether rows may be made in a forked child now (outside any transaction of ``using``)."""
    return hasattr(os, "fork") and not connections[using].in_atomic_block


def rows_in_child(make_parts, *, parts=1, batch_size=1000) -> list:
    """Fork a child that runs ``make_parts()`` (an iterable of ``parts`` iterables of rows) at once.

    Returns one iterator per part; they must be read in order (part 0 to its end, then part 1...).
    An error in the child is raised by the reading iterator as ``ChildRowsError`` with its message;
    closing a part before its end (also on garbage collection) stops the child.
    """
    child = _Child(make_parts, batch_size)
    return [ChildPart(child, index, last=index == parts - 1) for index in range(parts)]


class ChildRowsError(RuntimeError):
    """The child process making rows failed; the message says how."""


class _Child:
    def __init__(self, make_parts, batch_size):
        self.pid, self.pipe, self.owner = None, None, os.getpid()
        read_end, write_end = os.pipe()
        _widen(write_end)
        pid = os.fork()
        if pid == 0:  # the child: make, send, and leave without running the parent's clean-up
            status = 1
            try:
                os.close(read_end)
                _set_aside_inherited_connections()
                status = _serve(make_parts, write_end, batch_size)
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid = pid
        self.pipe = os.fdopen(read_end, "rb", buffering=1 << 16)
        self.part = 0  # the part being received
        self.batch, self.index = [], 0

    def receive(self):
        try:
            return pickle.load(self.pipe)
        except EOFError:
            status = self.reap()
            raise ChildRowsError(f"读取数据的子进程意外退出（状态 {status}）") from None

    def reap(self):
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None
        if self.pid is None:
            return None
        pid, self.pid = self.pid, None
        _pid, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def finish(self):
        """The last part has ended: the child closes the pipe and exits by itself."""
        try:
            pickle.load(self.pipe)
        except EOFError:
            pass
        self.reap()

    def close(self):
        """Stop the child if it is still working, and reap it (idempotent)."""
        if os.getpid() != self.owner:
            return  # a copy inherited by another fork: the child is not its to stop
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.reap()

    def __del__(self):
        self.close()


class ChildPart:
    """The rows of one part made by a child process (see ``rows_in_child``)."""

    def __init__(self, child, index, *, last):
        self.child, self.index, self.last = child, index, last
        self.finished = False

    def __iter__(self):
        return self

    def __next__(self):
        child = self.child
        if self.finished:
            raise StopIteration
        if child.part != self.index:
            raise RuntimeError("parts of a child's rows are read in order")
        while child.index >= len(child.batch):
            kind, payload = child.receive()
            if kind == "rows":
                child.batch, child.index = payload, 0
            elif kind == "end":
                child.part += 1
                self.finished = True
                if self.last:
                    child.finish()
                raise StopIteration
            else:
                child.close()
                raise ChildRowsError(payload)
        row = child.batch[child.index]
        child.index += 1
        return row

    def close(self):
        """Stop the child unless this part was read to its end."""
        if not self.finished:
            self.finished = True
            self.child.close()


def _set_aside_inherited_connections():
    """In a freshly forked child: Django's connections here are the parent's sessions. Keep them
    (unused, unclosed) and let Django open the child's own on its first query."""
    for wrapper in connections.all(initialized_only=True):
        _INHERITED.append(wrapper)
        del connections[wrapper.alias]


def _widen(fd):
    """Let the pipe hold several batches (Linux: 64 KB by default, up to ``pipe-max-size``, 1 MB),
    so the child sends a batch without waiting for the parent to read the one before."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # a smaller pipe only means more waiting


def _serve(make_parts, write_end, batch_size) -> int:
    """The child's whole life: returns its exit status."""
    status = 0
    try:
        with os.fdopen(write_end, "wb", buffering=1 << 16) as out:
            try:
                for part in make_parts():
                    batch = []
                    for row in part:
                        batch.append(row)
                        if len(batch) >= batch_size:
                            pickle.dump(("rows", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                            out.flush()
                            batch = []
                    if batch:
                        pickle.dump(("rows", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.dump(("end", None), out)
                    out.flush()
            except BrokenPipeError:
                status = 1  # the parent stopped reading: nothing to tell it
            except BaseException as exc:  # noqa: BLE001 — anything goes back to the parent as its message
                status = 1
                pickle.dump(("error", f"{type(exc).__name__}: {exc}"), out)
    except BaseException:  # noqa: BLE001 — the pipe itself failed; the parent sees EOF
        status = 1
    finally:
        connections.close_all()  # its own connections (the inherited ones are set aside): a clean goodbye
    return status
