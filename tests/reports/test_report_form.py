"""One report form: narrative, figures, the answer to a return comment and evidence files in one
request; the automatic draft save through the same optimistic-lock service; the return comment
stays in view until the report is resubmitted."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from reports.models import Attachment, ProgressReport, RefusedEdit

from .test_web_reporting import form_data, login

pytestmark = pytest.mark.django_db
S = ProgressReport.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def test_save_and_submit_uploads_the_chosen_files_in_the_same_request(client, world):
    report = world.report_of(world.lead_unit)
    url = reverse("report-detail", args=[report.pk])
    login(client, world, "lead_reporter")
    data = form_data(world, report, then="submit")
    data["evidence"] = [SimpleUploadedFile("台账.pdf", PDF), SimpleUploadedFile("照片.pdf", PDF)]
    response = post(client, url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.progress == "本季度新增就业3000人。"
    assert sorted(Attachment.objects.filter(report=report).values_list("original_name", flat=True)) == [
        "台账.pdf", "照片.pdf"]


def test_a_bad_file_keeps_the_typed_text_as_a_draft_and_does_not_submit(client, world):
    report = world.report_of(world.lead_unit)
    url = reverse("report-detail", args=[report.pk])
    login(client, world, "lead_reporter")
    data = form_data(world, report, then="submit")
    data["evidence"] = [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" + b"\x00" * 40)]
    response = post(client, url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.DRAFT and report.progress == "本季度新增就业3000人。"
    assert not Attachment.objects.filter(report=report).exists()
    page = client.get(url).content.decode()
    assert "不是可接受的类型" in page and "暂未提交" in page


def test_an_invalid_form_still_keeps_the_chosen_files(client, world):
    report = world.report_of(world.lead_unit)
    url = reverse("report-detail", args=[report.pk])
    login(client, world, "lead_reporter")
    data = form_data(world, report, **{f"figure_{world.target.pk}": "abc"})
    data["evidence"] = [SimpleUploadedFile("台账.pdf", PDF)]
    response = post(client, url, data)
    assert response.status_code == 400
    assert Attachment.objects.filter(report=report).count() == 1  # the file was not lost


def test_only_the_units_reporter_uploads_through_the_form(client, world):
    report = world.report_of(world.lead_unit)
    url = reverse("report-detail", args=[report.pk])
    for name in ("part_reporter", "lead_approver", "office"):
        login(client, world, name)
        data = form_data(world, report)
        data["evidence"] = [SimpleUploadedFile("台账.pdf", PDF)]
        assert post(client, url, data).status_code in (403, 404)
    assert not Attachment.objects.exists()


def test_autosave_saves_a_new_version_through_the_same_service(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    response = client.post(reverse("report-autosave", args=[report.pk]), form_data(world, report, progress="自动保存的文字"))
    assert response.status_code == 200 and response.json()["version"] == 2
    report.refresh_from_db()
    assert report.progress == "自动保存的文字" and report.version == 2
    assert report.history.first().history_change_reason == "自动保存"
    # The page's 版本 line is replaced by this one (it would read 第1版 until a reload otherwise).
    when = timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M")
    name = world.users["lead_reporter"].get_full_name() or "lead_reporter"
    assert response.json()["version_line"] == f"第2版，{name} {when}"


def test_report_form_announces_saves_politely_and_failures_as_alerts(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert '<p class="autosave-status" role="status" aria-live="polite"></p>' in html
    assert '<p class="autosave-error" role="alert"></p>' in html
    assert '<span class="version-line">第1版' in html


def test_autosave_conflict_never_overwrites_and_keeps_the_refused_text(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    stale = form_data(world, report, progress="甲在手机上自动保存的文字")
    assert client.post(reverse("report-detail", args=[report.pk]), form_data(world, report, progress="乙先保存")).status_code == 302
    response = client.post(reverse("report-autosave", args=[report.pk]), stale)
    assert response.status_code == 409 and response.json()["conflict"] is True
    report.refresh_from_db()
    assert report.progress == "乙先保存"
    assert RefusedEdit.objects.get(report=report).payload["progress"] == "甲在手机上自动保存的文字"


def test_autosave_refuses_other_people_and_bad_input(client, world, flow):
    report = world.report_of(world.lead_unit)
    url = reverse("report-autosave", args=[report.pk])
    login(client, world, "part_reporter")
    assert client.post(url, form_data(world, report)).status_code == 404  # not readable: a draft of another unit
    login(client, world, "lead_approver")
    assert client.post(url, form_data(world, report)).status_code == 403
    login(client, world, "lead_reporter")
    assert client.get(url).status_code == 405
    response = client.post(url, form_data(world, report, **{f"figure_{world.target.pk}": "-5"}))
    assert response.status_code == 400 and "负数" in response.json()["message"]
    report.refresh_from_db()
    assert report.version == 1
    flow.submitted()
    report.refresh_from_db()
    assert client.post(url, form_data(world, report)).status_code == 403  # submitted: no longer editable


def test_the_return_comment_stays_until_resubmitted_and_the_reporter_answers_it(client, world, flow):
    report = flow.returned(comment="请补充分市（州）的就业人数。")
    url = reverse("report-detail", args=[report.pk])
    login(client, world, "lead_reporter")
    assert "请补充分市（州）的就业人数。" in client.get(url).content.decode()
    data = form_data(world, report, reply="已补充长春、吉林两市数据。")
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == S.DRAFT and report.comment_reply == "已补充长春、吉林两市数据。"
    page = client.get(url).content.decode()
    assert "请补充分市（州）的就业人数。" in page and "return-comment" in page  # still there, highlighted
    assert "已补充长春、吉林两市数据。" in page
    assert client.post(url, form_data(world, report, then="submit", reply=data["reply"])).status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.comment_reply == "已补充长春、吉林两市数据。"
    login(client, world, "office")
    page = client.get(url).content.decode()
    assert "return-comment" not in page and "已补充长春、吉林两市数据。" in page  # the answer, for the reviewers


def test_reply_field_only_when_a_return_comment_is_pending(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    assert 'name="reply"' not in client.get(reverse("report-detail", args=[report.pk])).content.decode()
