import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_with_wrong_password_shows_a_chinese_error(client, world):
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_and_logout(client, world):
    response = client.post(reverse("login"), {"username": "office", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
