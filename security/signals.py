"""Audit events from Django signals (filled in below)."""
