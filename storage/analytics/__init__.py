"""Set-based figures over a date range and a scope, one statement (or a few) each, never one
per class or school:

- `scopes`: a scope's classes and schools as SQL conditions, and their names;
- `loads`: class-evening loads with cap and median (the daily check's statement,
  `storage.checks.class_evening_query`, with a range-and-scope condition and a cap that also
  knows non-school days), written minutes per subject, calibration inputs;
- `complaints`: complaint timeliness, and complaints for an export;
- `exports`: the other rows of an export (homework pieces, anonymous reports);
- `streams`: large results streamed from a server-side cursor in batches.
"""
