"""The 500 handler: Chinese, JSON under /api/, and 503 with Retry-After when the database is away
(a PostgreSQL restart or fail-over) — never Django's bare English page."""
import pytest
from django.db import InterfaceError, OperationalError
from django.urls import path

handler500 = "config.views.server_error"


def _raises(exc):
    def view(request):
        raise exc
    return view


urlpatterns = [
    path("page/db-away/", _raises(OperationalError("could not connect to server: Connection refused"))),
    path("page/closed/", _raises(InterfaceError("connection already closed"))),
    path("page/bug/", _raises(ZeroDivisionError("bug"))),
    path("api/v1/db-away/", _raises(OperationalError("terminating connection due to administrator command"))),
    path("api/v1/bug/", _raises(KeyError("bug"))),
]

pytestmark = pytest.mark.urls("tests.test_error_handler")


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # as in production: the handler answers
    return client


@pytest.mark.parametrize("url", ["/page/db-away/", "/page/closed/"])
def test_database_away_is_a_503_page_in_chinese(client, url):
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.content.decode()
    assert "数据库暂时无法连接" in body and "30 秒后" in body and "Traceback" not in body


def test_other_errors_stay_a_500_page_in_chinese(client):
    response = client.get("/page/bug/")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "系统出错" in response.content.decode()


def test_api_errors_are_the_one_json_body(client):
    away = client.get("/api/v1/db-away/")
    assert away.status_code == 503 and away["Content-Type"].startswith("application/json")
    assert away.json()["code"] == "service_unavailable" and "数据库暂时无法连接" in away.json()["detail"]
    bug = client.get("/api/v1/bug/")
    assert bug.status_code == 500 and bug.json() == {
        "code": "server_error", "detail": bug.json()["detail"], "errors": {}} and "意外错误" in bug.json()["detail"]
