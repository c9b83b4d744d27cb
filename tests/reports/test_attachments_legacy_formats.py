"""Evidence files in the old office formats: accepted by content, size-limited, stored as they are, never converted."""
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from reports import services
from reports.models import Attachment
from tasks.importer import convert

pytestmark = pytest.mark.django_db
FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
DOC = (FORMATS / "jilin-2021-key-tasks.doc").read_bytes()
XLS = (FORMATS / "jilin-13th-fyp-division-table.xls").read_bytes()
RTF = (FORMATS / "jilin-2021-key-tasks.rtf").read_bytes()
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture(autouse=True)
def never_convert(monkeypatch):
    monkeypatch.setattr(convert, "convert_office", lambda *a, **k: pytest.fail("evidence must never be converted"))
    monkeypatch.setattr(convert, "_run", lambda *a, **k: pytest.fail("evidence must never be converted"))


def add(world, report, name, content, user="lead_reporter"):
    # The file moves into place when the row commits: run the commit hooks of the test's transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.add_attachment(report=report, user=world.users[user], upload=SimpleUploadedFile(name, content))


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("旧版说明.doc", DOC, "application/msword"),
    ("金山文字.wps", DOC, "application/msword"),
    ("台账.xls", XLS, "application/vnd.ms-excel"),
    ("金山表格.et", XLS, "application/vnd.ms-excel"),
    ("说明.rtf", RTF, "application/rtf"),
])
def test_old_formats_are_accepted_and_stored_unchanged(world, flow, name, content, content_type):
    attachment = add(world, flow.draft(), name, content)
    assert attachment.content_type == content_type
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(("name", "content", "message"), [
    ("幻灯片.doc", OLE + "PowerPoint Document".encode("utf-16-le") + b"\x00" * 64, "不是可接受的类型"),
    ("加密.doc", OLE + "WordDocument".encode("utf-16-le") + "EncryptionInfo".encode("utf-16-le"), "不是可接受的类型"),
    ("伪装.xls", DOC, "扩展名与内容不符"),
    ("伪装.pdf", XLS, "扩展名与内容不符"),
])
def test_refused_old_format_files_write_nothing(world, flow, name, content, message):
    with pytest.raises(ValidationError) as exc:
        add(world, flow.draft(), name, content)
    assert message in exc.value.messages[0]
    assert not Attachment.objects.exists()


def test_old_format_over_the_size_limit_is_refused(world, flow, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        add(world, flow.draft(), "大.doc", DOC)
    assert "上限" in exc.value.messages[0]
    assert not Attachment.objects.exists()
