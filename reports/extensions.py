"""Hooks by which the apps above ``reports`` take part in the report workflow without ``reports``
importing them (the layers only point down). Each app registers its functions in its ``ready``.

* ``SUBMIT_CHECKS``: ``check(report) -> list[str]``; any message refuses the submission
  (``rollups`` refuses a report while a leader's 批示 it concerns is unanswered).
* ``REPORT_PANELS``: ``panel(user, report) -> dict | None``; a dict with ``template`` (and whatever that
  template reads as ``panel``) is shown on the report page above the form.
"""
SUBMIT_CHECKS: list = []
REPORT_PANELS: list = []


def submit_blockers(report) -> list[str]:
    messages = []
    for check in SUBMIT_CHECKS:
        messages.extend(check(report))
    return messages


def report_panels(user, report) -> list[dict]:
    return [panel for panel in (make(user, report) for make in REPORT_PANELS) if panel]
