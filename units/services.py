"""Writes for committees and units: one function per change, validated, in one transaction."""
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiClient, ApiToken, Committee, Counterpart, Unit, UnitAlias, UnitRole
from .selectors import access_for


@transaction.atomic
def create_unit(*, committee: Committee, code: str, short_name: str, full_name: str = "", kind=Unit.Kind.GOVERNMENT,
                order: int = 0, aliases=()) -> Unit:
    unit = Unit(committee=committee, code=code, short_name=short_name, full_name=full_name, kind=kind, order=order)
    unit.full_clean()
    unit.save()
    for name in aliases:
        add_alias(unit=unit, name=name)
    return unit


@transaction.atomic
def add_alias(*, unit: Unit, name: str) -> UnitAlias:
    """Remember another name for ``unit`` (idempotent: the same name twice is one alias)."""
    name = name.strip()
    alias, _ = UnitAlias.objects.get_or_create(committee_id=unit.committee_id, name=name, defaults={"unit": unit})
    return alias


@transaction.atomic
def rename_unit(*, unit: Unit, successor: Unit, renamed_on=None) -> Unit:
    """Record 机构改革: ``unit``'s duties pass to ``successor``; history stays with ``unit``."""
    unit.successor = successor
    unit.renamed_on = renamed_on
    unit.is_active = False
    unit.full_clean()
    unit.save(update_fields=["successor", "renamed_on", "is_active"])
    return unit


@transaction.atomic
def grant_role(*, user, unit: Unit, role: str) -> UnitRole:
    grant, _ = UnitRole.objects.get_or_create(user=user, unit=unit, role=role)
    return grant


# ---------------------------------------------------------------- counterpart (对口) links

def _check_office(user, committee_id, message=None):
    if not access_for(user).is_office_of(committee_id):
        raise PermissionDenied(message or _("只有该残工委办公室可以管理成员单位。"))


@transaction.atomic
def set_counterpart(*, user, unit: Unit, upper_unit: Unit) -> Counterpart:
    """Link ``unit`` of a lower committee to its counterpart ``upper_unit`` in the committee directly above
    (市民政局 ↔ 省民政厅). One link per upper unit and committee: a new link replaces the old one."""
    committee = unit.committee
    _check_office(user, committee.pk)
    if upper_unit.committee_id == committee.pk or upper_unit.committee.level == committee.level:
        raise ValidationError(_("对口单位须是上级残工委的成员单位，不能是同级单位（%(u)s与%(v)s同属%(level)s）。") % {
            "u": unit.short_name, "v": upper_unit.short_name, "level": committee.get_level_display()},
            code="same_level")
    if committee.parent_id is None or upper_unit.committee_id != committee.parent_id:
        raise ValidationError(_("对口单位须是直接上级残工委（%(c)s）的成员单位。") % {
            "c": committee.parent.name if committee.parent_id else _("无")}, code="not_parent")
    if not unit.is_active:
        raise ValidationError(_("%(u)s已撤销或更名，不能设置对口单位。") % {"u": unit.short_name})
    link, _created = Counterpart.objects.update_or_create(
        committee=committee, upper_unit=upper_unit, defaults={"unit": unit})
    return link


@transaction.atomic
def remove_counterpart(*, user, link: Counterpart) -> None:
    _check_office(user, link.committee_id)
    link.delete()


# ---------------------------------------------------------------- API clients and their tokens

def hash_api_key(key: str) -> str:
    """The stored form of an API key: its SHA-256 hex digest (the key itself is never stored)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_service_account(name: str):
    """The user an API client's writes are recorded under: inactive, no password, never logs in."""
    User = get_user_model()
    user = User(username=f"api-client-{secrets.token_hex(6)}", first_name=name[:150], is_active=False)
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def create_api_client(*, name: str, committee: Committee, access: str = ApiClient.AccessLevel.READ_ONLY,
                      created_by=None, throttle_rate: str = "", contact: str = "") -> ApiClient:
    """Register another system; it gets a service account that can never log in to the web UI."""
    user = new_service_account(name)
    client = ApiClient(name=name.strip(), committee=committee, access=access, created_by=created_by,
                       throttle_rate=throttle_rate.strip(), contact=contact, user=user)
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def issue_api_token(*, client: ApiClient, created_by=None) -> tuple[ApiToken, str]:
    """A new key for ``client``. Returns ``(token, key)``: show ``key`` once, it cannot be recovered."""
    prefix = "ls_" + secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(client=client, prefix=prefix, key_hash=hash_api_key(key), created_by=created_by)
    return token, key


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    """Stop a key from working at once (idempotent: revoking twice keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
