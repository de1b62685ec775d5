"""Reading Xero's list parameters: `where` filters, `order`, `page`/`pageSize`, `If-Modified-Since`, ID lists.

`where` is Xero's filter language (a .NET-style expression), for example
`Status=="AUTHORISED" AND Type=="ACCREC"`, `Name.Contains("Club")`, `Contact.ContactID==Guid("...")`,
`Date>=DateTime(2026, 1, 1)`, `EmailAddress!=null`, with `AND`/`&&`, `OR`/`||`, `NOT`/`!` and parentheses.
Strings are double-quoted; a quote inside is written `\\"` or `""`. Comparisons are case-sensitive except on
`...ID` fields (GUIDs); `.ToLower()` and `.ToUpper()` are there for the rest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Callable

from tui.sandbox.wire import parse_datetime, parse_if_modified_since, to_decimal

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100


class QueryError(Exception):
    """A query parameter Xero would refuse (400 QueryParseException)."""


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>"(?:[^"\\]|\\.|"")*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|>=|<=|&&|\|\||[<>!(),.=])
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    )""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise QueryError(f"Syntax error in where clause at position {pos}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


Record = dict[str, Any]  # field name (lower case) -> value


class _Parser:
    def __init__(self, text: str, fields: set[str], type_name: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.fields = fields
        self.type_name = type_name

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise QueryError("Unexpected end of where clause")
        self.pos += 1
        return tok

    def accept(self, *values: str) -> bool:
        tok = self.peek()
        if tok and tok[0] in ("op", "ident") and tok[1].upper() in values:
            self.pos += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise QueryError(f"'{value}' expected in where clause")

    def parse(self) -> Callable[[Record], bool]:
        node = self.expr()
        if self.peek() is not None:
            raise QueryError(f"Unexpected '{self.peek()[1]}' in where clause")
        return lambda rec: bool(node(rec))

    def expr(self) -> Callable[[Record], Any]:
        left = self.and_expr()
        while self.accept("OR", "||"):
            right, prev = self.and_expr(), left
            left = lambda rec, a=prev, b=right: bool(a(rec)) or bool(b(rec))  # noqa: E731
        return left

    def and_expr(self) -> Callable[[Record], Any]:
        left = self.unary()
        while self.accept("AND", "&&"):
            right, prev = self.unary(), left
            left = lambda rec, a=prev, b=right: bool(a(rec)) and bool(b(rec))  # noqa: E731
        return left

    def unary(self) -> Callable[[Record], Any]:
        if self.accept("NOT", "!"):
            inner = self.unary()
            return lambda rec: not inner(rec)
        return self.comparison()

    def comparison(self) -> Callable[[Record], Any]:
        left = self.operand()
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] in ("==", "!=", ">", ">=", "<", "<=", "="):
            self.pos += 1
            right = self.operand()
            op = "==" if tok[1] == "=" else tok[1]
            return lambda rec: _compare(left(rec), op, right(rec))
        return left

    def operand(self) -> Callable[[Record], Any]:
        if self.accept("("):
            inner = self.expr()
            self.expect(")")
            return inner
        kind, text = self.next()
        if kind == "string":
            value = _unquote(text)
            return lambda rec: value
        if kind == "number":
            number = Decimal(text)
            return lambda rec: number
        if kind != "ident":
            raise QueryError(f"Unexpected '{text}' in where clause")
        word = text.lower()
        if word in ("true", "false"):
            return lambda rec: word == "true"
        if word == "null":
            return lambda rec: None
        if word in ("guid", "datetime", "datetimeoffset") and self.accept("("):
            args = self.arguments()
            value = _guid(args) if word == "guid" else _datetime(args)
            return lambda rec: value
        path, methods = [text], []
        while self.accept("."):
            name = self.next()[1]
            if self.accept("("):
                methods.append((name.lower(), self.arguments()))
            elif methods:
                raise QueryError(f"Unexpected '.{name}' in where clause")
            else:
                path.append(name)
        key = ".".join(path).lower()
        if key not in self.fields:
            raise QueryError(f"No property or field '{'.'.join(path)}' exists in type '{self.type_name}'")
        return lambda rec: _apply(rec.get(key), methods, key)

    def arguments(self) -> list[Any]:
        args: list[Any] = []
        if self.accept(")"):
            return args
        while True:
            kind, text = self.next()
            if kind == "string":
                args.append(_unquote(text))
            elif kind == "number":
                args.append(Decimal(text))
            else:
                raise QueryError(f"Unexpected '{text}' in where clause")
            if self.accept(")"):
                return args
            self.expect(",")


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r'\\(.)|""', lambda m: m.group(1) if m.group(1) is not None else '"', body)


def _guid(args: list[Any]) -> str:
    if len(args) != 1 or not isinstance(args[0], str):
        raise QueryError("Guid() takes one string")
    return args[0].lower()


def _datetime(args: list[Any]) -> datetime:
    if len(args) == 1 and isinstance(args[0], str):
        parsed = parse_datetime(args[0])
        if parsed is None:
            raise QueryError(f"'{args[0]}' is not a date")
        return parsed
    try:
        return datetime(*(int(a) for a in args), tzinfo=UTC)  # type: ignore[misc]
    except (TypeError, ValueError) as exc:
        raise QueryError(f"DateTime() arguments are not a date: {exc}") from None


def _apply(value: Any, methods: list[tuple[str, list[Any]]], key: str) -> Any:
    if key.endswith("id") and isinstance(value, str):
        value = value.lower()
    for name, args in methods:
        text = "" if value is None else str(value)
        if name == "tolower":
            value = text.lower()
        elif name == "toupper":
            value = text.upper()
        elif name in ("contains", "startswith", "endswith") and len(args) == 1:
            arg = str(args[0])
            value = {"contains": arg in text, "startswith": text.startswith(arg),
                     "endswith": text.endswith(arg)}[name]
        else:
            raise QueryError(f"Method '{name}' is not supported in where clauses")
    return value


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, date) and not isinstance(a, datetime):
        a = datetime.combine(a, time(), tzinfo=UTC)
    if isinstance(b, date) and not isinstance(b, datetime):
        b = datetime.combine(b, time(), tzinfo=UTC)
    if isinstance(a, datetime) and isinstance(b, str):
        b = parse_datetime(b)
    if isinstance(b, datetime) and isinstance(a, str):
        a = parse_datetime(a)
    if isinstance(a, Decimal) and isinstance(b, str):
        b = to_decimal(b)
    if isinstance(b, Decimal) and isinstance(a, str):
        a = to_decimal(a)
    return a, b


def _compare(a: Any, op: str, b: Any) -> bool:
    a, b = _coerce(a, b)
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if a is None or b is None or type(a) is not type(b):
        return False
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


def where_filter(text: str | None, fields: set[str], type_name: str) -> Callable[[Record], bool] | None:
    """A predicate over records (lower-cased field name -> value) for a `where` parameter; None without one."""
    if not text or not text.strip():
        return None
    return _Parser(text, fields, type_name).parse()


def order_key(text: str | None, fields: set[str], type_name: str) -> list[tuple[str, bool]]:
    """`order=Name ASC, Date DESC` as [(field, descending)]."""
    out = []
    for part in (text or "").split(","):
        words = part.split()
        if not words:
            continue
        key = words[0].lower()
        if key not in fields:
            raise QueryError(f"No property or field '{words[0]}' exists in type '{type_name}'")
        out.append((key, len(words) > 1 and words[1].upper() == "DESC"))
    return out


def sort_records(items: list[Any], records: Callable[[Any], Record], order: list[tuple[str, bool]]) -> list[Any]:
    for key, descending in reversed(order):
        present = [i for i in items if records(i).get(key) is not None]
        missing = [i for i in items if records(i).get(key) is None]
        present.sort(key=lambda i: records(i)[key], reverse=descending)
        items = present + missing
    return items


def modified_since(header: str | None) -> datetime | None:
    """The `If-Modified-Since` instant, or None (absent or unreadable, which Xero ignores)."""
    return parse_if_modified_since(header) if header else None


def id_list(value: str | None) -> list[str]:
    """`IDs=a,b` or `InvoiceNumbers="INV-1","INV-2"` as a list of bare values."""
    if not value:
        return []
    return [v.strip().strip('"').strip() for v in value.split(",") if v.strip().strip('"').strip()]


@dataclass
class Page:
    items: list[Any]
    pagination: dict[str, int] | None


def paginate(items: list[Any], page: str | None, page_size: str | None) -> Page:
    """Slice a list for `page` (1-based) and `pageSize` (default 100, at most 1000); everything without `page`."""
    if page is None:
        return Page(items, None)
    try:
        number = max(1, int(page))
        size = min(MAX_PAGE_SIZE, max(1, int(page_size))) if page_size else DEFAULT_PAGE_SIZE
    except ValueError:
        raise QueryError("page and pageSize must be whole numbers") from None
    start = (number - 1) * size
    return Page(items[start:start + size], {
        "page": number, "pageSize": size, "pageCount": math.ceil(len(items) / size), "itemCount": len(items),
    })
