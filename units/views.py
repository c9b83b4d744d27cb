"""Member units managed by the committee's office, without /admin/: the list, adding a unit, a unit's
names, aliases and counterpart link above, retiring it, and the 机构改革 wizard (rename or merge).

Thin: ``units.services`` checks who may do what and writes; every form posts to its page and
redirects (post/redirect/get); refusals are shown on the page with status 400.
"""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import people, services
from .models import Committee, Counterpart, Unit, UnitAlias, UnitRole
from .selectors import access_for, active_units


def office_committees(user):
    access = access_for(user)
    qs = Committee.objects.select_related("parent").order_by("level", "code")
    return qs if access.is_superuser else qs.filter(
        id__in=access.committees_with(UnitRole.Role.OFFICE, UnitRole.Role.ADMIN))


def _committee(request):
    committees = list(office_committees(request.user))
    if not committees:
        raise PermissionDenied(_("只有残工委办公室可以管理成员单位。"))
    wanted = request.GET.get("committee") or request.POST.get("committee")
    if not wanted:
        return committees[0], committees
    chosen = next((c for c in committees if str(c.pk) == str(wanted)), None)
    if chosen is None:
        raise PermissionDenied(_("只有该残工委办公室可以管理成员单位和人员。"))
    return chosen, committees


def _pk(raw) -> int:
    """An id typed into a form or button value: digits that fit the database, else 0 (found nowhere)."""
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0


def _date(raw):
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@login_required
def unit_list(request):
    committee, committees = _committee(request)
    errors = []
    if request.method == "POST":
        try:
            unit = services.add_unit(user=request.user, committee=committee, short_name=request.POST.get("short_name", ""),
                                     full_name=request.POST.get("full_name", ""),
                                     kind=request.POST.get("kind") or Unit.Kind.GOVERNMENT)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已添加成员单位“%(u)s”。") % {"u": unit.short_name})
            return redirect(f"{request.path}?committee={committee.pk}")
    units = list(Unit.objects.filter(committee=committee).select_related("successor")
                 .prefetch_related("aliases").order_by("-is_active", "order", "short_name"))
    links = {c.unit_id: c.upper_unit for c in Counterpart.objects.filter(committee=committee).select_related("upper_unit")}
    rows = [(u, [c for k, c in links.items() if k == u.pk]) for u in units]
    return render(request, "units/unit_list.html", {
        "committee": committee, "committees": committees, "rows": rows, "errors": errors,
        "kinds": Unit.Kind.choices, "posted": request.POST if errors else {},
    }, status=400 if errors else 200)


def _managed_unit(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("committee__parent", "successor"), pk=pk)
    if not access_for(request.user).is_office_of(unit.committee_id):
        raise PermissionDenied(_("只有该残工委办公室可以管理成员单位。"))
    return unit


@login_required
def unit_edit(request, pk):
    unit = _managed_unit(request, pk)
    user, data = request.user, request.POST
    errors = []
    action = data.get("action", "") if request.method == "POST" else ""
    try:
        if action == "names":
            services.update_unit(user=user, unit=unit, short_name=data.get("short_name", ""),
                                 full_name=data.get("full_name", ""), kind=data.get("kind") or unit.kind)
            notice = _("已保存单位名称。")
        elif action == "alias":
            services.add_unit_alias(user=user, unit=unit, name=data.get("alias", ""))
            notice = _("已添加别名。")
        elif action.startswith("alias-delete:"):
            alias = get_object_or_404(UnitAlias, pk=_pk(action.split(":", 1)[1]),
                                      unit=unit)
            services.remove_unit_alias(user=user, alias=alias)
            notice = _("已删除别名“%(a)s”。") % {"a": alias.name}
        elif action == "counterpart":
            upper = Unit.objects.filter(pk=_pk(data.get("upper_unit"))).first()
            if upper is None:
                raise ValidationError(_("请选择上级对口单位。"))
            services.set_counterpart(user=user, unit=unit, upper_unit=upper)
            notice = _("已设置对口单位：%(u)s ↔ %(v)s。") % {"u": unit.short_name, "v": upper.short_name}
        elif action.startswith("counterpart-delete:"):
            link = get_object_or_404(Counterpart, pk=_pk(action.split(":", 1)[1]),
                                     unit=unit)
            services.remove_counterpart(user=user, link=link)
            notice = _("已取消对口单位。")
        elif action == "retire":
            retired_on = _date(data.get("retired_on"))
            if retired_on is None:
                raise ValidationError(_("请填写撤销日期（如 2021-07-01）。"))
            services.retire_unit(user=user, unit=unit, retired_on=retired_on)
            notice = _("已撤销%(u)s：不再出现在选择列表中，历史记录保留。") % {"u": unit.short_name}
        elif action:
            raise ValidationError(_("无法识别的操作，请刷新页面后重试。"))
    except ValidationError as exc:
        errors = exc.messages
    else:
        if action:
            messages.success(request, notice)
            return redirect("unit-edit", pk=unit.pk)
    unit.refresh_from_db()
    parent = unit.committee.parent
    return render(request, "units/unit_edit.html", {
        "unit": unit, "errors": errors, "kinds": Unit.Kind.choices,
        "aliases": list(unit.aliases.order_by("name")),
        "links": list(Counterpart.objects.filter(unit=unit).select_related("upper_unit")),
        "upper_units": list(active_units(parent.pk)) if parent else [],
        "parent": parent, "today": datetime.date.today().isoformat(),
    }, status=400 if errors else 200)


@login_required
def unit_reform(request, pk):
    """机构改革 wizard: 1. rename or merge, the successor and the date; 2. what moves; 3. done."""
    unit = _managed_unit(request, pk)
    if not unit.is_active:
        raise PermissionDenied(_("该单位已撤销或更名。"))
    data = request.POST if request.method == "POST" else {}
    errors, preview = [], None
    mode = data.get("mode", "rename")
    others = list(active_units(unit.committee_id).exclude(pk=unit.pk))
    successor = next((u for u in others if str(u.pk) == str(data.get("successor"))), None)
    effective_on = _date(data.get("effective_on"))
    new_name = (data.get("new_name") or "").strip()
    if request.method == "POST":
        if effective_on is None:
            errors.append(_("请填写生效日期（如 2021-07-01）。"))
        if mode == "merge" and successor is None:
            errors.append(_("请选择并入的单位。"))
        if mode == "rename" and not new_name:
            errors.append(_("请填写新名称。"))
        if not errors and data.get("step") == "confirm":
            try:
                new = services.reform_unit(user=request.user, unit=unit, effective_on=effective_on,
                                           successor=successor if mode == "merge" else None,
                                           new_name=new_name if mode == "rename" else "",
                                           new_full_name=data.get("new_full_name", ""))
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("机构改革已生效：%(old)s → %(new)s。未结束的填报、人员角色和对口单位已转给%(new)s，"
                                            "已报送的内容仍保留在%(old)s名下。") % {"old": unit.short_name, "new": new.short_name})
                return redirect("unit-edit", pk=new.pk)
        if not errors:
            preview = {
                "slots": unit.reports.filter(round__closed=False).exclude(status="accepted").count(),
                "roles": UnitRole.objects.filter(unit=unit).count(),
                "assignments": unit.assignments.filter(task__plan__status__in=["draft", "published"]).count(),
                "links": Counterpart.objects.filter(unit=unit).count(),
                "successor": successor.short_name if mode == "merge" and successor else new_name,
            }
    return render(request, "units/unit_reform.html", {
        "unit": unit, "others": others, "mode": mode, "successor": successor, "new_name": new_name,
        "new_full_name": data.get("new_full_name", ""), "effective_on": data.get("effective_on", ""),
        "errors": errors, "preview": preview,
    }, status=400 if errors else 200)


# ---------------------------------------------------------------- people

@login_required
def people_list(request):
    from django.contrib.auth import get_user_model

    committee, committees = _committee(request)
    errors, shown_passwords, sheet_problems = [], [], []
    data = request.POST
    action = data.get("action", "") if request.method == "POST" else ""
    units = list(active_units(committee.pk))
    roles = [(v, label) for v, label in UnitRole.Role.choices
             if v in people.UNIT_ROLES or people.is_administrator(request.user, committee.pk)]
    try:
        if action == "create":
            unit = next((u for u in units if str(u.pk) == data.get("unit")), None)
            if unit is None:
                raise ValidationError(_("请选择单位。"))
            user, password = people.create_person(actor=request.user, unit=unit, role=data.get("role", ""),
                                                  name=data.get("name", ""), phone=data.get("phone", ""),
                                                  email=data.get("email", ""))
            shown_passwords.append((user, password))
            if password is None:
                messages.success(request, _("%(n)s已有账号，已增加角色。") % {"n": user.first_name})
        elif action == "sheet":
            upload = request.FILES.get("sheet")
            if upload is None:
                raise ValidationError(_("请选择要上传的 Excel 文件。"))
            if upload.size > 5 * 1024 * 1024:
                raise ValidationError(_("文件过大。"))
            result = people.import_people(actor=request.user, committee=committee, data=upload.read(),
                                          filename=upload.name)
            sheet_problems = result.problems
            shown_passwords = [(u, p) for u, p, _unit, _role in result.created]
            if result.ok:
                messages.success(request, _("已导入%(n)s行。") % {"n": len(result.created)})
        elif action.partition(":")[0] in ("deactivate", "activate", "reset"):
            kind, _sep, pk = action.partition(":")
            person = get_object_or_404(get_user_model(), pk=_pk(pk))
            if kind == "reset":
                shown_passwords.append((person, people.reset_password(actor=request.user, person=person)))
            else:
                people.set_active(actor=request.user, person=person, active=kind == "activate")
                messages.success(request, _("已停用%(n)s的账号。") % {"n": person.first_name or person.username}
                                 if kind == "deactivate" else _("已启用%(n)s的账号。") % {"n": person.first_name or person.username})
        elif action:
            raise ValidationError(_("无法识别的操作，请刷新页面后重试。"))
    except ValidationError as exc:
        errors = exc.messages
    if action and not errors and not sheet_problems and not any(p for _u, p in shown_passwords):
        return redirect(f"{request.path}?committee={committee.pk}")
    return render(request, "units/people.html", {
        "committee": committee, "committees": committees, "rows": people.people_rows(committee), "units": units,
        "roles": roles, "errors": errors + sheet_problems, "passwords": [(u, p) for u, p in shown_passwords if p],
        "headers": " / ".join(people.SHEET_HEADERS),
    }, status=400 if errors or sheet_problems else 200)
