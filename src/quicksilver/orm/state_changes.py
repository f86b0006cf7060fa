"""Legal state transitions of Session and SessionTransaction, declared once.

A method decorated with :func:`declare_states` may only run while the
object is in one of ``prerequisites``; afterwards the object must be in
``moves_to`` (or unchanged when ``moves_to`` is ``NO_CHANGE``).  Any
violation raises ``IllegalStateChangeError`` naming the method, the object
and its state, so misuse (committing a closed transaction, a re-entrant
``close()`` from an event handler) fails the same way everywhere.
"""

from __future__ import annotations

import enum
import functools
from typing import Any, Callable, Iterable, TypeVar, Union

from ..exc import IllegalStateChangeError

_F = TypeVar("_F", bound=Callable[..., Any])


class _StateChangeState(enum.Enum):
    pass


class StateChangeSentinel(enum.Enum):
    ANY_STATE = 1
    NO_CHANGE = 2


ANY_STATE = StateChangeSentinel.ANY_STATE
NO_CHANGE = StateChangeSentinel.NO_CHANGE

_States = Union[Iterable[Any], StateChangeSentinel]


class _StateChange:
    """Mixin: ``self._state`` plus the method currently changing it."""

    _state: Any
    _next_state: Any = None
    _current_fn: Any = None

    @classmethod
    def declare_states(
        cls, prerequisites: _States, moves_to: Any
    ) -> Callable[[_F], _F]:
        return declare_states(prerequisites, moves_to)

    def _raise_for(self, fn_name: str) -> None:
        raise IllegalStateChangeError(
            "Can't run operation '{}()' on {!r} while it is in state {}.".format(
                fn_name, self, getattr(self._state, "name", self._state)
            ),
            code="isce",
        )


def declare_states(prerequisites: _States, moves_to: Any) -> Callable[[_F], _F]:
    """Decorate a method with the states it may start in and must end in."""
    # a tuple, not a set: membership by identity first, where a set would
    # call Enum.__hash__ (a Python function) on every guarded call
    allowed = None if prerequisites is ANY_STATE else tuple(prerequisites)  # type: ignore[arg-type]

    def decorate(fn: _F) -> _F:
        name = fn.__name__

        @functools.wraps(fn)
        def checked(self: Any, *arg: Any, **kw: Any) -> Any:
            current = self._state
            if allowed is not None and current not in allowed:
                self._raise_for(name)
            outer = self._current_fn
            outer_next = self._next_state
            if outer is not None and moves_to is not NO_CHANGE:
                if (
                    outer_next is not None
                    and outer_next is not NO_CHANGE
                    and (moves_to is not outer_next)
                ):
                    raise IllegalStateChangeError(
                        f"Method '{name}()' can't be called here; method "
                        f"'{outer.__name__}()' is "
                        "already in progress and this would cause an unexpected "
                        f"state change to {moves_to}",
                        code="isce",
                    )
            self._current_fn, self._next_state = fn, moves_to
            try:
                result = fn(self, *arg, **kw)
            finally:
                self._current_fn, self._next_state = outer, outer_next
            if moves_to is NO_CHANGE:
                if self._state is not current:
                    raise IllegalStateChangeError(
                        f"Method '{name}()' changed the state of {self!r} from "
                        f"{current} to {self._state}, "
                        "which is not allowed.",
                        code="isce",
                    )
            elif self._state is not moves_to and self._state is not current:
                raise IllegalStateChangeError(
                    f"Method '{name}()' moved {self!r} to {self._state}; expected "
                    f"{moves_to}.",
                    code="isce",
                )
            return result

        return checked  # type: ignore[return-value]

    return decorate
