"""Natural input parsers (pure): what people type for minutes, dates, times, classes, class
lists, holidays and time zones, in Chinese, Russian and English.

Each parser returns `Understood(value)`, `BreaksRule(value, rule)` (the input was understood but
the value breaks a rule, e.g. 700 minutes or a past date) or `NotUnderstood(text)`, so a handler
can answer with the rule or with examples in the user's language.
"""
