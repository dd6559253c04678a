"""The progress bar draws only on a terminal."""

from __future__ import annotations

import io

from app.importers.progress import ProgressBar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal() -> None:
    stream = _Terminal()
    bar = ProgressBar(stream)
    bar.update("scores", 1, 2)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\r[" + "#" * 15 + "-" * 15 + "] scores")
    assert "1/2" in text and text.endswith("\r\x1b[K")


def test_no_bar_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.update("scores", 1, 2)
    bar.close()
    assert stream.getvalue() == ""
