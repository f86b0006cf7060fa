"""Extensions, as ``sqlalchemy.ext``: declarative (legacy), hybrid, asyncio."""
