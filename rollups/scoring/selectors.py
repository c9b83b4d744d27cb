"""Reads of 考核: which schemes a user sees, and the scored, ranked cards they may read.

Who sees what (decided here, from ``units.selectors.access_for``):

* the office (and admins) of the scheme's committee — every card, and may change the scheme;
* leaders of that committee, and the office/leaders of committees above it — every card, read-only;
* a member unit's people (reporters, approvers) — only their unit's card (a renamed unit's
  people see the card of the unit carrying its duties today);
* the office or leaders of a lower committee the scheme scores — only that committee's card;
* anyone else — nothing (404).
"""
from __future__ import annotations

import gc

from django.db.models import Q
from django.http import Http404

from targets.models import Target
from units.selectors import access_for

from ..models_scoring import ScoringItem, ScoringScheme, TargetWeight
from . import rules
from .facts import load_facts, load_facts_many, scheme_plan_ids

Kind = ScoringItem.Kind


def item_specs(scheme):
    """The scheme's items as ``rules.ItemSpec`` (uses a prefetched ``items`` when there is one)."""
    return [rules.ItemSpec(i.kind, i.display_label, i.points, i.per_missing, i.per_late, i.per_return)
            for i in scheme.items.all()]


def bands_of(scheme):
    return rules.Bands(scheme.excellent_from, scheme.good_from, scheme.fair_from)


BAND_LABELS = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "较差"}


def schemes_for(user):
    """Schemes the user may open (filtered by what ``access_for`` says)."""
    access = access_for(user)
    qs = ScoringScheme.objects.select_related("committee")
    if access.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=access.readable_committee_ids)
                     | Q(lower_committees__in=access.wide_committee_ids)).distinct()


def get_scheme(user, pk):
    try:
        return schemes_for(user).prefetch_related("items").get(pk=pk)
    except (ScoringScheme.DoesNotExist, ValueError, TypeError):
        raise Http404("考核办法不存在或无权查看") from None


def can_manage(user, scheme) -> bool:
    return access_for(user).is_office_of(scheme.committee_id)


def reads_all(user, scheme) -> bool:
    access = access_for(user)
    return access.is_superuser or scheme.committee_id in access.wide_committee_ids


def visible_keys(user, scheme, subjects):
    """None (every card) or the keys of the cards ``user`` may read."""
    if reads_all(user, scheme):
        return None
    access = access_for(user)
    keys = {f"u{subjects.current.get(u, u)}" for u in access.all_unit_ids}
    keys |= {f"c{c}" for c in access.wide_committee_ids}
    return keys


def results(user, scheme, *, today=None, lower_committee_ids=None, scored_units=None):
    """The cards ``user`` may read, ranked over every subject (a unit sees its true rank).

    Returns ``(cards, max_total)``; raises Http404 when the user may read no card at all.
    """
    subjects = load_facts(scheme, today=today, lower_committee_ids=lower_committee_ids, scored_units=scored_units)
    items = item_specs(scheme)
    cards = [rules.score(items, subjects.facts[key], key=key, name=subjects.names[key], kind=subjects.kinds[key],
                         link=subjects.links[key]) for key in subjects.names]
    ranked = rules.rank(cards, bands_of(scheme))
    keys = visible_keys(user, scheme, subjects)
    if keys is not None:
        ranked = [c for c in ranked if c.key in keys]
        if not ranked:
            raise Http404("无权查看该考核结果")
    return ranked, rules.max_total(items)


def card(user, scheme, key, *, today=None):
    """One subject's card (with its rank among all), or Http404."""
    cards, top = results(user, scheme, today=today)
    for c in cards:
        if c.key == key:
            return c, top
    raise Http404("没有该单位的考核结果")


def score_all(scheme, *, today=None, scored_units=None, lower_committee_ids=None):
    """Score a scheme for everyone, without a user (exports already authorised, jobs)."""
    subjects = load_facts(scheme, today=today, scored_units=scored_units, lower_committee_ids=lower_committee_ids)
    return _ranked(scheme, subjects)


def score_year(schemes, *, today=None):
    """Score many schemes of one year at once (every committee of a province): {scheme id: ranked cards}.
    The facts of all of them are read in the same constant number of queries as one scheme's."""
    schemes = list(schemes)
    enabled = gc.isenabled()
    gc.disable()  # tens of thousands of small objects: a full collection would cost more than the scoring
    try:
        facts = load_facts_many(schemes, today=today)
        return {s.pk: _ranked(s, facts[s.pk]) for s in schemes}
    finally:
        if enabled:
            gc.enable()


def _ranked(scheme, subjects):
    items = item_specs(scheme)
    return rules.rank([rules.score(items, subjects.facts[k], key=k, name=subjects.names[k], kind=subjects.kinds[k],
                                   link=subjects.links[k]) for k in subjects.names], bands_of(scheme))


def weight_rows(scheme):
    """The targets of the committee's plans of the year with the scheme's weight of each (1 by default)."""
    plan_ids = scheme_plan_ids({scheme.committee_id}, scheme.year).get(scheme.committee_id, [])
    weights = dict(TargetWeight.objects.filter(scheme=scheme).values_list("target_id", "weight"))
    rows = (Target.objects.filter(task__plan_id__in=plan_ids, ambiguous=False)
            .values_list("id", "task__ref", "indicator", "value", "measure_unit").order_by("task__plan_id", "task__order",
                                                                                        "order", "id"))
    return [{"id": pk, "ref": ref, "indicator": indicator, "value": value, "measure_unit": mu,
             "weight": weights.get(pk, rules.ONE)} for pk, ref, indicator, value, mu in rows]
