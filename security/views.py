"""Pages of the security module: one's own password and second factor, the security administrator's
log-in records, account tools and second-factor requirement, the audit administrator's audit trail (search and CSV export)."""
import csv
from urllib.parse import urlencode

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
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.models import UnitRole
from units.selectors import access_for

from . import services, twofactor
from .audit import Kind, record
from .middleware import MUST_CHANGE
from .models import AuditEvent, TwoFactorPolicy

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


# ---------------------------------------------------------------- second factor (TOTP)

class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("验证码"), max_length=12,
                           help_text=gettext_lazy("验证器应用（如微信小程序“腾讯身份验证器”、Google Authenticator、FreeOTP）中显示的6位数字"),
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "pattern": "[0-9 ]*", "autofocus": True}))


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def two_factor_verify(request):
    """After the password: the code of the account's authenticator."""
    if request.session.get(twofactor.STATE) != twofactor.VERIFY:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_two_factor(user=request.user, code=form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            return redirect(_next(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)},
                  status=400 if form.errors else 200)


@login_required
def two_factor_setup(request):
    """One's own second factor: set up an authenticator (QR code or key, then a first code), or see it is on."""
    state = request.session.get(twofactor.STATE)
    if state == twofactor.VERIFY:
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': _next(request)})}")
    device = twofactor.confirmed_device(request.user)
    form = None
    if device is None:
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.confirm_two_factor(user=request.user, code=form.cleaned_data["code"], request=request)
            except ValidationError as exc:
                form.add_error("code", exc)
            else:
                messages.success(request, _("两步验证已启用。以后登录时，输入密码后还需输入验证器中的验证码。"))
                return redirect(_next(request))
    pending = twofactor.pending_device(request.user) if device is None else None
    return render(request, "security/two_factor_setup.html", {
        "device": device, "form": form, "required": state == twofactor.ENROL or twofactor.is_required(request.user),
        "qr_svg": mark_safe(twofactor.qr_svg(pending)) if pending else "",  # noqa: S308 — segno's own SVG markup
        "secret": twofactor.secret_text(pending) if pending else "", "next": _next(request),
    }, status=400 if form is not None and form.errors else 200)


class PolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("须使用两步验证的角色"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(r, label) for r, label in UnitRole.Role.choices if r in TwoFactorPolicy.ROLES],
        help_text=gettext_lazy("勾选的角色从下次登录起须使用两步验证；尚未设置的人登录后须先完成设置。"))


@login_required
def two_factor_admin(request):
    """The security administrator's page: which roles must use a second factor; reset a person's authenticator."""
    _security_admin(request)
    policy = TwoFactorPolicy.current()
    policy_form = PolicyForm(request.POST if "save_policy" in request.POST else None,
                             initial={"roles": policy.required_roles})
    reset_form = ResetForm(request.POST if "reset" in request.POST else None)
    if request.method == "POST":
        try:
            if policy_form.is_bound and policy_form.is_valid():
                services.set_two_factor_policy(admin=request.user, roles=policy_form.cleaned_data["roles"], request=request)
                messages.success(request, _("两步验证要求已保存，从各人下次登录起生效。"))
                return redirect("security-two-factor")
            if reset_form.is_bound and reset_form.is_valid():
                services.reset_two_factor(admin=request.user, username=reset_form.cleaned_data["username"], request=request)
                messages.success(request, _("已重置%(name)s的两步验证。本人下次登录后可重新设置。") % {
                    "name": reset_form.cleaned_data["username"]})
                return redirect("security-two-factor")
        except ValidationError as exc:
            (reset_form if reset_form.is_bound else policy_form).add_error(None, exc)
    enrolled = Paginator(
        TOTPDevice.objects.filter(confirmed=True).select_related("user").order_by("user__username"), PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "security/two_factor_admin.html", {
        "policy_form": policy_form, "reset_form": reset_form, "policy": policy, "page": enrolled,
    }, status=400 if policy_form.errors or reset_form.errors else 200)
