"""Small helpers shared by every layer; imports nothing else from quicksilver."""

from ._collections import EMPTY_DICT as EMPTY_DICT
from ._collections import LRUCache as LRUCache
from ._collections import immutabledict as immutabledict
from .langhelpers import memoized_property as memoized_property
from .langhelpers import warn as warn
from .langhelpers import warn_deprecated as warn_deprecated
