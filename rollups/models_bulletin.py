"""季度调度通报: the office's bulletin on one reporting round, drafted from the roll-up, edited and
published to the member units."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.models import ReportingRound

BULLETIN_TITLE_MAX, BULLETIN_BODY_MAX = 200, 20000


class Bulletin(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    round = models.OneToOneField(ReportingRound, verbose_name=_("填报轮次"), on_delete=models.CASCADE,
                                 related_name="bulletin")
    title = models.CharField(_("标题"), max_length=BULLETIN_TITLE_MAX)
    body = models.TextField(_("正文"), max_length=BULLETIN_BODY_MAX,
                            help_text=_("以“一、”“二、”开头的行为一级标题，其余每行一段"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("调度通报")
        verbose_name_plural = _("调度通报")
        ordering = ["-round__period_end"]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED
