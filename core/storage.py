"""Storing an uploaded file so that a failure leaves nothing behind.

The caller writes the file to a temporary file beside its destination (same filesystem),
creates the database row that points to it, and moves the file into place with an atomic
rename once that row has committed. A full disk or an unwritable folder surfaces as
``StorageUnavailable`` (the caller says so in the user's language) and leaves no partial file.
"""
import os
import uuid
from dataclasses import dataclass

from django.core.files.storage import default_storage


class StorageUnavailable(Exception):
    """The file could not be written (disk full, folder not writable …)."""


@dataclass(frozen=True)
class PendingFile:
    name: str  # the storage name the row points to
    temp_path: str

    def move_into_place(self):
        os.replace(self.temp_path, default_storage.path(self.name))

    def discard(self):
        try:
            os.remove(self.temp_path)
        except FileNotFoundError:
            pass


def write_pending(name: str, content) -> PendingFile:
    """Write ``content`` next to where ``name`` will live; nothing is visible under ``name`` yet."""
    try:
        final = default_storage.path(name)
        folder = os.path.dirname(final)
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise StorageUnavailable(str(exc)) from exc
    pending = PendingFile(name=name, temp_path=os.path.join(folder, f".{uuid.uuid4().hex}.part"))
    try:
        with open(pending.temp_path, "xb") as out:
            content.seek(0)
            for chunk in content.chunks():
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        pending.discard()
        raise StorageUnavailable(str(exc)) from exc
    finally:
        content.seek(0)
    return pending
