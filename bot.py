"""Entry point: `python bot.py --help`."""

from bot.app.main import main

if __name__ == "__main__":
    raise SystemExit(main())
