"""Structural cache keys and the compiled-statement cache.

``generate_cache_key(stmt)`` walks the statement once and returns a
``CacheKey``: ``key`` is a nested tuple describing the statement's *shape*
(literal values excluded), ``bindparams`` the ``BindParameter`` objects met on
the way, in traversal order.  Two statements that differ only in literal
values have equal keys; the compiled form of the first is reused for the
second, with values taken positionally from the second's ``bindparams``
(``Compiled.construct_params(extracted_parameters=...)``).

Tables and columns contribute a precomputed constant (a serial number), so
key generation costs one small tuple per expression node.  A node that
cannot describe itself (a ``TypeDecorator`` without ``cache_ok = True``)
returns None and the statement is compiled every time.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional


class CacheKey(NamedTuple):
    """A statement's structural key plus its bound parameters (mirrors SQLAlchemy)."""

    key: Any
    bindparams: list[Any]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CacheKey) and self.key == other.key

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self.key)

    def to_offline_string(self, *a: Any, **kw: Any) -> str:
        return repr(self.key)


def generate_cache_key(element: Any) -> Optional[CacheKey]:
    """The ``CacheKey`` of ``element``, or None if it cannot be cached.

    Statements (``Executable``) are immutable - every generative method
    returns a copy, and ``_generate`` drops the memo - so their key is
    memoized: executing one statement object again costs one dict lookup.
    """
    memo = element.__dict__.get("_qs_key_memo") if element.supports_execution else None
    if memo is not None:
        return memo[0]  # type: ignore[no-any-return]
    binds: list[Any] = []
    key = element._gen_cache_key({}, binds)
    ck = None if key is None else CacheKey(key, binds)
    if element.supports_execution:
        element.__dict__["_qs_key_memo"] = (ck,)
    return ck


def compile_w_cache(
    element: Any,
    dialect: Any,
    *,
    compiled_cache: Any = None,
    column_keys: Any = None,
    for_executemany: bool = False,
    schema_translate_map: Any = None,
    **kw: Any,
) -> tuple[Any, Optional[list[Any]], str]:
    """Compile ``element`` for ``dialect``, reusing ``compiled_cache`` entries.

    Returns ``(compiled, extracted_params, cache_hit)`` where
    ``extracted_params`` are the statement's own BindParameters (to pass to
    ``construct_params``; None when not cached) and ``cache_hit`` is one of
    ``"cached"``, ``"generated"``, ``"uncacheable"``, ``"no cache"``
    (shown in SQL logging like SQLAlchemy's ``[cached since ...]``).
    """
    keys = tuple(column_keys) if column_keys is not None else None
    if compiled_cache is not None:
        ck = generate_cache_key(element)
        if ck is not None:
            full_key = (
                ck.key,
                keys,
                bool(for_executemany),
                tuple(sorted(schema_translate_map.items()))
                if schema_translate_map
                else None,
            )
            compiled = compiled_cache.get(full_key)
            if compiled is not None:
                return compiled, ck.bindparams, "cached"
            compiled = element._compiler(
                dialect,
                cache_key=ck,
                column_keys=column_keys,
                for_executemany=for_executemany,
                schema_translate_map=schema_translate_map,
                **kw,
            )
            compiled_cache[full_key] = compiled
            return compiled, ck.bindparams, "generated"
        hit = "uncacheable"
    else:
        hit = "no cache"
    compiled = element._compiler(
        dialect,
        column_keys=column_keys,
        for_executemany=for_executemany,
        schema_translate_map=schema_translate_map,
        **kw,
    )
    return compiled, None, hit
