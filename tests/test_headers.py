"""Headers and exposure: CSP everywhere, no inline script, Chinese error pages, DEBUG off by default,
strict ordering, JSON-only API in production."""
import re
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from .test_settings import run_manage

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize("who, url", [(None, "/accounts/login/"), ("office", "/"), ("lead_reporter", "/reports/"),
                                      ("office", "/reports/rounds/"), ("office", "/accounts/password/")])
def test_every_page_has_a_csp_with_script_src_self(client, world, who, url):
    if who:
        client.force_login(world.users[who])
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_no_template_has_an_inline_script_or_event_handler():
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, path
        assert re.search(r"\son(click|load|change|submit|input)=", html) is None, path


@pytest.mark.parametrize("url", ["/reports/rounds/", "/", "/api/v1/units/"])
def test_logged_in_pages_are_never_stored(client, world, url):
    client.force_login(world.users["office"])
    assert "no-store" in client.get(url)["Cache-Control"]


def test_404_is_a_chinese_page_without_the_url_list(client, world):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in html and "URLconf" not in html


def test_403_and_500_pages_are_chinese(client, world, rf):
    from django.template.loader import render_to_string

    client.force_login(world.users["lead_reporter"])
    response = client.get(reverse("round-list"))
    assert response.status_code == 403 and "没有权限" in response.content.decode()
    assert "系统出错" in render_to_string("500.html")
    assert "请求有误" in render_to_string("400.html", request=rf.get("/"))


def test_debug_is_off_unless_asked_for_explicitly():
    script = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    assert "DEBUG False" in run_manage("shell", "-c", script, env_extra={}).stdout
    assert "DEBUG True" in run_manage("shell", "-c", script, env_extra={"DEBUG": "1"}).stdout


def test_unknown_ordering_is_a_400_naming_the_allowed_fields(world):
    client = APIClient()
    client.force_login(world.users["office"])
    response = client.get("/api/v1/tasks/", {"ordering": "-no_such_field"})
    assert response.status_code == 400
    body = response.json()
    assert "ordering" in body["errors"] and "deadline" in body["errors"]["ordering"][0]
    assert client.get("/api/v1/tasks/", {"ordering": "-deadline,ref"}).status_code == 200


def test_browsable_api_only_outside_production(world, settings):
    client = APIClient()
    client.force_login(world.users["office"])
    assert client.get("/api/v1/units/", HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")
    script = ("from django.conf import settings; "
              "print(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])")
    output = run_manage("shell", "-c", script, env_extra={
        "LUOSHI_MODE": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "luoshi.example.gov.cn"}).stdout
    assert "JSONRenderer" in output and "Browsable" not in output
