"""Evidence files: checked by content and size, stored under MEDIA_ROOT, readable only by the report's readers."""
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from reports import services
from reports.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_zip(member):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def add(world, report, name, content, user="lead_reporter"):
    # The file moves into place when the row commits: run the commit hooks of the test's transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.add_attachment(report=report, user=world.users[user], upload=SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("证明.pdf", PDF, "application/pdf"),
        ("照片.PNG", PNG, "image/png"),
        ("照片.jpeg", JPEG, "image/jpeg"),
        ("说明.docx", office_zip("word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", office_zip("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("说明.txt", "全省新增就业3000人。".encode("gb18030"), "text/plain; charset=utf-8"),
    ],
)
def test_accepted_kinds_are_stored_with_their_checked_type(world, flow, name, content, content_type):
    report = flow.draft()
    attachment = add(world, report, name, content)
    assert attachment.content_type == content_type and attachment.size == len(content)
    assert attachment.original_name == name and len(attachment.sha256) == 64
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert attachment.file.name.startswith("evidence/")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("病毒.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "不是可接受的类型"),
        ("压缩包.docx", office_zip("other.xml"), "不是可接受的类型"),
        ("伪装.pdf", PNG, "扩展名与内容不符"),
        ("脚本.txt", b"\x00\x01binary", "不是可接受的类型"),
        ("空.pdf", b"", "是空的"),
    ],
)
def test_refused_files_write_nothing(world, flow, name, content, message):
    report = flow.draft()
    with pytest.raises(ValidationError) as exc:
        add(world, report, name, content)
    assert message in exc.value.messages[0]
    assert not Attachment.objects.exists()


def test_oversized_file_refused(world, flow, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 20
    with pytest.raises(ValidationError, match="超过了"):
        add(world, flow.draft(), "大.pdf", PDF)


def test_only_the_units_reporter_attaches_and_only_while_editable(world, flow):
    report = flow.draft()
    for name in ("lead_approver", "part_reporter", "office"):
        with pytest.raises(PermissionDenied):
            add(world, report, "证明.pdf", PDF, user=name)
    report = flow.submitted()
    with pytest.raises(ValidationError, match="不能再添加材料"):
        add(world, report, "证明.pdf", PDF)
    assert not Attachment.objects.exists()


def test_removing_keeps_the_file_and_the_record(world, flow, client):
    report = flow.draft()
    attachment = add(world, report, "证明.pdf", PDF)
    client.force_login(world.users["lead_reporter"])
    client.post(reverse("attachment-remove", args=[attachment.pk]))
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and attachment.removed_by == world.users["lead_reporter"]
    assert attachment.file.storage.exists(attachment.file.name)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "暂无证明材料" in page
    history = client.get(reverse("report-history", args=[report.pk])).content.decode()
    assert "证明.pdf" in history


def test_upload_and_download_through_the_web(world, flow, client):
    report = flow.draft()
    client.force_login(world.users["lead_reporter"])
    response = client.post(reverse("report-attachments", args=[report.pk]),
                           {"file": SimpleUploadedFile("照片.pdf", PNG)}, follow=True)
    assert "扩展名与内容不符" in response.content.decode() and not Attachment.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("report-attachments", args=[report.pk]), {"file": SimpleUploadedFile("证明.pdf", PDF)})
    attachment = Attachment.objects.get()
    client.force_login(world.users["leader"])
    response = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(world.users["other_office"])
    assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 404


def test_storage_failure_says_so_in_chinese_and_leaves_nothing(world, flow, monkeypatch, settings, tmp_path):
    """Disk full (or the folder unwritable): a clear message, no row, no partial or temporary file."""
    import builtins

    report = flow.draft()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    real_open = builtins.open

    class DiskFull:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, chunk):
            self.handle.write(chunk[:3])  # a partial file is on disk when the error comes
            raise OSError(28, "No space left on device")

    def filling_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return DiskFull(handle) if str(path).endswith(".part") else handle

    monkeypatch.setattr(builtins, "open", filling_open)
    with pytest.raises(ValidationError, match="服务器暂时无法保存文件"):
        add(world, report, "证明.pdf", PDF)
    monkeypatch.setattr(builtins, "open", real_open)
    assert not Attachment.objects.exists()
    leftovers = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_refused_row_leaves_no_file(world, flow, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    report = flow.draft()
    report.round.closed = True
    report.round.save()
    with pytest.raises(ValidationError, match="已关闭"):
        add(world, report, "证明.pdf", PDF)
    assert not Attachment.objects.exists()
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []
