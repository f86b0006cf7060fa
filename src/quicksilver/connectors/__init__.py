"""Pieces shared by several drivers (mirrors ``sqlalchemy.connectors``)."""
