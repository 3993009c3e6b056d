"""Reading TOML that anyone may send: bound its shape first, then parse it in a child process.

Python's tomllib is quadratic in time and memory on deep dotted keys (a 48 KB `a.a.a… = 1` took
12 s and 2.3 GB) and recursive on nested arrays and inline tables (RecursionError). `scan` is a
linear pre-scan that refuses, with a line number, what no café plan needs: more than
MAX_BYTES, a line longer than MAX_LINE characters, a key of more than MAX_KEY_PARTS dotted
parts, arrays or inline tables nested deeper than MAX_NESTING, more than MAX_ITEMS keys and values.
`parse_isolated` runs scan and tomllib in a short-lived child process with a memory limit
(RLIMIT_AS) and a timeout, so that even a parser pathology nobody knows of yet costs one
child, never the server's event loop or memory.

This file uses the standard library only: the child runs it as a script (`python -I -S`), without
importing the cafe package or anything installed.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from datetime import date, datetime, time
from collections.abc import Callable
from typing import Any

MAX_BYTES = 64 * 1024  # the shipped plans are 2 to 6 KB
MAX_LINE = 10_000  # characters; a plan's longest text is 2,000
MAX_KEY_PARTS = 8  # `a.b.c = 1` has 3; a plan needs 2 at most (`[[themes]]`, `name = ...`)
MAX_NESTING = 8  # arrays and inline tables; a plan needs 3 at most
MAX_ITEMS = 2_000  # keys, table headers and values; a plan of 12 themes has about 200
CHILD_MEMORY = 128 * 1024 * 1024  # address space of the child: the largest bounded plan needs ~25 MB
CHILD_SECONDS = 3.0  # the slowest bounded plan takes ~0.1 s on a busy laptop

_TOKEN = re.compile("|".join((
    r"(?P<space>[ \t]+)",
    r"(?P<newline>\r?\n)",
    r"(?P<comment>#[^\n]*)",
    r'(?P<mlbasic>"""(?:[^"\\]|\\[\s\S]|"(?!""))*+"""(?:"{1,2})?)',
    r"(?P<mlliteral>'''[\s\S]*?'''(?:'{1,2})?)",
    r'(?P<basic>"(?:[^"\\\n]|\\.)*+")',
    r"(?P<literal>'[^'\n]*')",
    r"(?P<punct>[\[\]{}=.,])",
    r"(?P<bare>[^ \t\r\n#\"'\[\]{}=.,]+)",
)))


class TomlRefused(ValueError):
    """Text refused before or while parsing; `line` is 1-based, or None for the whole text."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line


def _check_lines(text: str) -> None:
    lines = text.split("\n")
    if max(map(len, lines), default=0) > MAX_LINE:
        number = next(n for n, line in enumerate(lines, 1) if len(line) > MAX_LINE)
        raise TomlRefused(f"the line is longer than {MAX_LINE:,} characters", number)


def scan(text: str) -> None:  # noqa: C901  (a one-pass tokenizer: its state stays in one loop)
    """Refuse text whose shape no plan needs (see the module's limits); linear in its length."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise TomlRefused(f"the file is larger than {MAX_BYTES // 1024} KB")
    _check_lines(text)
    line, items, parts = 1, 0, 0
    stack: list[str] = []  # open "[" and "{" of values
    in_key = True  # at the start of a line, after "{" and after "," in an inline table
    header = 0  # 1 or 2 inside a [table] or [[array of tables]] header
    at, end = 0, len(text)
    while at < end:
        token = _TOKEN.match(text, at)
        if token is None:
            # Not TOML here (tomllib will say so); skip a character so the rest is still bounded.
            at += 1
            continue
        kind, value = token.lastgroup, token.group()
        at = token.end()
        if kind == "newline":
            line += 1
            if not stack:
                in_key, parts, header = True, 0, 0
            continue
        if kind in ("space", "comment"):
            continue
        if kind in ("mlbasic", "mlliteral", "basic", "literal", "bare"):
            line += value.count("\n")
            if in_key:
                parts += 1
                if parts > MAX_KEY_PARTS:
                    raise TomlRefused(f"a key has more than {MAX_KEY_PARTS} dotted parts", line)
            else:
                items += 1
                if items > MAX_ITEMS:
                    raise TomlRefused(f"the file has more than {MAX_ITEMS:,} keys and values", line)
            continue
        # punctuation
        if value == "[" and in_key and not stack and (header or parts == 0):
            header += 1  # a table header: its name is a key
            continue
        if value == "]" and header:
            if parts:
                items, parts = items + 1, 0
            in_key = False
        elif value == "=" and in_key:
            items, parts, in_key = items + 1, 0, False
        elif value in "[{":
            stack.append(value)
            if len(stack) > MAX_NESTING:
                raise TomlRefused(f"arrays or inline tables are nested more than {MAX_NESTING} deep", line)
            in_key, parts = value == "{", 0
        elif value in "]}":
            if stack:
                stack.pop()
            in_key = False
        elif value == "," and stack and stack[-1] == "{":
            in_key, parts = True, 0
        if items > MAX_ITEMS:
            raise TomlRefused(f"the file has more than {MAX_ITEMS:,} keys and values", line)


# tomllib puts the position at the end of its message; it is lifted out to point at the line.
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
_WHEN = "\u0000toml"  # tags a date or time on its way from the child: JSON has none


def _refusal(text: str, error: tomllib.TOMLDecodeError) -> TomlRefused:
    message = str(error)
    found = _POSITION.search(message)
    if found:
        return TomlRefused(f"TOML syntax error: {message[:found.start()]} (column {found.group(2)})", int(found.group(1)))
    if _AT_END.search(message):
        return TomlRefused("TOML syntax error: " + _AT_END.sub(" (at the end of the file)", message),
                           max(1, len(text.splitlines())))
    return TomlRefused(f"TOML syntax error: {message}")


def parse(text: str) -> dict[str, Any]:
    """Scan, then parse in this process (for files the person running cafe chose)."""
    scan(text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _refusal(text, error) from None
    except RecursionError:  # unreachable after scan; kept so no traceback can reach a person
        raise TomlRefused(f"arrays or inline tables are nested more than {MAX_NESTING} deep") from None


def _tagged(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return {_WHEN: type(value).__name__, "value": value.isoformat()}
    raise TypeError(type(value).__name__)


def _untagged(obj: dict[str, Any]) -> Any:
    kind = obj.get(_WHEN)
    if kind is None or set(obj) != {_WHEN, "value"}:
        return obj
    parse: dict[str, Callable[[str], datetime | date | time]] = {
        "datetime": datetime.fromisoformat, "date": date.fromisoformat, "time": time.fromisoformat}
    return parse[kind](obj["value"])


class ChildFailed(RuntimeError):
    """The child process could not be started or did not answer."""


def parse_isolated(text: str, *, memory: int = CHILD_MEMORY, seconds: float = CHILD_SECONDS) -> dict[str, Any]:
    """Scan and parse in a child process with `memory` bytes of address space and `seconds` of
    time; TomlRefused for text refused or beyond the budget (under eventlet or gevent the
    patched subprocess module waits without blocking other green threads)."""
    if len(text) > MAX_BYTES:  # not worth a process: the child would refuse it
        raise TomlRefused(f"the file is larger than {MAX_BYTES // 1024} KB")
    command = [sys.executable, "-I", "-S", __file__, str(memory), str(max(1, int(seconds) + 1))]
    try:
        done = subprocess.run(command, input=text.encode("utf-8", "surrogatepass"), capture_output=True,
                              timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        raise TomlRefused("the file took too long to read") from None
    except OSError as error:
        raise ChildFailed(f"cannot start the plan reader: {error}") from None
    try:
        answer = json.loads(done.stdout, object_hook=_untagged)
    except ValueError:
        if done.returncode < 0 or b"MemoryError" in done.stderr:
            raise TomlRefused("the file needs too much memory to read") from None
        raise ChildFailed(f"the plan reader failed (exit {done.returncode})") from None
    if not answer.get("ok"):
        raise TomlRefused(answer["message"], answer.get("line"))
    return answer["data"]


def _child(memory: int, seconds: int) -> int:
    """The child's side: limits first, then scan and parse standard input, answer JSON."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    except (ImportError, ValueError, OSError):  # no such limits on this system: the timeout still holds
        pass
    text = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
    try:
        answer: dict[str, Any] = {"ok": True, "data": parse(text)}
    except TomlRefused as error:
        answer = {"ok": False, "message": error.message, "line": error.line}
    except MemoryError:
        answer = {"ok": False, "message": "the file needs too much memory to read", "line": None}
    sys.stdout.write(json.dumps(answer, default=_tagged))
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2])))
