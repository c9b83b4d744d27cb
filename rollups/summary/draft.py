"""The Word draft of the year-end summary (python-docx): overall figures, then per section the
tasks, their figures and each unit's latest accepted narrative, ready for the office to edit."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import percent_text
from reports.models import ProgressReport
from rollups.models import TaskStatus
from rollups.selectors import committee_rollups

from .sheets import XML_ILLEGAL, WorkbookData, units_text

# ---------------------------------------------------------------- the Word draft

def _t(text):
    """Text python-docx can store (XML forbids most control characters)."""
    return XML_ILLEGAL.sub("", str(text or ""))


def _number(value):
    return "—" if value is None else f"{Decimal(value).normalize():f}"


def latest_narratives(plan, year):
    """Each unit's latest accepted report of the year on each task of ``plan``: {task id: [report]}."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    reports = (ProgressReport.objects.filter(round__plan_id=plan.pk, status=ProgressReport.Status.ACCEPTED,
                                             round__period_end__range=(start, end))
               .select_related("unit", "round").order_by("task_id", "unit__order", "unit_id", "-round__period_end"))
    latest, seen = {}, set()
    for report in reports:
        key = (report.task_id, report.unit_id)
        if key in seen:
            continue
        seen.add(key)
        latest.setdefault(report.task_id, []).append(report)
    return latest


def _lead_first(task, reports):
    """The units' reports on ``task`` with the lead units' first, in the order the plan names them."""
    rank = {a.unit_id: i for i, a in enumerate(sorted(task.assignments.all(), key=lambda a: (a.role != "lead", a.order)))}
    return sorted(reports, key=lambda r: (rank.get(r.unit_id, len(rank)), r.unit.order, r.unit_id))


def write_draft(dest, plan, year, include_lower=False):
    """The Word draft of the year-end summary of ``plan`` to ``dest`` (a path or binary file), as a GB/T 9704
    公文 (``core.gongwen``): A4, 小标宋 title, 仿宋 body, headings 一、/（一）/1., page numbers, targets tables."""
    from core.gongwen import Gongwen

    data = WorkbookData(plan, year, include_lower)
    roll = data.data
    run = roll.run
    narratives = latest_narratives(plan, year)
    doc = Gongwen()
    doc.title(_t(_("%(committee)s%(year)s年度工作总结（草稿）") % {"committee": plan.committee.name, "year": year}))
    doc.paragraph(_t(_("根据《%(title)s》%(doc)s，现将%(year)s年度工作完成情况总结如下。本稿由系统根据各成员单位已采纳的"
                       "进展报告自动生成，请办公室核改。") % {
        "title": plan.title, "doc": f"（{plan.doc_number}）" if plan.doc_number else "", "year": year}))
    doc.heading(_("总体情况"), level=1)
    if run and run.computed_at:
        doc.paragraph(_t(_(
            "全年共部署重点任务%(total)s项，已完成%(done)s项，进展顺利%(on)s项，进度滞后%(behind)s项，存在风险%(risk)s项，"
            "未启动%(idle)s项。量化目标%(targets)s个，已达成%(reached)s个。成员单位应报进展报告%(expected)s份，按时报送"
            "%(on_time)s份（按时率%(rate)s），已采纳%(accepted)s份，退回%(returns)s次。数据截至%(as_of)s。") % {
            "total": run.tasks_total, "done": run.tasks_done, "on": run.tasks_on_track, "behind": run.tasks_behind,
            "risk": run.tasks_at_risk, "idle": run.tasks_not_started, "targets": run.targets_total,
            "reached": run.targets_reached, "expected": run.reports_expected, "on_time": run.reports_on_time,
            "rate": percent_text(Decimal(run.reports_on_time) / run.reports_expected if run.reports_expected else None, "—"),
            "accepted": run.reports_accepted, "returns": run.returns,
            "as_of": run.as_of.isoformat() if run.as_of else "—"}))
    else:
        doc.paragraph(_("该年度尚未汇总。"))
    doc.heading(_("重点任务完成情况"), level=1)
    names = roll.unit_names
    for section, lines in roll.outline():
        if section:
            doc.heading(_t(section.title), level=2)
        for line in lines:
            task = line.task
            doc.heading(_t(f"{task.ref}. {task.short_text}"), level=3, numbered=False)
            doc.paragraph(_t(task.text))
            units = []
            lead, part = units_text(task, "lead", names), units_text(task, "participating", names)
            if lead:
                units.append(_("牵头单位：%(u)s") % {"u": lead})
            if part:
                units.append(_("参加单位：%(u)s") % {"u": part})
            if units:
                doc.paragraph(_t("；".join(units)))
            status = _("完成情况：%(status)s（%(light)s），%(reason)s") % {
                "status": line.status_label, "light": line.light_label, "reason": line.reason}
            if line.rollup and line.rollup.projection is not None:
                status += _("，按目前进度预计年底完成%(p)s") % {"p": percent_text(line.rollup.projection, "—")}
            doc.paragraph(_t(status + "。"))
            if line.targets:
                rows = [[_t(t.target.indicator),
                         _t(f"{t.target.get_comparator_display()}{t.target.display_value}{t.target.measure_unit}"),
                         _t(f"{_number(t.reached)}{t.target.measure_unit}"),
                         percent_text(t.rollup.ratio if t.rollup else None, "—"),
                         percent_text(t.rollup.expected if t.rollup else None, "—"), _t(t.status_label)]
                        for t in line.targets]
                doc.table([_("指标"), _("目标"), _("完成"), _("完成率"), _("序时进度"), _("状态")], rows,
                          widths_mm=[46, 30, 26, 18, 18, 18])
                for t in line.targets:
                    doc.paragraph(_t(_("%(indicator)s：目标%(cmp)s%(value)s%(unit)s，完成%(reached)s%(unit)s，%(reason)s。") % {
                        "indicator": t.target.indicator, "cmp": t.target.get_comparator_display(),
                        "value": t.target.display_value, "unit": t.target.measure_unit,
                        "reached": _number(t.reached), "reason": t.reason}))
            for report in _lead_first(task, narratives.get(task.pk, ())):
                doc.paragraph(_t(f"{report.unit.short_name}（{report.round.period_label}）：{report.progress}"))
                if report.problems.strip():
                    doc.paragraph(_t(_("存在问题：%(t)s") % {"t": report.problems}))
                if report.next_steps.strip():
                    doc.paragraph(_t(_("下步打算：%(t)s") % {"t": report.next_steps}))
    doc.heading(_("存在的问题"), level=1)
    risky = [line for line in roll.tasks if line.task.plan_id == plan.pk
             and line.status in (TaskStatus.AT_RISK, TaskStatus.BEHIND)]
    if risky:
        doc.paragraph(_("以下任务进度滞后或存在风险，请结合各单位报告归纳原因："))
        for line in risky:
            text = f"{line.task.ref}. {line.task.short_text}（{line.status_label}）：{line.reason}"
            if line.explanation:
                text += _("。单位说明：%(t)s") % {"t": line.explanation}
            doc.paragraph(_t(text))
    else:
        doc.paragraph(_("（请办公室根据各单位报告归纳。）"))
    doc.heading(_("下步工作打算"), level=1)
    doc.paragraph(_("（请办公室根据各单位的下步打算归纳。）"))
    if data.many:
        doc.heading(_("附：下级残工委完成情况"), level=1, numbered=False)
        rows = [c for c in committee_rollups(plan, year, [p.pk for p in data.plans]) if c.scope == "own"]
        doc.table([_("残工委"), _("任务数"), _("已完成"), _("滞后或风险"), _("目标达成"), _("按时率")],
                  [[_t(c.committee.name), c.tasks_total, c.tasks_done, c.tasks_behind + c.tasks_at_risk,
                    f"{c.targets_reached}/{c.targets_total}", percent_text(c.on_time_rate, "—")] for c in rows])
    content = doc.to_bytes()
    if hasattr(dest, "write"):
        dest.write(content)
    else:
        with open(dest, "wb") as out:
            out.write(content)
