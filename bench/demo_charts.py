"""Draw every chart from the demo school, in every language, into a folder of PNGs.

    .venv/bin/python bot.py demo --user 12345          # seed the demo (DATABASE_URL or default)
    .venv/bin/python -m bench.demo_charts --out charts  # class, grade, school, district charts

Uses the same database settings as `python bot.py` (DATABASE_URL, default the SQLite file).
Period: the demo's last week and this week (Monday to today), plus the last 4 weeks for the
district chart.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.demo.data import DISTRICT_NAME, LEADER_GRADE, SCHOOL_NAME
from bot.domain.calendar import local_today
from bot.domain.periods import Scope, last_week, last_weeks, this_week
from bot.i18n import LOCALES, use_locale
from handlers.reports import views as report_views
from storage.db import create_engine, create_sessionmaker
from storage.models import District, School, SchoolClass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="charts", help="folder for the PNGs")
    parser.add_argument("--class-name", default="5A")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, png in asyncio.run(draw_all(args.class_name)).items():
        (out / name).write_bytes(png)
        print(out / name)


async def draw_all(class_name: str) -> dict[str, bytes]:
    """File name -> PNG of every chart of the demo school."""
    settings = Settings()  # type: ignore[call-arg]
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    async with create_sessionmaker(engine)() as session:
        district = await session.scalar(select(District).where(District.name == DISTRICT_NAME))
        school = await session.scalar(select(School).where(School.name == SCHOOL_NAME))
        if district is None or school is None:
            raise SystemExit("no demo data: run `python bot.py demo --user ID` first")
        klass = await session.scalar(
            select(SchoolClass).where(
                SchoolClass.school_id == school.id, SchoolClass.name == class_name
            )
        )
        assert klass is not None
        today = local_today(school.timezone, now)
        periods = {"last-week": last_week(today), "this-week": this_week(today)}
        written: dict[str, bytes] = {}
        for locale in LOCALES:
            with use_locale(locale):
                for label, (start, end) in periods.items():
                    pictures = {
                        "class": await report_views.class_picture(session, klass.id, start, end),
                        "grade": await report_views.heat_picture(
                            session, Scope.of_grade(school.id, LEADER_GRADE), start, end
                        ),
                        "school": await report_views.heat_picture(
                            session, Scope.of_school(school.id), start, end
                        ),
                    }
                    for kind, picture in pictures.items():
                        for n, png in enumerate(picture.images if picture else ()):
                            name = f"{kind}-{label}-{locale}{'-' + str(n) if n else ''}.png"
                            written[name] = png
                start, end = last_weeks(today, 4)[0], this_week(today)[1]
                picture = await report_views.district_picture(session, district.id, start, end, now)
                if picture is not None:
                    written[f"district-{locale}.png"] = picture.images[0]
    await engine.dispose()
    return written


if __name__ == "__main__":
    main()
