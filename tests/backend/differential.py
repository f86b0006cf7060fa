"""Running one scenario on SQLAlchemy (the oracle) and on quicksilver."""

from typing import Any, Callable


def on_both(scenario: Callable[[str, str], Any], tmp_path: Any) -> tuple[Any, Any]:
    """``scenario(library name, database URL)`` on SQLAlchemy, then on
    quicksilver, each on its own SQLite file: ``(expected, got)``."""
    expected = scenario("sqlalchemy", f"sqlite:///{tmp_path / 'sa.db'}")
    got = scenario("quicksilver", f"sqlite:///{tmp_path / 'qs.db'}")
    return expected, got
