"""``MappedAsDataclass``: mapped classes that are also dataclasses.

A class under ``MappedAsDataclass`` gets the dataclass methods (``__init__``
with positional and keyword arguments, ``__repr__``, ``__eq__``, and the
``dataclasses.fields()`` metadata) generated from its ``Mapped`` attributes
and their ``mapped_column()`` / ``relationship()`` field options (``init``,
``default``, ``default_factory``, ``repr``, ``compare``, ``kw_only``).

The methods come from the standard library: :mod:`dataclasses` processes a
plain stand-in class carrying the same fields, and its methods are copied
onto the mapped class *before* the class is mapped, so the mapper's
instrumentation wraps the generated ``__init__`` as it wraps any constructor
(attribute sets go through the instrumented attributes).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

#: the dataclass() arguments a MappedAsDataclass class statement may give
CLASS_OPTIONS = (
    "init",
    "repr",
    "eq",
    "order",
    "unsafe_hash",
    "match_args",
    "kw_only",
    "dataclass_callable",
)

#: what dataclass() generates that the mapped class takes over
_GENERATED = (
    "__init__",
    "__repr__",
    "__eq__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__hash__",
    "__match_args__",
    "__dataclass_fields__",
    "__dataclass_params__",
)


def _is_mapped_annotation(annotation: Any) -> bool:
    """``Mapped[...]`` (or WriteOnlyMapped / DynamicMapped), also as a string
    under ``from __future__ import annotations``; never a ClassVar."""
    if isinstance(annotation, str):
        text = annotation.replace(" ", "")
        class_var = text.startswith(("ClassVar", "typing.ClassVar"))
        return "Mapped[" in text and not class_var
    if getattr(annotation, "__origin__", None) is ClassVar:
        return False
    origin = getattr(annotation, "__origin__", annotation)
    return isinstance(origin, type) and origin.__name__.endswith("Mapped")


def _own_fields(cls: type) -> list[tuple[str, dict[str, Any]]]:
    """``(name, field options)`` for the Mapped attributes ``cls`` declares."""
    fields = []
    namespace = cls.__dict__
    for name, annotation in namespace.get("__annotations__", {}).items():
        if name.startswith("__") or not _is_mapped_annotation(annotation):
            continue
        value = namespace.get(name, dataclasses.MISSING)
        options = getattr(value, "_qs_dc", None)
        if options is not None:
            options = dict(options)
        elif value is dataclasses.MISSING:
            options = {}
        elif hasattr(value, "__get__") or hasattr(value, "_qs_dc"):
            options = {"init": False}  # a column_property, synonym, ...
        else:
            options = {"default": value}  # ``x: Mapped[int] = 5``
        options.pop("dataclass_metadata", None)
        options.pop("hash", None)
        fields.append((name, options))
    return fields


def apply(cls: type, class_options: dict[str, Any]) -> None:
    """Give ``cls`` its dataclass methods (call before it is mapped)."""
    inherited: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update(base.__dict__.get("_qs_dc_options", {}))
    options = {**inherited, **class_options}
    type.__setattr__(cls, "_qs_dc_options", options)
    type.__setattr__(cls, "_qs_dc_own", _own_fields(cls))
    fields: dict[str, dict[str, Any]] = {}
    for klass in reversed(cls.__mro__):
        for name, spec in klass.__dict__.get("_qs_dc_own", ()):
            fields[name] = spec
    namespace: dict[str, Any] = {"__annotations__": {}}
    for name, spec in fields.items():
        namespace["__annotations__"][name] = Any
        namespace[name] = dataclasses.field(**spec)
    post_init = getattr(cls, "__post_init__", None)
    if post_init is not None:
        namespace["__post_init__"] = post_init
    stand_in = type(cls.__name__, (), namespace)
    stand_in.__qualname__ = cls.__qualname__
    stand_in.__module__ = cls.__module__
    make = options.get("dataclass_callable") or dataclasses.dataclass
    params = {k: v for k, v in options.items() if k != "dataclass_callable"}
    made = make(**params)(stand_in)
    own = cls.__dict__
    for name in _GENERATED:
        if name in made.__dict__ and name not in own:
            type.__setattr__(cls, name, made.__dict__[name])


__all__ = ["CLASS_OPTIONS", "apply"]
