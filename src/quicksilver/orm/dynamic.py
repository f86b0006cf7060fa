"""``sqlalchemy.orm.dynamic``: the legacy ``lazy="dynamic"`` loader's classes."""

from .writeonly import AppenderQuery as AppenderQuery
from .writeonly import DynamicImpl as DynamicAttributeImpl

__all__ = ["AppenderQuery", "DynamicAttributeImpl"]
