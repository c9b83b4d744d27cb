"""Security to 等保 2.0 expectations: log-in protection, password life-cycle, session limits,
response headers, the separation of administrator duties and the audit trail.

See the README's *Security* section for which control lives where and how it is tested.
"""
