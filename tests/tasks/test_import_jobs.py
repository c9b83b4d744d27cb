"""Large plan files are read by a Celery job with time limits, never in the web worker; the wizard
shows a progress page (polled by a static script, a reload link without JavaScript; no inline script)
until the preview is ready."""
import re

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from tasks import importing, jobs, reading
from tasks.models import PlanImport, WorkPlan
from tests.tasks.test_importing import KEY_TASKS, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_threshold(settings):
    settings.LUOSHI_IMPORT_SYNC_MAX_BYTES = 1024  # the 2021 plan (≈ 12 KB) is "large" here


@pytest.fixture
def queued(monkeypatch):
    """Jobs are queued, not run: what the page shows while a worker has not picked the job up yet."""
    sent = []
    monkeypatch.setattr(jobs.read_plan_import, "delay", lambda *args: sent.append(args))
    return sent


def test_the_jobs_have_soft_and_hard_time_limits(settings):
    assert jobs.read_plan_import.soft_time_limit == settings.LUOSHI_IMPORT_SOFT_SECONDS
    assert jobs.read_plan_import.time_limit > jobs.read_plan_import.soft_time_limit
    assert jobs.ocr_plan_import.time_limit


@pytest.mark.usefixtures("small_threshold")
def test_a_large_plan_is_read_by_a_job_and_the_page_shows_progress_then_the_preview(client, world, queued):
    client.force_login(world.users["office"])
    response = upload(client, world.committee, "p.txt", KEY_TASKS.read_bytes())
    assert response.status_code == 302
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.READING and record.structure == {}
    assert queued == [(record.pk,)]  # handed to a worker, not read in the request
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "正在后台读取" in html
    # polled by a static script (CSP script-src 'self'), or by hand with the reload link without JavaScript
    assert "data-poll=" in html and "/static/js/job-poll.js" in html and "刷新查看进度" in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert reading.run_read(record.pk) == PlanImport.Status.PREVIEW
    page = client.get(response["Location"]).content.decode()
    assert "城镇新增就业5600人以上" in page and "正在后台读取" not in page


@pytest.mark.usefixtures("small_threshold")
def test_embedded_mode_runs_the_job_eagerly_and_the_flow_still_works(client, world):
    client.force_login(world.users["office"])
    response = upload(client, world.committee, "p.txt", KEY_TASKS.read_bytes())
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.PREVIEW and record.structure["tasks"]
    assert "城镇新增就业5600人以上" in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("small_threshold")
def test_a_hostile_large_file_fails_in_the_job_with_a_chinese_message_and_writes_nothing(client, world):
    client.force_login(world.users["office"])
    plans = WorkPlan.objects.count()
    response = upload(client, world.committee, "notes.txt", "今天天气很好，没有任务。\n".encode() * 200)
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.FAILED and "任务" in record.error
    page = client.get(response["Location"])
    assert 'role="alert"' in page.content.decode() and record.error in page.content.decode()
    assert WorkPlan.objects.count() == plans
    assert client.post(response["Location"], {"discard": "1"}).status_code == 302
    assert PlanImport.objects.get().status == PlanImport.Status.DISCARDED


@pytest.mark.usefixtures("small_threshold")
def test_the_soft_time_limit_fails_the_import_cleanly(client, world, queued, monkeypatch):
    client.force_login(world.users["office"])
    upload(client, world.committee, "p.txt", KEY_TASKS.read_bytes())
    record = PlanImport.objects.get()

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reading, "parse_file", too_slow)
    assert reading.run_read(record.pk) == PlanImport.Status.FAILED
    record.refresh_from_db()
    assert "秒仍未完成" in record.error and record.structure == {}
    assert not WorkPlan.objects.filter(import_record=record).exists()


@pytest.mark.usefixtures("small_threshold")
def test_a_discarded_import_is_not_read(world, queued):
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=KEY_TASKS.read_bytes(), filename="p.txt")
    importing.discard_import(record=record, user=world.users["office"])
    assert reading.run_read(record.pk) == "gone"
    record.refresh_from_db()
    assert record.status == PlanImport.Status.DISCARDED and record.structure == {}


@pytest.mark.usefixtures("small_threshold")
def test_over_the_upload_cap_is_refused_before_anything_is_stored(client, world, settings, queued):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 4096
    client.force_login(world.users["office"])
    response = upload(client, world.committee, "big.txt", "一、任务\n1.做好工作。\n".encode() * 400)
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not PlanImport.objects.exists() and not queued


@pytest.mark.usefixtures("small_threshold")
def test_another_committee_cannot_see_a_reading_import(client, world, queued):
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=KEY_TASKS.read_bytes(), filename="p.txt")
    client.force_login(world.users["other_office"])
    assert client.get(reverse("plan-import-preview", args=[record.pk])).status_code == 404
    client.force_login(world.users["lead_reporter"])
    assert client.get(reverse("plan-import-preview", args=[record.pk])).status_code == 404


def test_a_small_plan_is_still_read_at_once(client, world, queued):
    client.force_login(world.users["office"])
    upload(client, world.committee, "p.txt", KEY_TASKS.read_bytes())
    assert PlanImport.objects.get().status == PlanImport.Status.PREVIEW and not queued


@pytest.mark.parametrize("small", [True, False])
def test_a_file_name_with_control_characters_is_stored_cleaned(world, settings, queued, small):
    """The probe on PostgreSQL found it: a NUL in the uploaded file's name was a 500 (PostgreSQL text
    cannot hold NUL)."""
    if not small:
        settings.LUOSHI_IMPORT_SYNC_MAX_BYTES = 1024
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=KEY_TASKS.read_bytes(), filename="计划\x00\x07.txt")
    record.refresh_from_db()
    assert record.source_name == "计划.txt"


def test_a_committee_code_with_a_nul_is_a_400_not_a_500(world):
    """The probe on PostgreSQL found it: the API's committee code with a NUL reached the database."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(world.users["office"])
    response = client.post("/api/v1/plan-imports/", {"committee": "prov\x00", "file": SimpleUploadedFile(
        "p.txt", KEY_TASKS.read_bytes())}, format="multipart")
    assert response.status_code == 400 and "committee" in response.json()["errors"]
    assert not PlanImport.objects.exists()
