"""Pure product rules: no AWS, no HTTP, no clock or environment reads.

Modules (see docs/domain.md): progress (the status values), dates (org-local dates),
tally (the sorted multiset summaries are made of), appointments, clients, packages,
on_track (package On track + the package's nightly evaluation), trackers, engagements,
recipients (who may be emailed), effects (side effects + the shared replay driver),
access (the caller and permission predicates), errors.
"""
