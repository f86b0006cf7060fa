"""``Compiled``: the SQL string plus everything the engine needs to execute it.

See docs/architecture.md ("Engine <-> sql contract") and docs/sql.md.

Positional paramstyles are produced in two steps: while compiling, each
bound parameter is written as a marker ``\\x01name\\x02`` (expanding ones as
``\\x01~name\\x02``); at the end the markers are replaced in text order by
``?`` / ``$n`` and ``positiontup`` is filled.  Text order is therefore always
right, even when a CTE compiled later is written earlier.  The template is
kept for ``_render_expanding``.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, Optional

from ... import exc
from ..sqltypes import _JSON_NULL, _evaluates_json_none

_MARKER = re.compile("\x01(~?)([^\x02]*)\x02")
_POSTCOMPILE = re.compile(r"__\[POSTCOMPILE_(\S+?)(~~.+?~~)?\]")


class ResultColumnsEntry(NamedTuple):
    """One selected column: ``(keyname, name, objects, type)``.

    ``keyname`` is the name in ``cursor.description``; ``objects`` the column
    objects and string keys a row may be addressed by.
    """

    keyname: str
    name: str
    objects: tuple[Any, ...]
    type: Any


class Compiled:
    """Base of compiled statements (mirrors ``sqlalchemy.engine.Compiled``)."""

    string: str = ""
    isddl = False
    isinsert = False
    isupdate = False
    isdelete = False
    is_text = False
    isplaintext = False
    positiontup: Optional[list[str]] = None
    returning: Optional[list[Any]] = None
    implicit_returning: Optional[list[Any]] = None
    _has_expanding = False
    execution_options: Any = None
    cache_key: Any = None

    def __init__(
        self,
        dialect: Any,
        statement: Any,
        schema_translate_map: Any = None,
        compile_kwargs: Any = None,
        **kw: Any,
    ) -> None:
        self.dialect = dialect
        self.statement = statement
        self.schema_translate_map = schema_translate_map
        self.preparer = dialect.identifier_preparer
        self.compile_kwargs = dict(compile_kwargs or {})
        self.execution_options = getattr(statement, "_execution_options", None) or {}
        if statement is not None:
            self.string = self.process(statement, **self.compile_kwargs)

    def process(self, obj: Any, **kw: Any) -> str:
        return obj._compiler_dispatch(self, **kw)  # type: ignore[no-any-return]

    def __str__(self) -> str:
        return self.string or ""

    def construct_params(
        self, params: Any = None, extracted_parameters: Any = None, **kw: Any
    ) -> dict[str, Any]:
        return {}

    @property
    def params(self) -> dict[str, Any]:
        return self.construct_params()

    @property
    def sql_compiler(self) -> Any:
        return self


class _BindInfo:
    """How one rendered parameter gets its value in ``construct_params``."""

    __slots__ = ("bind", "name", "lookup", "index", "required")

    def __init__(
        self,
        bind: Any,
        name: str,
        lookup: Optional[str],
        index: Optional[int],
        required: bool,
    ) -> None:
        self.bind = bind
        self.name = name
        self.lookup = lookup
        self.index = index
        self.required = required


class BindCompiledMixin(Compiled):
    """Parameter bookkeeping shared by statement compilers."""

    _bind_infos: list[_BindInfo]
    _json_none_names: tuple[str, ...] = ()
    binds: dict[str, Any]
    bind_names: dict[Any, str]
    _expanding_empty: dict[str, str]
    _expanding_names: list[str]
    _expanding_tuple: dict[str, bool]
    _expanding_casts: dict[str, str]

    def _build_bind_infos(self) -> None:
        index: dict[int, int] = {}
        if self.cache_key is not None:
            for i, b in enumerate(self.cache_key.bindparams):
                index.setdefault(id(b), i)
        infos = []
        seen: set[str] = set()
        json_none: list[str] = []
        for bind, name in self.bind_names.items():
            if name in seen and not bind.required:
                continue
            seen.add(name)
            if _evaluates_json_none(bind.type):
                json_none.append(name)
            lookup = None if _is_anon(bind) else bind.key
            infos.append(
                _BindInfo(bind, name, lookup, index.get(id(bind)), bind.required)
            )
        self._bind_infos = infos
        self._json_none_names = tuple(json_none)

    def construct_params(
        self,
        params: Any = None,
        extracted_parameters: Any = None,
        escape_names: bool = True,
        _group_number: Any = None,
        _check: bool = True,
        **kw: Any,
    ) -> dict[str, Any]:
        """Rendered bind name -> value; user ``params`` (by key) win over the
        statement's."""
        out: dict[str, Any] = {}
        for info in self._bind_infos:
            name = info.name
            if params:
                if info.lookup is not None and info.lookup in params:
                    out[name] = params[info.lookup]
                    continue
                if name in params:
                    out[name] = params[name]
                    continue
            bind = info.bind
            if extracted_parameters is not None and info.index is not None:
                bind = extracted_parameters[info.index]
            if bind.required and _check:
                if _group_number is not None:
                    raise exc.InvalidRequestError(
                        f"A value is required for bind parameter {bind.key!r}, in "
                        "parameter "
                        f"group {_group_number}",
                        code="cd3x",
                    )
                raise exc.InvalidRequestError(
                    f"A value is required for bind parameter {bind.key!r}", code="cd3x"
                )
            out[name] = bind.effective_value
        if self._json_none_names and _check:
            # a Python None for JSON (none_as_null=False) is the JSON value
            # null; the sentinel reaches the bind processor, which a None
            # would not (the engine skips processors for None)
            for name in self._json_none_names:
                if name in out and out[name] is None:
                    out[name] = _JSON_NULL
        return out

    @property
    def params(self) -> dict[str, Any]:
        return self.construct_params(_check=False)

    def _finalize_positional(self, template: str) -> str:
        style = self.dialect.paramstyle
        pos: list[str] = []

        def repl(m: "re.Match[str]") -> str:
            name = m.group(2)
            pos.append(name)
            if m.group(1):
                return f"__[POSTCOMPILE_{name}]"
            return (
                "?"
                if style == "qmark"
                else (
                    "%s"
                    if style == "format"
                    else f"${len(pos)}"
                    if style == "numeric_dollar"
                    else f":{len(pos)}"
                )
            )

        out = _MARKER.sub(repl, template)
        self.positiontup = pos
        self._template = template
        if style in ("numeric_dollar", "numeric") and self._has_expanding:
            # numbers after an expanding parameter depend on its length
            pass
        return out

    @property
    def has_expanding(self) -> bool:
        """True when the SQL has ``IN`` parameter lists to expand per execution."""
        return self._has_expanding

    def _render_expanding(self, params: Any) -> Any:
        """Expand ``IN`` lists; see ``_render_expanding_one`` for the dict form.

        Also accepts a *list* of parameter dicts (one per executemany row,
        before bind processing): returns ``(string, list_of_dicts)``, with the
        expanded values already bind-processed, and leaves the positional
        order in ``self._expanded_positiontup``.
        """
        if isinstance(params, dict):
            return self._render_expanding_one(params)
        out = []
        string = self.string
        pos = None
        procs = self._expanding_item_processors()
        for p in params:
            string, new, pos = self._render_expanding_one(p)
            for name, fn in procs.items():
                for key in list(new):
                    if key.startswith(name + "_") and key not in p:
                        new[key] = fn(new[key]) if new[key] is not None else None
            out.append(new)
        self._expanded_positiontup = pos
        return string, out

    def _expanding_item_processors(self) -> dict[str, Any]:
        procs = {}
        for name in self._expanding_names:
            bind = self.binds[name]
            if self._expanding_tuple.get(name):
                continue
            fn = bind.type._named_bind_processor(self.dialect, bind._orig_key)
            if fn is not None:
                procs[name] = fn
        return procs

    def _render_expanding_one(
        self, params: dict[str, Any]
    ) -> tuple[str, dict[str, Any], Optional[list[str]]]:
        """Expand ``IN`` parameter lists for one execution.

        ``params`` is the dict from ``construct_params`` (bind processors may
        already have run: an expanding parameter's processor maps over the
        list).  Returns ``(string, params, positiontup)`` with each expanding
        name replaced by ``name_1, name_2, ...`` (tuples: ``name_1_1``...), an
        empty list by the dialect's empty-set subquery.
        """
        new_params = dict(params)
        style = self.dialect.paramstyle
        positional = self.positiontup is not None
        # local, never stored on self: a cached Compiled is shared by threads
        rows_map: dict[str, list[list[str]]] = {}
        for name in self._expanding_names:
            values = new_params.pop(name, None) or []
            rows: list[list[str]] = []
            for i, v in enumerate(values, 1):
                if isinstance(v, (tuple, list)) and self._expanding_tuple.get(name):
                    row = []
                    for j, item in enumerate(v, 1):
                        n = f"{name}_{i}_{j}"
                        new_params[n] = item
                        row.append(n)
                    rows.append(row)
                else:
                    n = f"{name}_{i}"
                    new_params[n] = v
                    rows.append([n])
            rows_map[name] = rows

        casts = getattr(self, "_expanding_casts", None) or {}

        def render_rows(name: str, fmt: Any) -> str:
            rows = rows_map.get(name) or []
            if not rows:
                return self._expanding_empty[name]
            if self._expanding_tuple.get(name):
                return ", ".join(
                    "(" + ", ".join(fmt(n) for n in row) + ")" for row in rows
                )
            cast = casts.get(name, "")
            return ", ".join(fmt(row[0]) + cast for row in rows)

        if not positional:
            if style == "pyformat":
                fmt = lambda n: f"%({n})s"  # noqa: E731
            else:
                fmt = lambda n: f":{n}"  # noqa: E731
            string = _POSTCOMPILE.sub(
                lambda m: render_rows(m.group(1), fmt), self.string
            )
            return string, new_params, None
        pos: list[str] = []

        def pfmt(n: str) -> str:
            pos.append(n)
            if style == "qmark":
                return "?"
            if style == "format":
                return "%s"
            if style == "numeric_dollar":
                return f"${len(pos)}"
            return f":{len(pos)}"

        def repl(m: "re.Match[str]") -> str:
            if m.group(1):
                return render_rows(m.group(2), pfmt)
            return pfmt(m.group(2))

        string = _MARKER.sub(repl, self._template)
        return string, new_params, pos


def _is_anon(bind: Any) -> bool:
    from ..elements import _anonymous_label

    return isinstance(bind.key, _anonymous_label)
