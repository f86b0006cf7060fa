"""The expression nodes (mirrors ``sqlalchemy.sql.elements``).

A facade: the nodes live in ``_elements_base`` (clauses, columns, bound
parameters, operators, lists, groupings) and ``_elements_named`` (text,
labels, named columns).  Every node is immutable after construction
(generative methods return copies), which is what lets a statement's
structure be cached: see ``cache_key.py``.
"""

from __future__ import annotations

from ._elements_base import (
    _ANON_RE as _ANON_RE,
)
from ._elements_base import (
    _CLEAN_BASES as _CLEAN_BASES,
)
from ._elements_base import (
    _LABEL_UNSAFE as _LABEL_UNSAFE,
)
from ._elements_base import (
    _NO_ARG as _NO_ARG,
)
from ._elements_base import (
    AsBoolean as AsBoolean,
)
from ._elements_base import (
    BinaryExpression as BinaryExpression,
)
from ._elements_base import (
    BindParameter as BindParameter,
)
from ._elements_base import (
    BooleanClauseList as BooleanClauseList,
)
from ._elements_base import (
    ClauseElement as ClauseElement,
)
from ._elements_base import (
    ClauseList as ClauseList,
)
from ._elements_base import (
    ColumnElement as ColumnElement,
)
from ._elements_base import (
    False_ as False_,
)
from ._elements_base import (
    Grouping as Grouping,
)
from ._elements_base import (
    Null as Null,
)
from ._elements_base import (
    True_ as True_,
)
from ._elements_base import (
    Tuple as Tuple,
)
from ._elements_base import (
    TypeClause as TypeClause,
)
from ._elements_base import (
    UnaryExpression as UnaryExpression,
)
from ._elements_base import (
    _anon_key as _anon_key,
)
from ._elements_base import (
    _anonymous_label as _anonymous_label,
)
from ._elements_base import (
    _bool_type as _bool_type,
)
from ._elements_base import (
    _counter as _counter,
)
from ._elements_base import (
    _EmptyBoolean as _EmptyBoolean,
)
from ._elements_base import (
    _key_of_all as _key_of_all,
)
from ._elements_base import (
    _late as _late,
)
from ._elements_base import (
    _LateImports as _LateImports,
)
from ._elements_base import (
    _NoArg as _NoArg,
)
from ._elements_base import (
    _null_type as _null_type,
)
from ._elements_base import (
    _replace_binds as _replace_binds,
)
from ._elements_named import (
    CollationClause as CollationClause,
)
from ._elements_named import (
    ColumnClause as ColumnClause,
)
from ._elements_named import (
    Label as Label,
)
from ._elements_named import (
    TextClause as TextClause,
)
