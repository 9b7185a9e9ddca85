"""Text from files and applicants made safe for a terminal: never a control sequence.

An applicant's name, a file name or a value quoted in a message may hold escape sequences
(ESC, CSI), carriage returns, bidirectional overrides or other invisible characters that
would rewrite what staff see. They are shown escaped (``\\u001b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def _unsafe() -> re.Pattern[str]:
    """C0 and C1 controls, DEL, and the format characters that reorder or hide text
    (compiled when first shown, not to define the commands: « --help » never needs it)."""
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"  # also a valid JSON escape


def one_line(text: object) -> str:
    """A value on one line: every control character escaped, line breaks included."""
    return _unsafe().sub(_escaped, str(text))


def lines(text: object) -> str:
    """A message that may span lines: line breaks kept, every other control escaped."""
    return "\n".join(one_line(line) for line in str(text).split("\n"))
