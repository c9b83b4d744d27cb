"""The audit trail and each account's password state.

``AuditEvent`` is append-only in the product: ``save`` refuses to change a stored event and
``delete`` refuses to remove one; only the retention job (``security.jobs``) drops events
older than ``LUOSHI_AUDIT_RETENTION_DAYS``, by a queryset delete.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号或地址被锁定")
        LOGOUT = "logout", _("退出登录")
        UNLOCKED = "unlocked", _("解除锁定")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_RESET = "password_reset", _("管理员重置密码")
        ROLE_ADDED = "role_added", _("授予角色")
        ROLE_REMOVED = "role_removed", _("撤销角色")
        PLAN_CREATED = "plan_created", _("创建计划")
        PLAN_CHANGED = "plan_changed", _("计划状态变更")
        PLAN_DELETED = "plan_deleted", _("删除计划")
        ROUND_OPENED = "round_opened", _("开启填报轮次")
        ROUND_CLOSED = "round_closed", _("关闭填报轮次")
        SCHEDULE_CHANGED = "schedule_changed", _("修改填报安排")
        DEADLINE_EXTENDED = "deadline_extended", _("延期")
        CHASED = "chased", _("催办")
        DOWNLOAD = "download", _("下载")
        API_DENIED = "api_denied", _("接口写入被拒绝")
        ADMIN_ACTION = "admin_action", _("后台管理操作")
        OTP_ENROLLED = "otp_enrolled", _("启用两步验证")
        OTP_FAILED = "otp_failed", _("两步验证码错误")
        OTP_RESET = "otp_reset", _("重置两步验证")
        OTP_POLICY = "otp_policy", _("修改两步验证要求")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=30, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True,
                                  help_text=_("账号名照录，账号删除后仍可查"))
    ip = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["actor_name", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_kind_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AccountSecurity(models.Model):
    """Password state of one account: whether it must choose a new password at its next request."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="security")
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("管理员设置或重置的密码：本人下次登录后须先改为自己的密码"))
    password_changed_at = models.DateTimeField(_("上次修改密码"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")

    def __str__(self):
        return str(self.user)


class TwoFactorPolicy(models.Model):
    """Which roles must log in with a second factor (a TOTP code after the password). One row (pk 1),
    kept by the security administrator; no role by default (the second factor stays optional)."""

    # Only roles that manage the plan or the system may be required (reporters keep password log-in).
    ROLES = ("office", "admin", "sysadmin", "secadmin", "auditor")

    required_roles = models.JSONField(_("须两步验证的角色"), default=list, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("两步验证要求")
        verbose_name_plural = _("两步验证要求")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="two_factor_policy_single_row")]

    def __str__(self):
        return ", ".join(self.required_roles) or "-"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)
