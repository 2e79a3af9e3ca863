"""What scrolls sideways in a built site, as Chromium lays it out at a given width.

``python -m harness.publishing.layout site/`` prints every code block and table that is
wider than its column at 1400 px (``--width`` for another), one line each, and
exits 1 if there is any; the site test and ``make check-page`` run the same
check. A code block is reported in characters (its longest line against what
the column holds), a table in pixels.
"""

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Flags for a closed network (no background requests to Google) and a root user (no sandbox).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The boxes that scroll when their content is too wide: a code block's <code>, and
# Material's wrapper around each table. Boxes not shown (a closed "All columns") are
# left out: they take no width until a reader opens them.
WIDE = """() => {
    const fits = (code) => {  // characters of the code's own font the box holds
        const probe = document.createElement('span');
        probe.textContent = '0'.repeat(100);
        code.appendChild(probe);
        const width = probe.getBoundingClientRect().width / 100;
        probe.remove();
        return Math.floor(code.clientWidth / width);
    };
    return [...document.querySelectorAll(
            '.md-content pre > code, .md-content .md-typeset__scrollwrap')]
        .filter(box => box.offsetParent !== null && !box.closest('details:not([open])'))
        .filter(box => box.scrollWidth > box.clientWidth + 1)
        .map(box => {
            if (box.tagName === 'CODE') {
                const lines = box.innerText.split('\\n');
                const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
                return `code: a line of ${longest.length} characters where the column `
                    + `holds ${fits(box)}: ${longest.trim().slice(0, 60)}`;
            }
            return `table ${box.scrollWidth}px in ${box.clientWidth}px: `
                + box.innerText.trim().split('\\n')[0].slice(0, 60);
        });
}"""


def browser() -> str | None:
    return next(filter(None, map(shutil.which, BROWSERS)), None)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass  # a line per file served says nothing here


def serving(site: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).parent.as_posix()
        for p in site.rglob("index.html")
        if "assets" not in p.parts and p.parent != site / "search"
    )


def overflowing(site: Path, width: int = 1400) -> list[str]:
    """'page: code 912px in 702px: def …' for every box wider than its column."""
    from playwright.sync_api import sync_playwright

    found = []
    server = serving(site)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=browser(), args=CHROMIUM_ARGS)
            page = chromium.new_page(viewport={"width": width, "height": 900})
            for path in pages(site):
                page.goto(f"http://127.0.0.1:{server.server_port}/{path}/")
                found += [f"{path or '/'}: {box}" for box in page.evaluate(WIDE)]
            chromium.close()
    finally:
        server.shutdown()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site, such as site/")
    parser.add_argument("--width", type=int, default=1400, help="the window's width in px")
    args = parser.parse_args()
    wide = overflowing(args.site, args.width)
    print("\n".join(wide) or f"Nothing scrolls sideways at {args.width} px.")
    return 1 if wide else 0


if __name__ == "__main__":
    sys.exit(main())
