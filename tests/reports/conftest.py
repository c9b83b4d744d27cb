"""Fixtures for the reporting tests: move the world's reports through the workflow."""
import pytest

from reports import services
from reports.models import ProgressReport


class Flow:
    """Shortcuts that drive a report through the real services."""

    def __init__(self, world):
        self.world = world
        self.u = world.users

    def report(self, unit=None):
        return self.world.report_of(unit or self.world.lead_unit)

    def draft(self, unit=None, progress="完成城镇新增就业3000人。", figure="3000"):
        unit = unit or self.world.lead_unit
        report = self.report(unit)
        user = self.u["lead_reporter"] if unit == self.world.lead_unit else self.u["part_reporter"]
        figures = {self.world.target.pk: figure} if figure is not None else {}
        return services.save_draft(report=report, user=user, version=report.version, progress=progress,
                                   figures=figures)

    def submitted(self, unit=None):
        unit = unit or self.world.lead_unit
        user = self.u["lead_reporter"] if unit == self.world.lead_unit else self.u["part_reporter"]
        return services.submit(report=self.draft(unit), user=user)

    def approved(self, unit=None):
        unit = unit or self.world.lead_unit
        user = self.u["lead_approver"] if unit == self.world.lead_unit else self.u["part_approver"]
        return services.approve(report=self.submitted(unit), user=user)

    def accepted(self, unit=None):
        return services.accept(report=self.approved(unit), user=self.u["office"])

    def returned(self, unit=None, comment="请补充分市数据"):
        return services.return_report(report=self.approved(unit), user=self.u["office"], comment=comment)

    def fresh(self, report):
        return ProgressReport.objects.get(pk=report.pk)


@pytest.fixture
def flow(world):
    return Flow(world)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
