"""The 季度调度通报 of a reporting round: its draft text from the stored roll-up and the round's reports,
and its Word document as a 公文 (``core.gongwen``).

The draft names, as committees' bulletins do: overall progress, the tasks behind 序时进度 with
their reasons and the units' explanations, the units late or missing, and the units commended
(every report of the round on time and no task of theirs lagging).
"""
from __future__ import annotations

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from core.gongwen import Gongwen
from reports.models import ProgressReport

from .models import Light
from .selectors import load_rollup

HEADING = re.compile(r"^[一二三四五六七八九十]+、")
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")
LATE_STATUSES = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


def _cn_day(day):
    """2021年9月30日 (no leading zeros, as 公文 date them)."""
    return f"{day.year}年{day.month}月{day.day}日"


def round_facts(rnd):
    """Who reported in ``rnd`` and when: ({unit: name}, late unit names, missing unit names, on-time unit ids)."""
    rows = (ProgressReport.objects.filter(round=rnd).select_related("unit")
            .only("status", "submitted_at", "unit__short_name", "unit__order", "unit_id", "round_id")
            .order_by("unit__order", "unit_id"))
    due = rnd.due_on
    names, missing, late, on_time = {}, {}, {}, defaultdict(lambda: True)
    for report in rows:
        unit = report.unit_id
        names[unit] = report.unit.short_name
        if report.status in LATE_STATUSES or report.submitted_at is None:
            missing[unit] = names[unit]
            on_time[unit] = False
        elif report.submitted_at.date() > due:
            late[unit] = names[unit]
            on_time[unit] = False
        else:
            on_time[unit] = on_time[unit] and True
    return names, list(late.values()), list(missing.values()), {u for u, ok in on_time.items() if ok}


def draft_text(rnd) -> tuple[str, str]:
    """(title, body) of the bulletin of ``rnd``: body lines, "一、" lines are headings."""
    plan = rnd.plan
    year = rnd.period_end.year
    data = load_rollup([plan], year)
    run = data.run
    names, late, missing, on_time = round_facts(rnd)
    title = _("关于%(label)s%(plan)s推进情况的通报") % {"label": rnd.period_label, "plan": plan.title}
    lines = [_("各成员单位："),
             _("根据各成员单位报送的%(label)s进展情况，现将《%(plan)s》推进情况通报如下。") % {
                 "label": rnd.period_label, "plan": plan.title},
             _("一、总体进展")]
    if run and run.computed_at:
        lines.append(_("截至%(as_of)s，%(total)s项任务中已完成%(done)s项，进展顺利%(on)s项，进度滞后%(behind)s项，"
                       "存在风险%(risk)s项，未启动%(idle)s项；量化目标%(targets)s个，已达成%(reached)s个。") % {
            "as_of": _cn_day(run.as_of or rnd.period_end),
            "total": run.tasks_total, "done": run.tasks_done, "on": run.tasks_on_track, "behind": run.tasks_behind,
            "risk": run.tasks_at_risk, "idle": run.tasks_not_started, "targets": run.targets_total,
            "reached": run.targets_reached})
    else:
        lines.append(_("本年度尚未汇总。"))
    lines.append(_("二、进度滞后的任务"))
    lagging_units = set()
    behind = [line for line in data.tasks if line.light in (Light.YELLOW, Light.RED) and line.rollup]
    for line in behind:
        text = _("第%(ref)s项 %(task)s（%(light)s）：%(reason)s。") % {
            "ref": line.task.ref, "task": line.task.short_text, "light": line.light_label, "reason": line.reason}
        if line.explanation:
            text += _("单位说明：%(text)s。") % {"text": line.explanation}
        lines.append(text)
        lagging_units.update(a.unit_id for a in line.task.assignments.all())
    if not behind:
        lines.append(_("各项任务均达到序时进度。"))
    lines.append(_("三、报送情况"))
    lines.append(_("本轮应报单位%(total)s个，按时报送%(on_time)s个。") % {"total": len(names), "on_time": len(on_time)})
    if late:
        lines.append(_("逾期报送的单位：%(units)s。") % {"units": "、".join(late)})
    if missing:
        lines.append(_("截至通报时仍未报送的单位：%(units)s。") % {"units": "、".join(missing)})
    if not late and not missing:
        lines.append(_("各单位均按时报送。"))
    lines.append(_("四、表扬"))
    commended = [names[u] for u in names if u in on_time and u not in lagging_units]
    if commended:
        lines.append(_("%(units)s按时报送、所负责任务达到序时进度，予以通报表扬。") % {"units": "、".join(commended)})
    else:
        lines.append(_("本轮无予以表扬的单位。"))
    lines.append(_("五、下步要求"))
    lines.append(_("请进度滞后的单位分析原因、制定措施，在下一轮报告中说明整改情况；请逾期和未报送的单位抓紧报送。"))
    return title, "\n".join(lines)


def bulletin_docx(bulletin) -> bytes:
    """The bulletin as a GB/T 9704 公文 (Word)."""
    doc = Gongwen()
    doc.title(bulletin.title)
    first = True
    for raw in bulletin.body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if HEADING.match(line):
            doc.heading(HEADING.sub("", line), level=1)
        elif SUBHEADING.match(line):
            doc.heading(SUBHEADING.sub("", line), level=2)
        else:
            doc.paragraph(line, indent=not first)
        first = False
    rnd = bulletin.round
    doc.blank()
    doc.paragraph(rnd.plan.committee.name + _("办公室"), indent=False, align="right")
    day = bulletin.published_at or bulletin.updated_at
    if day:
        doc.paragraph(_cn_day(day), indent=False, align="right")
    return doc.to_bytes()
