"""``crossroads classify``: plain lines and JSON Lines in, JSON Lines out."""

from __future__ import annotations

import io
import json

import pytest

from crossroads.engine.diagnostics import CrossroadsError
from crossroads.tui.cli import main
from crossroads.tui.commands.classify import classify_stream


def _run(data: str) -> list[dict[str, object]]:
    out = io.StringIO()
    classify_stream(io.BytesIO(data.encode()).readlines(), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_plain_and_json_lines_mixed_empty_lines_skipped() -> None:
    rows = _run(
        "Last week my lead cancelled our one-on-one again.\n"
        "\n"
        '{"id": "r7", "text": "Managers should listen more.", "other": 1}\n'
        "   \n"
    )
    assert [r["label"] for r in rows] == ["story", "opinion"]
    assert rows[0]["text"] == "Last week my lead cancelled our one-on-one again."
    assert rows[1]["id"] == "r7" and "other" not in rows[1]
    for row in rows:
        assert set(row) >= {"text", "label", "confidence", "evidence"}
        assert 0.5 <= float(row["confidence"]) <= 1  # type: ignore[arg-type]
        assert isinstance(row["evidence"], list) and row["evidence"]


def test_text_with_markup_and_unicode_is_kept_verbatim() -> None:
    rows = _run('{"text": "[bold]Ich[/] dachte, wir sollten reden — “ok”"}\n')
    assert rows[0]["text"] == "[bold]Ich[/] dachte, wir sollten reden — “ok”"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('ok\n{"txt": "x"}\n', "line 2: JSON line has no \"text\" string field"),
        ('\n\n{"text": 3}\n', "line 3: JSON line has no \"text\" string field"),
        ("{not json\n", "line 1: starts with '{' but is not valid JSON"),
    ],
)
def test_bad_json_line_names_the_line(data: str, message: str) -> None:
    with pytest.raises(CrossroadsError) as err:
        _run(data)
    assert str(err.value).startswith(message)


def test_cli_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class _Stdin:
        buffer = io.BytesIO(b"I was late.\n{\"id\": 1}\n")

    monkeypatch.setattr("sys.stdin", _Stdin())
    assert main(["classify"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out.splitlines()[0])["label"] == "story"
    assert captured.err.strip() == 'line 2: JSON line has no "text" string field'
    assert "Traceback" not in captured.err


def test_not_utf8_is_a_clean_error() -> None:
    out = io.StringIO()
    with pytest.raises(CrossroadsError, match="line 1: not valid UTF-8"):
        classify_stream([b"\xff\xfe caf\xe9\n"], out)
