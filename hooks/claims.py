"""MkDocs hook: sentences about measured results are checked against the results.

The claim language and its checks are the harness's (``harness/reporting/claims.py``,
which documents the forms); this hook shows each verdict on its page. A claim
that holds shows its sentence as written. One that does not fails any build
but ``make serve`` (``make site``, publishing), naming every such claim at the
end; while serving, its words are marked and one plain sentence after the
sentence they belong to says what this machine measured and why it may differ,
and the terminal says so too.
"""

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness.core import paths, results
from harness.reporting import claimed, claims

log = logging.getLogger("mkdocs.hooks.claims")
failures: list[str] = []  # every claim of this build that does not hold, said at its end


def measured_examples() -> dict:
    try:
        return results.load(paths.generated() / "results.json").examples
    except results.ResultsError:
        return {}


def on_pre_build(config) -> None:
    failures.clear()


def on_post_build(config) -> None:
    if failures:
        raise PluginError(
            f"{len(failures)} claim(s) do not hold against their tables:\n"
            + "\n".join(f"  {failure}" for failure in failures)
        )


def on_page_markdown(markdown: str, page, config, files) -> str:
    examples = measured_examples()
    serving = bool(os.environ.get("SITE_PLACEHOLDERS"))  # set by `make serve`
    said_unchecked = []  # a page says once that its full-size sentences are not checked

    def judge(match):
        where = f"{page.file.src_uri}: claim about {match['example']} ({match['check'].strip()})"
        try:
            said = claimed.shown_claim(match, examples.get(match["example"]), where, serving)
        except claims.ClaimError as error:
            raise PluginError(f"{where}: {error}") from None
        if said.failure and not serving:
            failures.append(said.failure)
        if said.note and not said.failure:
            if said_unchecked:
                return claimed.Shown(said.text)
            said_unchecked.append(match)
        elif said.note:
            # INFO, not a warning: `mkdocs serve --strict` would stop on a warning.
            log.info(f'Claim not holding here, {page.file.src_uri}: "{claims.sentence_of(match)}" '
                     f"{said.failure.partition(' does not hold: ')[2]}")  # fmt: skip
        return said

    return claimed.checked_page(markdown, judge)
