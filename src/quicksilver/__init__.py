"""quicksilver: a fast ORM whose public API mirrors SQLAlchemy 2.x.

Change ``import sqlalchemy`` to ``import quicksilver`` and the engine, pool,
SQL expression language and ORM Session work as they did, faster and with
clearer errors.  Importing this package loads no driver, no greenlet and no ORM.
"""

__version__ = "0.1.0"
