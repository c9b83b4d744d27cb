"""Large Excel templates are checked by a Celery job with time limits, never in the web worker; the
Excel page follows the job (a static polling script, a reload link without JavaScript) and then shows the result."""
import re
from decimal import Decimal

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from reports import excel, excel_checks, jobs
from reports.models import ExcelUpload, ProgressReport, TargetValue

from .test_excel import download, rows_by_target, to_upload

pytestmark = pytest.mark.django_db
COL = excel.COL


@pytest.fixture
def small_threshold(settings):
    settings.LUOSHI_EXCEL_SYNC_MAX_BYTES = 1024  # every template is "large" here


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(jobs.check_excel_upload, "delay", lambda *args: sent.append(args))
    return sent


def _filled(world, figure=3000, progress="新增就业3000人。"):
    wb = download(world)
    ws = wb[excel.SHEET]
    row = rows_by_target(ws)[world.target.pk]
    ws.cell(row=row, column=COL["figure"], value=figure)
    ws.cell(row=row, column=COL["progress"], value=progress)
    return wb


def _post(client, world, wb):
    return client.post(reverse("unit-excel", args=[world.round.pk, world.lead_unit.pk]), {"file": to_upload(wb)})


def test_the_job_has_soft_and_hard_time_limits(settings):
    assert jobs.check_excel_upload.soft_time_limit == settings.LUOSHI_EXCEL_SOFT_SECONDS
    assert jobs.check_excel_upload.time_limit > jobs.check_excel_upload.soft_time_limit


@pytest.mark.usefixtures("small_threshold")
def test_a_large_upload_is_queued_and_the_page_polls_then_shows_the_saved_drafts(client, world, queued):
    client.force_login(world.users["lead_reporter"])
    response = _post(client, world, _filled(world))
    check = ExcelUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "unit-excel-check", args=[world.round.pk, world.lead_unit.pk, check.pk])
    assert queued == [(check.pk,)] and check.status == ExcelUpload.Status.QUEUED
    assert world.report_of(world.lead_unit).version == 1  # nothing read in the request
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "正在后台逐行检查" in html and "data-poll=" in html and "/static/js/job-poll.js" in html
    assert "刷新查看进度" in html  # without JavaScript
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "script-src 'self'" in page["Content-Security-Policy"]

    assert excel.run_check(check.pk) == ExcelUpload.Status.DONE
    check.refresh_from_db()
    report = world.report_of(world.lead_unit)
    assert check.saved_report_ids == [report.pk] and report.version == 2 and not check.file
    assert TargetValue.objects.get(report=report).value == Decimal("3000")
    html = client.get(response["Location"]).content.decode()
    assert "保存了1份报告" in html and "批量提交所选草稿" in html and "data-poll" not in html
    assert excel.run_check(check.pk) == "gone"  # run again (a redelivered job): nothing happens twice
    assert world.report_of(world.lead_unit).version == 2


@pytest.mark.usefixtures("small_threshold")
def test_embedded_mode_runs_the_check_eagerly_and_the_flow_still_works(client, world):
    client.force_login(world.users["lead_reporter"])
    response = _post(client, world, _filled(world))
    assert ExcelUpload.objects.get().status == ExcelUpload.Status.DONE
    assert "批量提交所选草稿" in client.get(response["Location"]).content.decode()
    assert world.report_of(world.lead_unit).version == 2


@pytest.mark.usefixtures("small_threshold")
def test_a_bad_row_in_a_large_upload_saves_nothing_and_lists_the_problem(client, world):
    client.force_login(world.users["lead_reporter"])
    response = _post(client, world, _filled(world, figure=-5))
    check = ExcelUpload.objects.get()
    assert check.status == ExcelUpload.Status.DONE and any("不能为负数" in p for p in check.problems)
    html = client.get(response["Location"]).content.decode()
    assert "本次没有保存任何内容" in html and "不能为负数" in html and 'type="file"' in html  # may upload again
    assert world.report_of(world.lead_unit).version == 1 and not TargetValue.objects.exists()


@pytest.mark.usefixtures("small_threshold")
def test_a_hostile_large_upload_fails_in_the_job_with_a_chinese_message(client, world, monkeypatch):
    monkeypatch.setattr(excel, "MAX_UNZIPPED_BYTES", 1000)
    client.force_login(world.users["lead_reporter"])
    response = _post(client, world, _filled(world))
    check = ExcelUpload.objects.get()
    assert check.status == ExcelUpload.Status.DONE and "解压后体积异常巨大" in check.problems[0]
    assert "解压后体积异常巨大" in client.get(response["Location"]).content.decode()
    assert world.report_of(world.lead_unit).version == 1


@pytest.mark.usefixtures("small_threshold")
def test_the_soft_time_limit_fails_the_check_and_saves_nothing(client, world, queued, monkeypatch):
    client.force_login(world.users["lead_reporter"])
    _post(client, world, _filled(world))
    check = ExcelUpload.objects.get()

    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(excel, "read_upload", too_slow)
    assert excel.run_check(check.pk) == ExcelUpload.Status.FAILED
    check.refresh_from_db()
    assert "秒仍未完成" in check.problems[0] and check.finished_at
    assert world.report_of(world.lead_unit).version == 1


@pytest.mark.usefixtures("small_threshold")
def test_only_the_units_reporter_uploads_and_only_the_uploader_sees_the_check(client, world, queued):
    client.force_login(world.users["lead_approver"])
    assert _post(client, world, _filled(world)).status_code == 403
    assert not ExcelUpload.objects.exists() and not queued
    client.force_login(world.users["lead_reporter"])
    _post(client, world, _filled(world))
    check = ExcelUpload.objects.get()
    url = reverse("unit-excel-check", args=[world.round.pk, world.lead_unit.pk, check.pk])
    for name in ["lead_approver", "part_reporter", "other_office"]:
        client.force_login(world.users[name])
        assert client.get(url).status_code == 404
    with pytest.raises(Exception, match="只有本单位的填报人"):
        excel_checks.start_check(rnd=world.round, unit=world.lead_unit, user=world.users["part_reporter"],
                                 upload=to_upload(_filled(world)))


@pytest.mark.usefixtures("small_threshold")
def test_a_closed_round_or_an_empty_file_is_refused_before_anything_is_stored(client, world, queued):
    client.force_login(world.users["lead_reporter"])
    world.round.closed = True
    world.round.save()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="已关闭"):
        excel_checks.start_check(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                                 upload=to_upload(_filled(world)))
    world.round.closed = False
    world.round.save()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="是空的"):
        excel_checks.start_check(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                                 upload=SimpleUploadedFile("x.xlsx", b""))
    assert not ExcelUpload.objects.exists() and not queued
    assert not ProgressReport.objects.filter(version__gt=1).exists()


def test_a_small_upload_is_still_checked_at_once(client, world, queued):
    client.force_login(world.users["lead_reporter"])
    response = _post(client, world, _filled(world))
    assert response.status_code == 200 and not ExcelUpload.objects.exists() and not queued
    assert world.report_of(world.lead_unit).version == 2


@pytest.mark.usefixtures("small_threshold")
def test_a_file_name_with_control_characters_is_stored_cleaned(world, queued):
    check = excel_checks.start_check(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                                     upload=to_upload(_filled(world), name="填报\x00.xlsx"))
    assert check.source_name == "填报.xlsx"
