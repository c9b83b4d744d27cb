"""Who may see and do what: every view, form and API endpoint asks here.

A person's reach is derived from their ``UnitRole`` rows:

* reporter / approver — their own units' tasks and reports;
* office / admin — everything of the committee their unit belongs to, and read access
  to the committees below it (lower plans derive from theirs and report up);
* leader — read-only, the same reach as the office.
Superusers see everything.

An API client (``ApiClient``: another government system) is scoped to one committee and
the committees below it. A read-only client reads like a leader of that subtree; a
read-write client may also do the office's writes (open rounds, accept/return reports,
add units and plans) and the units' writes (fill, submit, approve reports) there.
"""
import re
from dataclasses import dataclass, field

from django.db.models import Q

from core.api.clients import CLIENT_ATTRIBUTE

from .models import DUTY_ROLES, ApiClient, Committee, Unit, UnitAlias, UnitRole

Role = UnitRole.Role
COMMITTEE_WIDE_ROLES = {Role.OFFICE, Role.ADMIN, Role.LEADER}
# The 三员 (system, security, audit administrators) reach no plan or report through their role.
BUSINESS_ROLES = [r for r in Role.values if r not in DUTY_ROLES]


@dataclass
class Access:
    """The reach of one user, computed once per request (see ``access_for``)."""

    is_superuser: bool = False
    unit_ids: dict = field(default_factory=dict)  # role -> set of unit ids
    committee_ids: dict = field(default_factory=dict)  # role -> set of committee ids of those units
    readable_committee_ids: set = field(default_factory=set)  # any role here, or below an office/leader
    wide_committee_ids: set = field(default_factory=set)  # committees whose every report the user may read

    def units_with(self, *roles):
        return set().union(*(self.unit_ids.get(r, set()) for r in roles)) if roles else set()

    def committees_with(self, *roles):
        return set().union(*(self.committee_ids.get(r, set()) for r in roles)) if roles else set()

    def can_read_committee(self, committee_id):
        return self.is_superuser or committee_id in self.readable_committee_ids

    @property
    def all_unit_ids(self):
        return self.units_with(*self.unit_ids.keys())

    def is_office_of(self, committee_id):
        return self.is_superuser or committee_id in self.committees_with(Role.OFFICE, Role.ADMIN)

    def is_reporter_of(self, unit_id):
        return unit_id in self.units_with(Role.REPORTER)

    def is_approver_of(self, unit_id):
        return unit_id in self.units_with(Role.APPROVER)

    @property
    def has_any_role(self):
        return self.is_superuser or bool(self.units_with(*BUSINESS_ROLES))

    @property
    def is_system_admin(self):
        return self.is_superuser or bool(self.units_with(Role.SYSTEM_ADMIN))

    @property
    def is_security_admin(self):
        """Sees log-in records, unlocks accounts, resets passwords (三员分立: not the audit administrator)."""
        return bool(self.units_with(Role.SECURITY_ADMIN))

    @property
    def is_audit_admin(self):
        """Reads and exports the audit trail, nothing else."""
        return bool(self.units_with(Role.AUDIT_ADMIN))


def descendant_committee_ids(committee_ids):
    """All committees below the given ones (the hierarchy is three levels deep)."""
    found, frontier = set(), set(committee_ids)
    while frontier:
        children = set(Committee.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return found


def access_for(user) -> Access:
    """Compute (and memoise on the user object) what ``user`` can reach.

    ``user`` may also be an ``ApiClient``, or the client's service account as the API's
    token authentication hands it over (carrying ``_luoshi_api_client``).
    """
    client = user if isinstance(user, ApiClient) else getattr(user, CLIENT_ATTRIBUTE, None)
    if client is not None:
        return access_for_client(client, holder=user)
    if not getattr(user, "is_authenticated", False):
        return Access()
    cached = getattr(user, "_luoshi_access", None)
    if cached is not None:
        return cached
    access = Access(is_superuser=user.is_superuser)
    rows = UnitRole.objects.filter(user=user, unit__is_active=True).values_list("role", "unit_id", "unit__committee_id")
    for role, unit_id, committee_id in rows:
        access.unit_ids.setdefault(role, set()).add(unit_id)
        access.committee_ids.setdefault(role, set()).add(committee_id)
    own = access.committees_with(*BUSINESS_ROLES)
    wide = access.committees_with(*COMMITTEE_WIDE_ROLES)
    access.wide_committee_ids = wide | descendant_committee_ids(wide)
    access.readable_committee_ids = own | access.wide_committee_ids
    user._luoshi_access = access
    return access


def can_manage_plan(user, plan) -> bool:
    """May ``user`` edit, publish, revise, close or delete ``plan``? Its committee's office (or admin) only;
    leaders and the offices of the committees above read it but change nothing."""
    return access_for(user).is_office_of(plan.committee_id)


def can_read_plan(user, plan) -> bool:
    return access_for(user).can_read_committee(plan.committee_id)


def client_subtree_ids(committee_id) -> set:
    """A committee and every committee below it, in one query (levels: province → city → county)."""
    c = committee_id
    below = Q(pk=c) | Q(parent_id=c) | Q(parent__parent_id=c) | Q(parent__parent__parent_id=c)
    return set(Committee.objects.filter(below).order_by().values_list("id", flat=True))


def access_for_client(client, holder=None) -> Access:
    """The reach of an API client: its committee and the ones below it; writes only if read-write."""
    holder = holder if holder is not None else client
    cached = getattr(holder, "_luoshi_access", None)
    if cached is not None:
        return cached
    access = Access()
    if client.is_active:
        subtree = client_subtree_ids(client.committee_id)
        access.wide_committee_ids = subtree
        access.readable_committee_ids = set(subtree)
        if client.read_only:
            access.committee_ids = {Role.LEADER: set(subtree)}
        else:
            units = set(Unit.objects.filter(committee_id__in=subtree, is_active=True).values_list("id", flat=True))
            access.unit_ids = {Role.REPORTER: units, Role.APPROVER: set(units)}
            access.committee_ids = {Role.OFFICE: set(subtree), Role.REPORTER: set(subtree), Role.APPROVER: set(subtree)}
    holder._luoshi_access = access
    return access


def committees_for(user):
    access = access_for(user)
    qs = Committee.objects.all()
    return qs if access.is_superuser else qs.filter(id__in=access.readable_committee_ids)


def wide_committees(user):
    """Committees whose every report and roll-up ``user`` may read: those of the committee-wide roles
    and the committees below them (an API client: its subtree); all of them for superusers."""
    access = access_for(user)
    qs = Committee.objects.all()
    return qs if access.is_superuser else qs.filter(id__in=access.wide_committee_ids)


def units_for(user):
    access = access_for(user)
    qs = Unit.objects.select_related("committee", "successor")
    return qs if access.is_superuser else qs.filter(committee_id__in=access.readable_committee_ids)


def unit_name_index(committee):
    """Map every name a plan may print for a unit of ``committee`` to that unit.

    Short names, full names and aliases all count; names of units that were renamed
    keep pointing at the old unit, whose ``successor`` tells where the duties went.
    """
    index = {}
    for unit in Unit.objects.filter(committee=committee):
        for name in (unit.short_name, unit.full_name):
            if name:
                index.setdefault(name, unit)
    for alias in UnitAlias.objects.filter(committee=committee).select_related("unit"):
        index.setdefault(alias.name, alias.unit)
    return index


ALL_MEMBERS_PATTERN = re.compile(r"各(有关)?成员单位$|^各成员单位|各有关部门$")


def is_all_members_name(name: str) -> bool:
    """"省政府残工委各成员单位" names every member unit rather than one unit."""
    return bool(ALL_MEMBERS_PATTERN.search(name))


def suggest_units(name: str, index: dict, limit: int = 3):
    """The closest known names for an unknown one, best first, as ``(name, unit, score)``."""
    from rapidfuzz import fuzz, process

    matches = process.extract(name, list(index), scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
    return [(match, index[match], round(score)) for match, score, _ in matches]
