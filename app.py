"""The web app: `python app.py [--host H] [--port P]` (same as `python -m bot serve`)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
