"""Collections: an immutable dict for options, and a small thread-safe LRU."""

from __future__ import annotations

import threading
from typing import Any, Generic, Iterator, Mapping, NoReturn, Optional, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class immutabledict(dict[_K, _V]):
    """A dict that refuses mutation; ``union`` returns a new one.

    Used for execution options, which are shared between an Engine, its
    Connections and statements and must never change under them.
    """

    __slots__ = ()

    def _immutable(self, *arg: Any, **kw: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} object is immutable")

    __delitem__ = __setitem__ = _immutable  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _immutable  # type: ignore[assignment]

    def __ior__(self, other: Any) -> NoReturn:  # type: ignore[override]
        self._immutable()

    def union(
        self, other: Optional[Mapping[_K, _V]] = None, **kw: _V
    ) -> "immutabledict[_K, _V]":
        if not other and not kw:
            return self
        new = dict(self)
        if other:
            new.update(other)
        if kw:
            new.update(kw)  # type: ignore[arg-type]
        return immutabledict(new)

    def __reduce__(self) -> Any:
        return immutabledict, (dict(self),)

    def __repr__(self) -> str:
        return f"immutabledict({dict.__repr__(self)})"


EMPTY_DICT: immutabledict[Any, Any] = immutabledict()


class LRUCache(Generic[_K, _V]):
    """A bounded mapping that forgets the least recently used entries.

    Backs the per-engine compiled-SQL cache.  Reads are lock-free dict reads
    (a lost recency update is harmless); only eviction takes the lock.
    """

    __slots__ = ("capacity", "_data", "_counter", "_lock")

    def __init__(self, capacity: int = 500) -> None:
        self.capacity = capacity
        self._data: dict[_K, list[Any]] = {}
        self._counter = 0
        self._lock = threading.Lock()

    def get(self, key: _K, default: Optional[_V] = None) -> Optional[_V]:
        item = self._data.get(key)
        if item is None:
            return default
        self._counter += 1
        item[2] = self._counter
        return item[1]  # type: ignore[no-any-return]

    def __getitem__(self, key: _K) -> _V:
        item = self._data[key]
        self._counter += 1
        item[2] = self._counter
        return item[1]  # type: ignore[no-any-return]

    def __setitem__(self, key: _K, value: _V) -> None:
        self._counter += 1
        self._data[key] = [key, value, self._counter]
        if len(self._data) > self.capacity * 1.5:
            self._evict()

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[_K]:
        return iter(list(self._data))

    def clear(self) -> None:
        self._data.clear()

    def _evict(self) -> None:
        with self._lock:
            if len(self._data) <= self.capacity:
                return
            by_age = sorted(self._data.values(), key=lambda item: item[2])
            for item in by_age[: len(self._data) - self.capacity]:
                self._data.pop(item[0], None)
