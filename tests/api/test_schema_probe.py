"""The API probe: schemathesis at 50 examples per operation, with a read-write and a read-only token.

Slower than the suite's own schemathesis test (``test_schema.py``, 5 examples, read-write token),
so it is marked ``probe`` and left out of the default run. Run it with::

    .venv/bin/python -m pytest -m probe tests/api/test_schema_probe.py -s -q

Every generated request (valid data, invalid data, and valid data on the world's real ids) is
sent in-process; every answer is checked separately for a server error and for each schema
check, so that one failure does not hide the others. The counts (operations, examples,
statuses, failures) are printed as one JSON line per token.
"""
import collections
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from .test_schema import (
    CHECKS,
    OPERATIONS,
    RESOURCE_OF,
    _ids,
    _modes,
    in_process_wsgi,  # noqa: F401 — the fixture, shared
)

pytestmark = [pytest.mark.django_db, pytest.mark.probe]

EXAMPLES = int(os.environ.get("LUOSHI_PROBE_EXAMPLES", "50"))
ONLY = os.environ.get("LUOSHI_PROBE_ONLY", "")  # a part of the operations' labels, to probe only those


@pytest.fixture
def roomy_throttles(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_client": "1000000/min", "api_user": "1000000/min"},
    }


def _run(strategy, label, headers, counts, failures):
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        response = case.call(headers=headers)
        counts["examples"] += 1
        counts["statuses"][response.status_code] += 1
        for check in CHECKS:
            try:
                case.validate_response(response, checks=[check])
            except FailureGroup as exc:
                failures[check.__name__].append((label, response.status_code, case.as_curl_command(headers),
                                                 str(exc)[:400]))

    run()


def _probe(world, token):
    """Run every operation in every mode; returns the counts and the failures found."""
    counts = {"operations": len(OPERATIONS), "runs": 0, "examples": 0, "statuses": collections.Counter()}
    failures = collections.defaultdict(list)  # check name → [(operation, status, detail)]
    headers = {"Authorization": f"Token {token}"}
    for operation in OPERATIONS:
        if ONLY not in operation.label:
            continue
        for mode in _modes(operation):
            counts["runs"] += 1
            kwargs = {}
            if mode == "real-ids":
                kwargs["path_parameters"] = {"id": _ids(world)[RESOURCE_OF[operation.path.split("/")[3]]]}
            generation = GenerationMode.NEGATIVE if mode == "negative" else GenerationMode.POSITIVE

            _run(operation.as_strategy(generation, **kwargs), f"{operation.label} {mode}", headers, counts, failures)
    counts["statuses"] = dict(sorted(counts["statuses"].items()))
    return counts, failures


@pytest.mark.usefixtures("in_process_wsgi", "roomy_throttles")
@pytest.mark.parametrize("which", ["write_own", "read_own"])
def test_probe_no_server_error_and_no_schema_violation(world, tokens, which):
    counts, failures = _probe(world, getattr(tokens, which))
    server_errors = failures.pop(not_a_server_error.__name__, [])
    violations = [f for found in failures.values() for f in found]
    print(json.dumps({"probe": which, **counts, "server_errors": len(server_errors),
                      "schema_violations": len(violations)}, ensure_ascii=False))
    assert counts["examples"] >= counts["runs"]  # every operation was sent at least once
    assert not server_errors, server_errors[:5]
    assert not violations, violations[:5]
