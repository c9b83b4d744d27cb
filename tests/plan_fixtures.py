"""The real plan documents the importer is measured on, kept in ``tests/fixtures/plans/`` with
what a person reads out of them (``*.expected.json``, format in ``SCHEMA.md``) and the scorer."""
import importlib.util
import json
from pathlib import Path

PLANS = Path(__file__).resolve().parent / "fixtures" / "plans"


def plan_documents() -> list[Path]:
    """Every ``*.txt`` plan with its ``*.expected.json``; none found is an error, never a skip."""
    documents = sorted(p for p in PLANS.glob("*.txt") if p.with_suffix(".expected.json").is_file())
    if not documents:
        raise FileNotFoundError(f"no plan fixtures (*.txt + *.expected.json) in {PLANS}")
    return documents


def plan_text(name: str) -> str:
    return (PLANS / f"{name}.txt").read_text(encoding="utf-8")


def expected(name: str) -> dict:
    return json.loads((PLANS / f"{name}.expected.json").read_text(encoding="utf-8"))


def score_module():
    """``score.py`` (the scorer shipped with the fixtures) as a module."""
    spec = importlib.util.spec_from_file_location("plan_score", PLANS / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
