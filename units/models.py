"""Committees, their member units, the names units go by, and people's roles in them."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """A disability-work committee (残工委) of a province, city or county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市（州）级")
        COUNTY = "county", _("县（市、区）级")

    code = models.SlugField(_("代码"), max_length=40, unique=True, help_text=_("命令行和网址中使用的简短代码，如 jilin"))
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    region = models.CharField(_("行政区"), max_length=60, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级残工委"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    office_unit = models.ForeignKey(
        "Unit",
        verbose_name=_("办公室所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("残工委办公室设在的成员单位，通常是残联"),
    )

    class Meta:
        verbose_name = _("残工委")
        verbose_name_plural = _("残工委")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="committee_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def ancestors(self):
        """Committees above this one, nearest first (walks a tree of at most three levels)."""
        chain, node = [], self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class Unit(models.Model):
    """A member unit (成员单位) of one committee, e.g. 省人社厅 of the 吉林省 committee."""

    class Kind(models.TextChoices):
        PARTY = "party", _("党委部门")
        GOVERNMENT = "government", _("政府部门")
        VERTICAL = "vertical", _("中央驻地方单位")
        PEOPLES_ORG = "peoples_org", _("人民团体")
        FEDERATION = "federation", _("残联")
        OTHER = "other", _("其他")

    committee = models.ForeignKey(Committee, verbose_name=_("所属残工委"), on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("代码"), max_length=40)
    short_name = models.CharField(_("简称"), max_length=60, help_text=_("文件中印出的名称，如 省人社厅"))
    full_name = models.CharField(_("全称"), max_length=120, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    member_since = models.DateField(_("成为成员单位日期"), null=True, blank=True)
    member_until = models.DateField(_("退出成员单位日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("继任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("机构改革后承接职责的单位，如 省卫生计生委 → 省卫生健康委"),
    )
    renamed_on = models.DateField(_("更名/合并日期"), null=True, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["committee", "order", "short_name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "code"], name="unit_code_unique_in_committee"),
            models.UniqueConstraint(fields=["committee", "short_name"], name="unit_name_unique_in_committee"),
            models.CheckConstraint(
                condition=Q(member_until__isnull=True)
                | Q(member_since__isnull=True)
                | Q(member_until__gte=F("member_since")),
                name="unit_membership_period_ordered",
            ),
            models.CheckConstraint(condition=~Q(successor=F("id")), name="unit_not_own_successor"),
        ]

    def __str__(self):
        return self.short_name

    @property
    def display_name(self):
        """The name with its successor, so that old plans stay readable after 机构改革."""
        if self.successor_id:
            return f"{self.short_name}（现{self.successor.short_name}）"
        return self.short_name

    def current(self):
        """Follow successor links to the unit that carries the duties today."""
        seen, unit = {self.pk}, self
        while unit.successor_id and unit.successor_id not in seen:
            unit = unit.successor
            seen.add(unit.pk)
        return unit


class UnitAlias(models.Model):
    """Another name a plan may print for a unit (省人力资源社会保障厅 for 省人社厅)."""

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE, related_name="aliases")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=120)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="alias_unique_in_committee"),
        ]

    def __str__(self):
        return f"{self.name} → {self.unit.short_name}"


class UnitRole(models.Model):
    """A person's role in a unit. A person may hold several (two units, or reporter and approver)."""

    class Role(models.TextChoices):
        REPORTER = "reporter", _("填报人")
        APPROVER = "approver", _("审核人")
        OFFICE = "office", _("残工委办公室")
        LEADER = "leader", _("委员会领导（只读）")
        ADMIN = "admin", _("管理员")
        # 三员分立 (等保 2.0): three administrators whose duties one account may never combine.
        SYSTEM_ADMIN = "sysadmin", _("系统管理员")
        SECURITY_ADMIN = "secadmin", _("安全管理员")
        AUDIT_ADMIN = "auditor", _("审计管理员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="unit_roles"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("人员角色")
        verbose_name_plural = _("人员角色")
        ordering = ["unit", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="role_unique_per_user_unit"),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        if self.role in DUTY_ROLES:  # enforced on every path (admin, shell, API), not only in forms
            self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        if self.role in DUTY_ROLES and self.user_id:
            other = (UnitRole.objects.filter(user_id=self.user_id, role__in=DUTY_ROLES).exclude(role=self.role)
                     .exclude(pk=self.pk).first())
            if other is not None:
                raise ValidationError({"role": [_(
                    "三员分立：%(user)s已是%(other)s，不能再兼任%(role)s。系统管理员、安全管理员、审计管理员须由不同账号担任。") % {
                    "user": self.user, "other": other.get_role_display(), "role": self.get_role_display()}]})


DUTY_ROLES = {UnitRole.Role.SYSTEM_ADMIN, UnitRole.Role.SECURITY_ADMIN, UnitRole.Role.AUDIT_ADMIN}


class ApiClient(models.Model):
    """Another government system that reads (and may feed) Luoshi through the REST API.

    Its reach is one committee and the committees below it; ``access`` says whether it
    only reads or may also write there (see ``units.selectors.access_for_client``).
    Writes are recorded under the client's own service account (``user``), so report
    history shows which system changed what.
    """

    class AccessLevel(models.TextChoices):
        READ_ONLY = "read", _("只读")
        READ_WRITE = "write", _("读写")

    name = models.CharField(_("系统名称"), max_length=100, unique=True, help_text=_("如 省一网通办平台、省统计局"))
    committee = models.ForeignKey(
        Committee, verbose_name=_("可访问的残工委"), on_delete=models.PROTECT, related_name="api_clients",
        help_text=_("客户端只能访问该残工委及其下级残工委的数据"),
    )
    access = models.CharField(_("权限"), max_length=5, choices=AccessLevel.choices, default=AccessLevel.READ_ONLY)
    is_active = models.BooleanField(_("启用"), default=True)
    throttle_rate = models.CharField(
        _("访问频率上限"), max_length=20, blank=True,
        help_text=_("如 600/min 或 20000/day；留空使用系统默认值"),
        validators=[RegexValidator(r"^[1-9][0-9]{0,6}/(s|sec|second|m|min|minute|h|hour|d|day)$",
                                   _("请写成“次数/时间单位”，如 600/min、20000/day。"))],
    )
    contact = models.CharField(_("联系人"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("服务账号"), on_delete=models.PROTECT, related_name="api_client",
        editable=False, help_text=_("客户端写入时记录的操作人，不能用于登录"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(access__in=["read", "write"]), name="api_client_access_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def read_only(self):
        return self.access != self.AccessLevel.READ_WRITE


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, client__is_active=True)


class ApiToken(models.Model):
    """A secret key of an API client. Only its SHA-256 hash is stored; the key is shown once."""

    client = models.ForeignKey(ApiClient, verbose_name=_("接口客户端"), on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(_("前缀"), max_length=12, help_text=_("令牌的开头几位，用于辨认，不是密钥"))
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "revoked_at"])]

    def __str__(self):
        return f"{self.client} · {self.prefix}…"

    @property
    def is_live(self):
        return self.revoked_at is None


class ApiWriteLog(models.Model):
    """One write (POST/PUT/PATCH/DELETE) an API client attempted, with its outcome."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("接口客户端"), null=True, on_delete=models.SET_NULL, related_name="write_logs"
    )
    client_name = models.CharField(_("系统名称"), max_length=100)
    token_prefix = models.CharField(_("令牌前缀"), max_length=12, blank=True)
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("结果状态码"))
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("接口写入记录")
        verbose_name_plural = _("接口写入记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self):
        return f"{self.client_name} {self.method} {self.path} → {self.status_code}"
