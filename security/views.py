"""Pages of the security module: one's own password, the security administrator's log-in records
and account tools, the audit administrator's audit trail (search and CSV export)."""
import csv

from axes.models import AccessAttempt, AccessLog
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from units.selectors import access_for

from . import services
from .audit import Kind, record
from .middleware import MUST_CHANGE
from .models import AuditEvent

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


@login_required
def password_change(request):
    """Self-service password change; also the page a forced change leads to."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.change_own_password(user=user, request=request)
        request.session[MUST_CHANGE] = False
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    forced = bool(request.session.get(MUST_CHANGE))
    return render(request, "security/password_change.html", {"form": form, "forced": forced})


def _security_admin(request):
    if not access_for(request.user).is_security_admin:
        raise PermissionDenied(_("只有安全管理员可以查看该页面。"))


class ResetForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("账号"), max_length=150)


class UnlockForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("账号"), max_length=150, required=False)
    ip_address = forms.GenericIPAddressField(label=gettext_lazy("地址"), required=False)


@login_required
def logins(request):
    """The security administrator's page: log-ins, failed attempts and lock-outs; reset and unlock."""
    _security_admin(request)
    successes = Paginator(AccessLog.objects.order_by("-attempt_time"), PAGE_SIZE).get_page(request.GET.get("page"))
    failures = AccessAttempt.objects.order_by("-attempt_time")[:PAGE_SIZE]
    return render(request, "security/logins.html", {
        "page": successes, "failures": failures, "locked": services.locked_attempts()[:PAGE_SIZE],
        "reset_form": ResetForm(), "unlock_form": UnlockForm(),
    })


@login_required
@require_POST
def reset_password(request):
    _security_admin(request)
    form = ResetForm(request.POST)
    if form.is_valid():
        try:
            password = services.reset_password(admin=request.user, username=form.cleaned_data["username"], request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已为%(name)s设置临时密码：%(pw)s 。请当面或以安全方式告知本人；本人登录后须立即修改。") % {
                "name": form.cleaned_data["username"], "pw": password})
    else:
        messages.error(request, _("请填写账号。"))
    return redirect("security-logins")


@login_required
@require_POST
def unlock(request):
    _security_admin(request)
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            count = services.unlock(admin=request.user, username=form.cleaned_data["username"],
                                    ip_address=form.cleaned_data["ip_address"] or "", request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已解除锁定（%(n)s条记录）。") % {"n": count})
    else:
        messages.error(request, _("地址格式不正确。"))
    return redirect("security-logins")


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("事件"), required=False,
                             choices=[("", gettext_lazy("全部"))] + list(AuditEvent.Kind.choices))
    who = forms.CharField(label=gettext_lazy("操作人账号"), max_length=150, required=False)
    since = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=gettext_lazy("对象"), max_length=100, required=False)


def _audit_admin(request):
    if not access_for(request.user).is_audit_admin:
        raise PermissionDenied(_("只有审计管理员可以查看审计记录。"))


def _audit_events(form):
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["who"]:
            events = events.filter(actor_name__icontains=data["who"].strip())
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
        if data["q"]:
            events = events.filter(object_repr__icontains=data["q"].strip())
    return events


@login_required
def audit_log(request):
    """The audit administrator's page: search the audit trail; export what is found as CSV."""
    _audit_admin(request)
    form = AuditFilterForm(request.GET or None)
    events = _audit_events(form)
    if request.GET.get("format") == "csv":
        record(Kind.DOWNLOAD, request=request, what="audit_log_csv", filters=dict(request.GET.items()))
        return _csv(events[:EXPORT_MAX_ROWS])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/audit.html", {"form": form, "page": page})


class _Echo:
    def write(self, value):
        return value


def _csv(events):
    writer = csv.writer(_Echo())
    header = [_("时间"), _("事件"), _("操作人账号"), _("地址"), _("浏览器"), _("对象类型"), _("对象编号"), _("对象"), _("详情")]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for e in events.iterator(chunk_size=2000):
            cells = [timezone.localtime(e.at).isoformat(timespec="seconds"), e.get_kind_display(), e.actor_name,
                     e.ip or "", e.user_agent, e.object_type, e.object_id, e.object_repr, e.detail]
            # Spreadsheet formula injection: a cell may not start with = + - @
            yield writer.writerow([f"'{c}" if str(c)[:1] in ("=", "+", "-", "@") else c for c in cells])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
