"""What an example printed, as a page shows it: a text box, or the picture it drew."""

import base64
import re

from harness.core.records import Record
from harness.reporting.provenance import where


def render_transcript(record: Record, title: str) -> str:
    """What the example printed when the harness ran it, as a page includes it.

    Where it printed an SVG picture (an ``<svg>`` element last), the page
    shows the picture, under the lines printed before it.
    """
    transcript = record.transcripts[title]
    printed, picture = split_picture(transcript.output.rstrip())
    text = f'```text title="{transcript.command}"\n{printed}\n```\n\n' if printed else ""
    if picture is None:
        return text + f"<small>Printed on {where(record)}</small>\n"
    data = base64.b64encode(picture.encode()).decode()
    return (
        text
        + f"![What `{transcript.command}` drew](data:image/svg+xml;base64,{data})"
        + "{ .wide-picture }\n\n"
        + f"<small>Drawn on {where(record)}</small>\n"
    )


def split_picture(output: str) -> tuple[str, str | None]:
    """(the text, the SVG element) of an output that ends in an SVG element;
    (the output, None) otherwise."""
    starts = [m.start() for m in re.finditer(r"(?m)^<svg\b", output)]
    if not starts or not output.endswith("</svg>"):
        return output, None
    return output[: starts[-1]].rstrip(), output[starts[-1] :]
