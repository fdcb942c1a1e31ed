"""Translation workflow in one command: `python -m bot.i18n_tool`.

Extracts every gettext string from bot/, handlers/ and storage/ into locales/messages.pot,
merges it into each locale's messages.po (new strings empty, vanished ones dropped), and
fills the English catalogue with the source text. Translate the empty msgstr entries in
zh_Hans and ru afterwards; `pytest tests/test_i18n.py` lists what is missing.
"""

from __future__ import annotations

import copy
import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("bot", "handlers", "storage")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}


def extract() -> Catalog:
    """The template: every translatable string in the source, with its locations."""
    template = Catalog(project="qingfu", charset="utf-8")
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            template.add(
                message,
                None,
                [(f"{directory}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def update_catalogs() -> dict[str, int]:
    """Merge the template into every locale; returns how many entries each lacks."""
    template = extract()
    with (LOCALES_DIR / "messages.pot").open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False)
    missing: dict[str, int] = {}
    for locale in LOCALES:
        path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="qingfu", charset="utf-8")
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if locale == "en":
            for message in catalog:
                if message.id and not _translated(message.string):
                    message.string = message.id
        missing[locale] = sum(1 for m in catalog if m.id and (not _translated(m.string) or m.fuzzy))
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False)
    return missing


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def main() -> int:
    for locale, count in update_catalogs().items():
        print(f"{locale}: {count} untranslated" if count else f"{locale}: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
