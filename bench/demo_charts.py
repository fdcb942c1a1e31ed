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
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.demo.data import LEADER_GRADE
from bot.demo.language import LANGUAGES
from bot.demo.planning import localized_class_names
from bot.domain.calendar import local_today
from bot.domain.periods import Scope, last_week, last_weeks, this_week
from bot.i18n import LOCALES, use_locale
from handlers.reports import views as report_views
from storage.db import create_engine, create_sessionmaker
from storage.models import District, School, SchoolClass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="charts", help="folder for the PNGs")
    parser.add_argument("--class-name", default="5A", help="the class, as the demo plans it")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, png in asyncio.run(draw_all(args.class_name)).items():
        (out / name).write_bytes(png)
        print(out / name)


async def draw_all(class_name: str) -> dict[str, bytes]:
    """File name -> PNG of every chart of each demo school there is (`bot.py demo` seeds it in
    its user's language), in every language of the bot."""
    settings = Settings()  # type: ignore[call-arg]
    engine = create_engine(settings.database_url)
    now = datetime.now(UTC)
    written: dict[str, bytes] = {}
    async with create_sessionmaker(engine)() as session:
        for world in LANGUAGES.values():
            district = await session.scalar(select(District).where(District.name == world.district))
            school = await session.scalar(select(School).where(School.name == world.school))
            if district is None or school is None:
                continue
            name = localized_class_names(world)[class_name]
            klass = await session.scalar(
                select(SchoolClass).where(
                    SchoolClass.school_id == school.id, SchoolClass.name == name
                )
            )
            assert klass is not None
            for file, png in (await draw_school(session, district, school, klass, now)).items():
                written[f"{world.locale}-world-{file}"] = png
    await engine.dispose()
    if not written:
        raise SystemExit("no demo data: run `python bot.py demo --user ID` first")
    return written


async def draw_school(
    session: AsyncSession, district: District, school: School, klass: SchoolClass, now: datetime
) -> dict[str, bytes]:
    """The class, grade, school and district charts of one demo school, in every language."""
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
    return written


if __name__ == "__main__":
    main()
