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
from .signals import unit_reformed


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


# ---------------------------------------------------------------- member units managed by the office

UNIT_FIELDS = ("short_name", "full_name", "kind", "order")


def _check_office(user, committee_id, message=None):
    if not access_for(user).is_office_of(committee_id):
        raise PermissionDenied(message or _("只有该残工委办公室可以管理成员单位。"))


def _clean_unit(unit):
    try:
        unit.full_clean()
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            for message in errors:
                if name == "__all__" and "short_name" in message:
                    message = _("本残工委已有同名单位。")
                messages.append(message)
        raise ValidationError(messages) from None


@transaction.atomic
def add_unit(*, user, committee: Committee, short_name: str, full_name: str = "", kind=Unit.Kind.GOVERNMENT,
             code: str = "", order: int | None = None, aliases=()) -> Unit:
    """The office adds a member unit; the code is made up from the order when not given."""
    _check_office(user, committee.pk)
    short_name = (short_name or "").strip()
    if not short_name:
        raise ValidationError(_("请填写单位简称。"))
    if Unit.objects.filter(committee=committee, short_name=short_name).exists():
        raise ValidationError(_("本残工委已有名为“%(n)s”的单位。") % {"n": short_name})
    if UnitAlias.objects.filter(committee=committee, name=short_name).exists():
        raise ValidationError(_("“%(n)s”已是本残工委另一单位的别名。") % {"n": short_name})
    last = Unit.objects.filter(committee=committee).order_by("-order").values_list("order", flat=True).first() or 0
    order = last + 1 if order is None else order
    code = (code or "").strip() or f"u{Unit.objects.filter(committee=committee).count() + 1}"
    while Unit.objects.filter(committee=committee, code=code).exists():
        code = f"{code}-{secrets.token_hex(2)}"
    unit = Unit(committee=committee, code=code, short_name=short_name, full_name=(full_name or "").strip(),
                kind=kind, order=order)
    _clean_unit(unit)
    unit.save()
    for name in aliases:
        add_alias(unit=unit, name=name)
    return unit


@transaction.atomic
def update_unit(*, user, unit: Unit, **fields) -> Unit:
    """Change a unit's names, kind or order (a change of name by 机构改革 goes through ``reform_unit``)."""
    _check_office(user, unit.committee_id)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    for name, value in fields.items():
        setattr(unit, name, value.strip() if isinstance(value, str) else value)
    if not unit.short_name:
        raise ValidationError(_("请填写单位简称。"))
    if Unit.objects.filter(committee_id=unit.committee_id, short_name=unit.short_name).exclude(pk=unit.pk).exists():
        raise ValidationError(_("本残工委已有名为“%(n)s”的单位。") % {"n": unit.short_name})
    _clean_unit(unit)
    unit.save()
    return unit


@transaction.atomic
def add_unit_alias(*, user, unit: Unit, name: str) -> UnitAlias:
    _check_office(user, unit.committee_id)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写别名。"))
    if len(name) > 120:
        raise ValidationError(_("别名请控制在120字以内。"))
    taken = UnitAlias.objects.filter(committee_id=unit.committee_id, name=name).exclude(unit=unit).first()
    if taken is not None:
        raise ValidationError(_("“%(name)s”已是%(unit)s的别名。") % {"name": name, "unit": taken.unit})
    if Unit.objects.filter(committee_id=unit.committee_id, short_name=name).exclude(pk=unit.pk).exists():
        raise ValidationError(_("“%(name)s”是本残工委另一单位的简称。") % {"name": name})
    return add_alias(unit=unit, name=name)


@transaction.atomic
def remove_unit_alias(*, user, alias: UnitAlias) -> None:
    _check_office(user, alias.committee_id)
    alias.delete()


@transaction.atomic
def retire_unit(*, user, unit: Unit, retired_on) -> Unit:
    """撤销: the unit is no longer a member. It disappears from choices; its reports and plans keep it."""
    _check_office(user, unit.committee_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(_("%(u)s已撤销或更名。") % {"u": unit.short_name})
    if retired_on is None:
        raise ValidationError(_("请填写撤销日期。"))
    if unit.member_since and retired_on < unit.member_since:
        raise ValidationError(_("撤销日期不能早于成为成员单位的日期。"))
    unit.is_active, unit.member_until = False, retired_on
    unit.save(update_fields=["is_active", "member_until"])
    return unit


@transaction.atomic
def reform_unit(*, user, unit: Unit, effective_on, successor: Unit | None = None, new_name: str = "",
                new_full_name: str = "") -> Unit:
    """机构改革: ``unit`` is renamed (a new unit ``new_name`` takes over) or merged into ``successor``.

    From ``effective_on`` the successor carries the duties: people's roles and the counterpart links
    move to it, and the apps above move what is still open (``unit_reformed``: open report slots,
    assignments of running plans). The old unit stays, inactive, with everything already reported
    under its name; the roll-up counts the two as one. Returns the successor.
    """
    _check_office(user, unit.committee_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active or unit.successor_id:
        raise ValidationError(_("%(u)s已撤销或更名，不能再次更名或合并。") % {"u": unit.short_name})
    if effective_on is None:
        raise ValidationError(_("请填写机构改革的生效日期。"))
    if (successor is None) == (not (new_name or "").strip()):
        raise ValidationError(_("请填写新名称（更名），或选择并入的单位（合并），二者选一。"))
    if successor is None:
        successor = add_unit(user=user, committee=unit.committee, short_name=new_name, full_name=new_full_name,
                             kind=unit.kind, order=unit.order)
    else:
        if successor.pk == unit.pk:
            raise ValidationError(_("不能并入单位自身。"))
        if successor.committee_id != unit.committee_id:
            raise ValidationError(_("只能并入本残工委的成员单位。"))
        if not successor.is_active:
            raise ValidationError(_("%(u)s已撤销或更名，不能并入。") % {"u": successor.short_name})
    unit.successor, unit.renamed_on, unit.is_active = successor, effective_on, False
    unit.member_until = effective_on
    _clean_unit(unit)
    unit.save(update_fields=["successor", "renamed_on", "is_active", "member_until"])
    for role in UnitRole.objects.filter(unit=unit):
        UnitRole.objects.get_or_create(user_id=role.user_id, unit=successor, role=role.role)
    UnitRole.objects.filter(unit=unit).delete()
    for link in Counterpart.objects.filter(unit=unit):  # links up: the successor answers for the upper unit now
        link.unit = successor
        link.save(update_fields=["unit"])
    for link in Counterpart.objects.filter(upper_unit=unit):  # links down from the committees below
        if not Counterpart.objects.filter(committee_id=link.committee_id, upper_unit=successor).exists():
            link.upper_unit = successor
            link.save(update_fields=["upper_unit"])
    unit_reformed.send(sender=Unit, unit=unit, successor=successor, effective_on=effective_on, user=user)
    return successor


# ---------------------------------------------------------------- counterpart (对口) links

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
