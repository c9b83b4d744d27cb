"""People managed by the committee's office, without /admin/: accounts for the member units' reporters
and approvers (one person may hold roles in several units), in bulk from an Excel sheet, deactivation,
password resets (changed at the next log-in: ``security`` receives ``password_set_by_office``) and the last log-in.

Only an administrator (a superuser, or a person with the 管理员 role in the committee) grants the office
and leader roles; the office grants reporter and approver roles in its own committee's active units.
Every function checks, validates and writes in one transaction; refused input writes nothing.
"""
import io
import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.sniffing import ZIP, sniff

from .models import DUTY_ROLES, Committee, PersonProfile, Unit, UnitRole
from .selectors import access_for, unit_name_index
from .signals import password_set_by_office

Role = UnitRole.Role
UNIT_ROLES = (Role.REPORTER, Role.APPROVER)
ADMIN_ONLY_ROLES = (Role.OFFICE, Role.LEADER, Role.ADMIN, *DUTY_ROLES)
PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
ROLE_NAMES = {str(label): value for value, label in Role.choices} | {"填报": Role.REPORTER, "审核": Role.APPROVER,
                                                                     "填报员": Role.REPORTER, "审核员": Role.APPROVER}
SHEET_HEADERS = ["姓名", "单位", "角色", "手机", "邮箱"]
MAX_ROWS = 2000


def is_administrator(user, committee_id) -> bool:
    access = access_for(user)
    return access.is_superuser or committee_id in access.committees_with(Role.ADMIN, Role.SYSTEM_ADMIN)


def _check_office(actor, committee_id):
    if not access_for(actor).is_office_of(committee_id):
        raise PermissionDenied(_("只有该残工委办公室可以管理人员。"))


def _check_grant(actor, unit: Unit, role: str):
    _check_office(actor, unit.committee_id)
    if role not in Role.values:
        raise ValidationError(_("角色无效。"))
    if role in ADMIN_ONLY_ROLES and not is_administrator(actor, unit.committee_id):
        raise PermissionDenied(_("只有管理员可以授予办公室、领导或管理员角色。"))
    if not unit.is_active:
        raise ValidationError(_("%(u)s已撤销或更名，不能再授予角色。") % {"u": unit.short_name})


def new_password() -> str:
    """A one-time password the office hands over (letters, digits and a sign, like the security
    administrator's); the person must change it at the next log-in."""
    return secrets.token_urlsafe(9) + secrets.choice("!@#%") + str(secrets.randbelow(10)) + "Aa"


def _username(phone, email):
    User = get_user_model()
    base = phone or (email.split("@", 1)[0] if email else "") or f"user{secrets.token_hex(3)}"
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or f"user{secrets.token_hex(3)}"
    name = base
    while User.objects.filter(username=name).exists():
        name = f"{base}-{secrets.token_hex(2)}"
    return name


def _clean_contact(name, phone, email):
    problems = []
    name, phone, email = (name or "").strip(), (phone or "").strip(), (email or "").strip()
    if not name:
        problems.append(_("请填写姓名。"))
    elif len(name) > 150:
        problems.append(_("姓名过长。"))
    if phone and not PHONE.match(phone):
        problems.append(_("手机号码“%(p)s”格式不对。") % {"p": phone})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("邮箱“%(e)s”格式不对。") % {"e": email})
    if not phone and not email:
        problems.append(_("手机和邮箱至少填写一项。"))
    return name, phone, email, problems


def _find_person(phone, email):
    """The same person already has an account (found by phone, then e-mail): roles are added to it."""
    User = get_user_model()
    if phone:
        found = User.objects.filter(luoshi_profile__phone=phone).first()
        if found:
            return found
    if email:
        return User.objects.filter(email__iexact=email).first()
    return None


@transaction.atomic
def create_person(*, actor, unit: Unit, role: str, name: str, phone: str = "", email: str = ""):
    """An account for a person of ``unit`` (or a further role for someone who has one). Returns
    ``(user, password)``; ``password`` is ``None`` when the person already had an account."""
    _check_grant(actor, unit, role)
    name, phone, email, problems = _clean_contact(name, phone, email)
    if problems:
        raise ValidationError(problems)
    User = get_user_model()
    user, password = _find_person(phone, email), None
    if user is None:
        password = new_password()
        user = User(username=_username(phone, email), first_name=name, email=email)
        user.set_password(password)
        user.save()
        PersonProfile.objects.create(user=user, phone=phone, created_by=actor)
        password_set_by_office.send(sender=PersonProfile, user=user, actor=actor)
    UnitRole.objects.get_or_create(user=user, unit=unit, role=role)
    return user, password


def _people_of(committee_id):
    return get_user_model().objects.filter(unit_roles__unit__committee_id=committee_id).distinct()


def _check_person(actor, person):
    """The office may act on a person only when every role of theirs is in committees it is the office of."""
    committees = set(UnitRole.objects.filter(user=person).values_list("unit__committee_id", flat=True))
    if not committees or not all(access_for(actor).is_office_of(c) for c in committees):
        raise PermissionDenied(_("只能管理本残工委成员单位的人员。"))
    if person.is_superuser or (UnitRole.objects.filter(user=person, role__in=ADMIN_ONLY_ROLES).exists()
                               and not all(is_administrator(actor, c) for c in committees)):
        raise PermissionDenied(_("办公室、领导和管理员的账号只能由管理员管理。"))


@transaction.atomic
def grant_person_role(*, actor, person, unit: Unit, role: str) -> UnitRole:
    _check_grant(actor, unit, role)
    grant, _created = UnitRole.objects.get_or_create(user=person, unit=unit, role=role)
    return grant


@transaction.atomic
def revoke_person_role(*, actor, grant: UnitRole) -> None:
    _check_grant(actor, grant.unit, grant.role)
    grant.delete()


@transaction.atomic
def set_active(*, actor, person, active: bool):
    _check_person(actor, person)
    if person.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(_("不能停用自己的账号。"))
    person.is_active = bool(active)
    person.save(update_fields=["is_active"])
    return person


@transaction.atomic
def reset_password(*, actor, person) -> str:
    """A new one-time password for ``person`` (shown once to the office); it must be changed at next log-in."""
    _check_person(actor, person)
    password = new_password()
    person.set_password(password)
    person.save(update_fields=["password"])
    password_set_by_office.send(sender=PersonProfile, user=person, actor=actor)
    return password


# ---------------------------------------------------------------- bulk from an Excel sheet

@dataclass
class SheetResult:
    created: list = field(default_factory=list)  # (user, password or None, unit, role)
    problems: list = field(default_factory=list)  # "第N行：…"

    @property
    def ok(self):
        return not self.problems


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_people(*, actor, committee: Committee, data: bytes, filename: str = "") -> SheetResult:
    """Read 姓名 / 单位 / 角色 / 手机 / 邮箱 rows and create the accounts and roles. Every row is checked first;
    if any is wrong nothing is saved and every problem is listed with its row number."""
    from openpyxl import load_workbook

    _check_office(actor, committee.pk)
    if sniff(data[:8]) != ZIP:
        raise ValidationError(_("“%(name)s”不是 Excel 工作簿（.xlsx）。") % {"name": filename or "文件"})
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(max_col=len(SHEET_HEADERS), values_only=True))
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a damaged file
        raise ValidationError(_("无法读取该 Excel 文件，文件可能已损坏。")) from None
    result = SheetResult()
    if not rows or [_cell(v) for v in rows[0]][: len(SHEET_HEADERS)] != SHEET_HEADERS:
        result.problems.append(_("第1行：表头须为“%(h)s”。") % {"h": " / ".join(SHEET_HEADERS)})
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.problems.append(_("一次最多导入%(n)s人。") % {"n": MAX_ROWS})
        return result
    index = unit_name_index(committee)
    wanted, seen = [], set()
    for number, values in enumerate(rows[1:], start=2):
        cells = [_cell(v) for v in (list(values) + [None] * len(SHEET_HEADERS))[: len(SHEET_HEADERS)]]
        if not any(cells):
            continue
        name, unit_name, role_name, phone, email = cells
        name, phone, email, problems = _clean_contact(name, phone, email)
        unit = index.get(unit_name)
        if unit is None:
            problems.append(_("单位“%(u)s”不是本残工委的成员单位。") % {"u": unit_name} if unit_name else _("请填写单位。"))
        elif not unit.is_active:
            problems.append(_("%(u)s已撤销或更名。") % {"u": unit.short_name})
        role = ROLE_NAMES.get(role_name)
        if role is None:
            problems.append(_("角色“%(r)s”无效，请填写“填报人”或“审核人”。") % {"r": role_name})
        elif role in ADMIN_ONLY_ROLES and not is_administrator(actor, committee.pk):
            problems.append(_("只有管理员可以授予办公室、领导或管理员角色。"))
        key = (phone or email, getattr(unit, "pk", None), role)
        if key in seen:
            problems.append(_("与前面的行重复。"))
        seen.add(key)
        for p in problems:
            result.problems.append(_("第%(row)s行：%(message)s") % {"row": number, "message": p})
        wanted.append((name, unit, role, phone, email))
    if not wanted and not result.problems:
        result.problems.append(_("表中没有人员。"))
    if result.problems:
        return result
    with transaction.atomic():
        for name, unit, role, phone, email in wanted:
            user, password = create_person(actor=actor, unit=unit, role=role, name=name, phone=phone, email=email)
            result.created.append((user, password, unit, role))
    return result


def people_rows(committee: Committee):
    """The people of ``committee``'s units with their roles and last log-in, for the office's list."""
    people = list(_people_of(committee.pk).select_related("luoshi_profile").order_by("first_name", "username"))
    roles = {}
    for grant in (UnitRole.objects.filter(user__in=people).select_related("unit__committee")
                  .order_by("unit__order", "role")):
        roles.setdefault(grant.user_id, []).append(grant)
    return [(p, roles.get(p.pk, [])) for p in people]
