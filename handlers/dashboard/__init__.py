"""The dashboard: a Telegram Mini App for district supervisors, school offices and grade
leaders, served by the bot process (tornado routes in `web`, JSON views per page, a static
front end in `static/`). Every request is authenticated by Telegram's signed initData and the
user's roles are loaded from the database each time; the views ask the chat handlers' own
rights (`handlers.reports.access`, `handlers.complaints.access`)."""
