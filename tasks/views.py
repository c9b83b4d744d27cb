"""Web pages for plans and tasks. Views parse the request and call selectors/services."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports.selectors import reports_for_task

from . import selectors


@login_required
def home(request):
    plans = selectors.plan_list(request.user)
    return render(request, "tasks/home.html", {"plans": plans})


@login_required
def plan_detail(request, pk):
    plan = selectors.get_plan(request.user, pk)
    outline = selectors.plan_outline(plan)
    return render(request, "tasks/plan_detail.html", {"plan": plan, "outline": outline})


@login_required
def task_detail(request, pk):
    task = selectors.get_task(request.user, pk)
    reports = reports_for_task(request.user, task)
    return render(request, "tasks/task_detail.html", {"task": task, "plan": task.plan, "reports": reports})
