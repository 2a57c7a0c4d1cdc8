"""The run search syntax (MLflow's, plus OR and parentheses), parsed into a small tree.

    params.lr = '0.1' and metrics.acc > 0.9
    tags.`model type` ILIKE '%forest%' or attributes.status IN ('FAILED', 'KILLED')
    metrics.loss IS NOT NULL

Identifiers are `metrics.KEY`, `params.KEY`, `tags.KEY` or `attributes.NAME` (also the
singular prefixes, `attr.`/`run.`, and a bare attribute name such as `status`); a key with
spaces or symbols goes in backticks or double quotes. Operators: `= == != <> < <= > >=`,
`LIKE`, `ILIKE`, `NOT LIKE`, `NOT ILIKE`, `IN (...)`, `NOT IN (...)`, `IS [NOT] NULL`,
combined with `AND`, `OR` and parentheses. Order clauses are `IDENTIFIER [ASC|DESC]`.

Every syntax error is an `MLOpsError` (400) whose message names the offending token, with the
field `filter` (or `order_by`). So is a query too complex to answer quickly: more than
`MAX_FILTER_DEPTH` nested parentheses, `MAX_FILTER_TERMS` comparisons or `MAX_ORDER_KEYS` order
keys (each comparison is a subquery and each order key a join; a 400 says "simplify", where
the database's own limit would have been a 503 that invites retries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..core.errors import MLOpsError
from .entities import RunStatus

Kind = Literal["metric", "param", "tag", "attribute"]


class Number(float):
    """A number literal that remembers how it was written (`params.lr = 0.10` means '0.10')."""

    text: str

    def __new__(cls, text: str) -> Number:  # noqa: D102
        number = super().__new__(cls, text)
        number.text = text
        return number


Value = str | float | tuple[str | float, ...] | None

_PREFIXES: dict[str, Kind] = {
    "metric": "metric",
    "metrics": "metric",
    "param": "param",
    "params": "param",
    "parameter": "param",
    "parameters": "param",
    "tag": "tag",
    "tags": "tag",
    "attribute": "attribute",
    "attributes": "attribute",
    "attr": "attribute",
    "run": "attribute",
}

# attribute name (and aliases) -> (column of tracking_runs, value type)
ATTRIBUTES: dict[str, tuple[str, Literal["str", "int", "bool"]]] = {
    "run_id": ("run_id", "str"),
    "run_name": ("name", "str"),
    "name": ("name", "str"),
    "status": ("status", "str"),
    "start_time": ("start_time", "int"),
    "end_time": ("end_time", "int"),
    "user": ("user", "str"),
    "user_id": ("user", "str"),
    "notebook_path": ("notebook_path", "str"),
    "notebook": ("notebook_path", "str"),
    "git_commit": ("git_commit", "str"),
    "git_dirty": ("git_dirty", "bool"),
    "parent_run_id": ("parent_run_id", "str"),
    "artifact_uri": ("artifact_uri", "str"),
    "lifecycle_stage": ("lifecycle_stage", "str"),
    "experiment_id": ("experiment_id", "int"),
}

MAX_FILTER_DEPTH = 32
MAX_FILTER_TERMS = 200
MAX_ORDER_KEYS = 16

_KEYWORDS = {"and", "or", "not", "in", "like", "ilike", "is", "null", "asc", "desc"}
_COMPARISONS = {"=", "==", "!=", "<>", "<", "<=", ">", ">="}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*")
    |(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])
    |(?P<op>==|!=|<>|<=|>=|=|<|>)
    |(?P<lparen>\()|(?P<rparen>\))|(?P<comma>,)
    |(?P<ident>[A-Za-z_]\w*(?:\.(?:`[^`]*`|"[^"]*"|[\w\-./:]+))?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """One lexical token and where it starts."""

    kind: str
    text: str
    position: int


@dataclass(frozen=True)
class Identifier:
    """What a comparison or an order clause refers to."""

    kind: Kind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}s.{self.key}" if self.kind != "attribute" else f"attributes.{self.key}"


@dataclass(frozen=True)
class Comparison:
    """`identifier op value`; `op` is normalised (`==` -> `=`, `<>` -> `!=`, upper-case words)."""

    identifier: Identifier
    op: str
    value: Value


@dataclass(frozen=True)
class BoolOp:
    """`AND` or `OR` over two or more clauses."""

    op: Literal["AND", "OR"]
    clauses: tuple[Node, ...]


Node = Comparison | BoolOp


@dataclass(frozen=True)
class OrderClause:
    """One `ORDER BY` term."""

    identifier: Identifier
    ascending: bool


def _error(message: str, field: str) -> MLOpsError:
    return MLOpsError(message, field=field)


def tokenize(text: str, field: str = "filter") -> list[Token]:
    """Split `text` into tokens; an unknown character or unterminated string is an error."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:]
            if rest[0] in "'\"":
                raise _error(f"unterminated string {rest[:20]!r} at position {position}", field)
            bad = rest.split()[0][:20]
            raise _error(f"unexpected {bad!r} at position {position}", field)
        kind = match.lastgroup or ""
        if kind != "ws":
            word = match.group()
            if kind == "ident" and word.lower() in _KEYWORDS:
                kind = word.lower()
            tokens.append(Token(kind, word, position))
        position = match.end()
    return tokens


def _unquote_string(text: str) -> str:
    quote = text[0]
    body = text[1:-1]
    if quote == "'":
        body = body.replace("''", "'")
    return re.sub(r"\\(.)", r"\1", body)


def parse_identifier(token: Token, field: str) -> Identifier:
    """Resolve `prefix.key` or a bare attribute name."""
    text = token.text
    prefix, dot, key = text.partition(".")
    if dot:
        kind = _PREFIXES.get(prefix.lower())
        if kind is None:
            raise _error(
                f"unknown identifier {text!r}: use metrics.KEY, params.KEY, tags.KEY or "
                "attributes.NAME",
                field,
            )
        if len(key) >= 2 and key[0] == key[-1] and key[0] in '`"':
            key = key[1:-1]
        if not key:
            raise _error(f"empty key in {text!r}", field)
    else:
        kind, key = "attribute", text
    if kind == "tag" and key == "mlflow.user":  # MLflow's tag for who ran it: the user column
        kind, key = "attribute", "user"
    if kind == "attribute" and key not in ATTRIBUTES:
        if not dot:
            raise _error(
                f"unknown identifier {text!r}: use metrics.KEY, params.KEY, tags.KEY or "
                "attributes.NAME",
                field,
            )
        known = ", ".join(sorted(ATTRIBUTES))
        raise _error(f"unknown attribute {text!r}; known: {known}", field)
    return Identifier(kind, key)


class _Parser:
    def __init__(self, text: str, field: str) -> None:
        self.text = text
        self.field = field
        self.tokens = tokenize(text, field)
        self.index = 0
        self.depth = 0
        self.terms = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, *kinds: str, expected: str) -> Token:
        token = self.peek()
        if token is None:
            raise _error(f"expected {expected} at the end of {self.text!r}", self.field)
        if kinds and token.kind not in kinds:
            raise _error(
                f"unexpected {token.text!r} at position {token.position}: expected {expected}",
                self.field,
            )
        self.index += 1
        return token

    def accept(self, kind: str) -> Token | None:
        token = self.peek()
        if token is not None and token.kind == kind:
            self.index += 1
            return token
        return None

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.expression()
        leftover = self.peek()
        if leftover is not None:
            raise _error(
                f"unexpected {leftover.text!r} at position {leftover.position}: expected AND, "
                "OR or the end",
                self.field,
            )
        return node

    def expression(self) -> Node:
        clauses = [self.conjunction()]
        while self.accept("or"):
            clauses.append(self.conjunction())
        return clauses[0] if len(clauses) == 1 else BoolOp("OR", tuple(clauses))

    def conjunction(self) -> Node:
        clauses = [self.atom()]
        while self.accept("and"):
            clauses.append(self.atom())
        return clauses[0] if len(clauses) == 1 else BoolOp("AND", tuple(clauses))

    def atom(self) -> Node:
        if self.accept("lparen"):
            self.depth += 1
            if self.depth > MAX_FILTER_DEPTH:
                raise _error(
                    f"query too complex: more than {MAX_FILTER_DEPTH} nested parentheses",
                    self.field,
                )
            node = self.expression()
            self.take("rparen", expected="')'")
            self.depth -= 1
            return node
        self.terms += 1
        if self.terms > MAX_FILTER_TERMS:
            raise _error(f"query too complex: more than {MAX_FILTER_TERMS} comparisons", self.field)
        token = self.take("ident", expected="an identifier such as metrics.acc")
        identifier = parse_identifier(token, self.field)
        return self.comparison(identifier, token)

    def comparison(self, identifier: Identifier, ident_token: Token) -> Comparison:
        expected = "an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS)"
        token = self.take("op", "not", "in", "like", "ilike", "is", expected=expected)
        if token.kind == "is":
            negated = self.accept("not") is not None
            self.take("null", expected="NULL")
            return Comparison(identifier, "IS NOT NULL" if negated else "IS NULL", None)
        if token.kind == "not":
            token = self.take("in", "like", "ilike", expected="IN, LIKE or ILIKE after NOT")
            op = f"NOT {token.kind.upper()}"
        elif token.kind == "op":
            op = {"==": "=", "<>": "!="}.get(token.text, token.text)
        else:
            op = token.kind.upper()
        if op.endswith("IN"):
            value: Value = self.value_list()
        else:
            value = self.literal()
        return check_comparison(Comparison(identifier, op, value), self.field)

    def literal(self) -> str | float:
        token = self.take("string", "number", expected="a quoted string or a number")
        if token.kind == "string":
            return _unquote_string(token.text)
        return Number(token.text)

    def value_list(self) -> tuple[str | float, ...]:
        self.take("lparen", expected="'(' after IN")
        values = [self.literal()]
        while self.accept("comma"):
            values.append(self.literal())
        self.take("rparen", expected="')' closing the IN list")
        return tuple(values)


def check_comparison(comparison: Comparison, field: str = "filter") -> Comparison:
    """Refuse comparisons that cannot mean anything (a metric LIKE, a string metric value)."""
    identifier, op, value = comparison.identifier, comparison.op, comparison.value
    values = value if isinstance(value, tuple) else (value,)
    numeric = identifier.kind == "metric" or (
        identifier.kind == "attribute" and ATTRIBUTES[identifier.key][1] == "int"
    )
    if "LIKE" in op and numeric:
        raise _error(f"{op} does not apply to {identifier}, which is a number", field)
    if numeric and op not in ("IS NULL", "IS NOT NULL"):
        for item in values:
            if isinstance(item, str):
                raise _error(f"{identifier} is a number; {item!r} is not", field)
    if identifier.kind == "attribute" and ATTRIBUTES[identifier.key][1] == "bool":
        for item in values:
            if str(item).lower() not in ("true", "false", "1", "0"):
                raise _error(f"{identifier} is true or false; {item!r} is neither", field)
    if identifier.kind == "attribute" and identifier.key == "status" and "LIKE" not in op:
        for item in values:
            if item is not None and str(item) not in RunStatus.__members__:
                known = ", ".join(RunStatus.__members__)
                raise _error(f"unknown status {item!r}; known: {known}", field)
    return comparison


def parse_filter(text: str | None) -> Node | None:
    """Parse a filter string; `None` or blank means no filter."""
    if text is None or not text.strip():
        return None
    return _Parser(text, "filter").parse()


def parse_order_by(clauses: list[str] | tuple[str, ...] | None) -> list[OrderClause]:
    """Parse order clauses such as `metrics.acc DESC`; several clauses may share one string."""
    result: list[OrderClause] = []
    for clause in clauses or []:
        for part in _split_commas(clause):
            tokens = tokenize(part, "order_by")
            if not tokens:
                continue
            if tokens[0].kind != "ident":
                raise _error(f"unexpected {tokens[0].text!r}: expected an identifier", "order_by")
            identifier = parse_identifier(tokens[0], "order_by")
            ascending = True
            if len(tokens) >= 2:
                if tokens[1].kind not in ("asc", "desc"):
                    raise _error(
                        f"unexpected {tokens[1].text!r} in order clause {part!r}: expected ASC "
                        "or DESC",
                        "order_by",
                    )
                ascending = tokens[1].kind == "asc"
            if len(tokens) > 2:
                raise _error(f"unexpected {tokens[2].text!r} in order clause {part!r}", "order_by")
            result.append(OrderClause(identifier, ascending))
            if len(result) > MAX_ORDER_KEYS:
                raise _error(
                    f"query too complex: more than {MAX_ORDER_KEYS} order keys", "order_by"
                )
    return result


def _split_commas(clause: str) -> list[str]:
    # Commas inside backticks or quotes belong to a key, not to the list.
    parts, current, quote = [], "", ""
    for char in clause:
        if quote:
            quote = "" if char == quote else quote
        elif char in "`\"'":
            quote = char
        elif char == ",":
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]
