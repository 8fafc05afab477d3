"""ClinicalTrials.gov (API v2): the trials behind and ahead of a policy's evidence.

Mirrors `evidence.entrez`: `client` (paced, retried, cached calls), `cache` (the requests-cache
session), `ratelimit` (one pace per process) and `parse` (JSON study -> `TrialRecord`, no I/O).
"""
