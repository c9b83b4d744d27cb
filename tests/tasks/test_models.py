import pytest
from django.db import IntegrityError, transaction

from tasks.models import Assignment, WorkPlan
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_task_cannot_have_the_same_unit_twice():
    """A task with two lead rows for the same unit is refused by the database."""
    a = f.AssignmentFactory(role=Assignment.Role.LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(task=a.task, unit=a.unit, role=Assignment.Role.LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(task=a.task, unit=a.unit, role=Assignment.Role.PARTICIPATING)


def test_plan_period_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.WorkPlanFactory(period_start=2025, period_end=2021)


def test_doc_number_unique_per_committee_but_blank_allowed_twice():
    plan = f.WorkPlanFactory(doc_number="吉政残工委发〔2021〕2号")
    f.WorkPlanFactory(committee=plan.committee, doc_number="")
    f.WorkPlanFactory(committee=plan.committee, doc_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.WorkPlanFactory(committee=plan.committee, doc_number="吉政残工委发〔2021〕2号")


def test_task_ref_unique_within_section_and_without_section():
    task = f.TaskFactory(ref="1")
    f.TaskFactory(plan=task.plan, ref="1")  # another section of the same plan
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TaskFactory(plan=task.plan, section=task.section, ref="1")
    f.TaskFactory(plan=task.plan, section=None, ref="9")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TaskFactory(plan=task.plan, section=None, ref="9")


def test_section_path_unique_in_plan():
    s = f.SectionFactory(path="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.SectionFactory(plan=s.plan, path="一")


def test_strings_and_helpers():
    plan = f.WorkPlanFactory(period_start=2021, period_end=2025, title="十四五规划")
    assert str(plan) == "十四五规划" and plan.period_label == "2021—2025"
    task = f.TaskFactory(plan=plan, ref="3", text="落实残疾人两项补贴制度。健全机制。")
    assert str(task) == "3. 落实残疾人两项补贴制度"
    assert WorkPlan.objects.for_year(2023).filter(pk=plan.pk).exists()
    assert not WorkPlan.objects.for_year(2026).filter(pk=plan.pk).exists()
    assert str(task.section).endswith(task.section.title)
