"""The ORM, as ``sqlalchemy.orm``: declarative mapping, Session, Query.

Importing ``quicksilver`` does not import this package; ``import
quicksilver.orm`` does.  See ``docs/orm.md`` for what differs from
SQLAlchemy.
"""

from __future__ import annotations

from . import exc as exc
from ._orm_constructors import column_property as column_property
from ._orm_constructors import deferred as deferred
from ._orm_constructors import mapped_column as mapped_column
from ._orm_constructors import query_expression as query_expression
from ._orm_constructors import synonym as synonym
from ._orm_constructors import validates as validates
from ._relationship_options import Load as Load
from .attributes import InstrumentedAttribute as InstrumentedAttribute
from .attributes import QueryableAttribute as QueryableAttribute
from .base import NO_VALUE as NO_VALUE
from .base import DynamicMapped as DynamicMapped
from .base import LoaderCallableStatus as LoaderCallableStatus
from .base import Mapped as Mapped
from .base import MappedSQLExpression as MappedSQLExpression
from .base import PassiveFlag as PassiveFlag
from .base import Unmapped as Unmapped
from .base import WriteOnlyMapped as WriteOnlyMapped
from .base import class_mapper as class_mapper
from .base import object_mapper as object_mapper
from .collections import KeyFuncDict as KeyFuncDict
from .collections import MappedCollection as MappedCollection
from .collections import attribute_keyed_dict as attribute_keyed_dict
from .collections import attribute_mapped_collection as attribute_mapped_collection
from .collections import column_keyed_dict as column_keyed_dict
from .collections import column_mapped_collection as column_mapped_collection
from .collections import keyfunc_mapping as keyfunc_mapping
from .collections import mapped_collection as mapped_collection
from .decl_api import DeclarativeBase as DeclarativeBase
from .decl_api import DeclarativeBaseNoMeta as DeclarativeBaseNoMeta
from .decl_api import DeclarativeMeta as DeclarativeMeta
from .decl_api import MappedAsDataclass as MappedAsDataclass
from .decl_api import as_declarative as as_declarative
from .decl_api import declarative_base as declarative_base
from .decl_api import declared_attr as declared_attr
from .decl_api import has_inherited_table as has_inherited_table
from .decl_api import registry as registry
from .decl_api import synonym_for as synonym_for
from .events import AttributeEvents as AttributeEvents
from .events import InstanceEvents as InstanceEvents
from .events import MapperEvents as MapperEvents
from .events import SessionEvents as SessionEvents
from .identity import IdentityMap as IdentityMap
from .instrumentation import ClassManager as ClassManager
from .interfaces import InspectionAttr as InspectionAttr
from .interfaces import InspectionAttrInfo as InspectionAttrInfo
from .interfaces import MapperProperty as MapperProperty
from .interfaces import PropComparator as PropComparator
from .mapper import Mapper as Mapper
from .mapper import configure_mappers as configure_mappers
from .mapper import reconstructor as reconstructor
from .polymorphic import with_polymorphic as with_polymorphic
from .properties import ColumnProperty as ColumnProperty
from .properties import MappedColumn as MappedColumn
from .properties import SynonymProperty as Synonym
from .properties import SynonymProperty as SynonymProperty
from .query import Query as Query
from .relationships import MANYTOMANY as MANYTOMANY
from .relationships import MANYTOONE as MANYTOONE
from .relationships import ONETOMANY as ONETOMANY
from .relationships import Relationship as Relationship
from .relationships import RelationshipDirection as RelationshipDirection
from .relationships import RelationshipProperty as RelationshipProperty
from .relationships import backref as backref
from .relationships import dynamic_loader as dynamic_loader
from .relationships import foreign as foreign
from .relationships import relationship as relationship
from .relationships import remote as remote
from .relationships import with_parent as with_parent
from .scoping import scoped_session as scoped_session
from .session import Session as Session
from .session import close_all_sessions as close_all_sessions
from .session import create_session as create_session
from .session import make_transient as make_transient
from .session import make_transient_to_detached as make_transient_to_detached
from .session import object_session as object_session
from .session import sessionmaker as sessionmaker
from .session_transaction import SessionTransaction as SessionTransaction
from .session_transaction import SessionTransactionOrigin as SessionTransactionOrigin
from .state import AttributeState as AttributeState
from .state import InstanceState as InstanceState
from .strategy_options import contains_eager as contains_eager
from .strategy_options import defaultload as defaultload
from .strategy_options import defer as defer
from .strategy_options import immediateload as immediateload
from .strategy_options import joinedload as joinedload
from .strategy_options import lazyload as lazyload
from .strategy_options import load_only as load_only
from .strategy_options import noload as noload
from .strategy_options import raiseload as raiseload
from .strategy_options import selectin_polymorphic as selectin_polymorphic
from .strategy_options import selectinload as selectinload
from .strategy_options import subqueryload as subqueryload
from .strategy_options import undefer as undefer
from .strategy_options import undefer_group as undefer_group
from .unitofwork import UOWTransaction as UOWTransaction
from .util import AliasedClass as AliasedClass
from .util import AliasedInsp as AliasedInsp
from .util import aliased as aliased
from .util import was_deleted as was_deleted
from .writeonly import AppenderQuery as AppenderQuery
from .writeonly import WriteOnlyCollection as WriteOnlyCollection


def declarative_mixin(cls: type) -> type:
    """Mark a mixin class for type checkers; returns it unchanged."""
    return cls


def clear_mappers() -> None:
    """Remove every mapping (``sqlalchemy.orm.clear_mappers``); for tests."""
    from .mapper import _all_mappers

    for mapper in list(_all_mappers):
        if mapper.registry is not None:
            mapper.registry.dispose()
        else:
            mapper.dispose()

from . import _concurrency as _concurrency  # noqa: E402
from .session import Session as _SessionForGuards  # noqa: E402

_concurrency.install(_SessionForGuards)
