"""Events of member-unit management that the apps above act on.

``unit_reformed`` is sent inside the transaction of 机构改革 (a unit renamed or merged into another),
with ``unit`` (the old unit), ``successor`` and ``effective_on``; receivers move what is still open
(report slots in open rounds, assignments of plans still running) to the successor. A receiver that
raises undoes the whole change.
"""
from django.dispatch import Signal

unit_reformed = Signal()

# The office set a person's password (a new account, a reset): sent with ``user`` and ``actor`` inside the
# transaction; ``security`` marks the password to be changed at the person's next log-in.
password_set_by_office = Signal()
