"""quicksilver.engine.url, checked attribute by attribute against SQLAlchemy.

SQLAlchemy is the oracle: every URL below is parsed by both libraries and every
field, rendering and helper result must agree.  Where SQLAlchemy raises a
built-in ``TypeError``/``ValueError``, quicksilver raises an ``ArgumentError``
that is also an instance of that built-in class.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any, Callable

import pytest
import sqlalchemy.engine.url as sa_url
import sqlalchemy.exc as sa_exc
from hypothesis import given, settings
from hypothesis import strategies as st

from quicksilver import exc
from quicksilver.engine import url as qs_url
from quicksilver.engine.url import URL, make_url

URLS = [
    "sqlite://",
    "sqlite:///relative.db",
    "sqlite:////absolute.db",
    "sqlite:///:memory:",
    "sqlite:///:memory:?cache=shared",
    "sqlite:///file:x?mode=ro&uri=true",
    "sqlite:///file::memory:?cache=shared",
    "sqlite:///C:\\path\\to\\db",
    "sqlite:///?x=1",
    "postgresql+psycopg://scott:tiger@localhost:5432/test?sslmode=require&x=1&x=2",
    "postgresql://user:p%40ss@[::1]:5432/db",
    "postgresql://[::1]/db",
    "postgresql://[::1]",
    "postgresql://[fe80::1%25eth0]:5432/db",
    "postgresql://user@host",
    "mysql://u:p@h/db?charset=utf8",
    "postgresql://u:p%2Fw@h/d%2Fb",
    "postgresql://:pw@h/d",
    "postgresql://u:@h/d",
    "postgresql://h:5432",
    "postgresql:///dbname",
    "postgresql://u:p:q@h/d",
    "postgresql://u:p@q@h/d",
    "postgresql://u@h@i/d",
    "postgresql://u/x@h",
    "postgresql://host/db?",
    "postgresql://host/db?a",
    "postgresql://host/db?a=",
    "postgresql://host/db?a=1&a=2&a=3&b=",
    "postgresql://h/d?a=1=2",
    "postgresql://h/d??a=1",
    "postgresql://h/d?a%20b=c%20d+e",
    "postgresql://h/d?b=1&a=2&a=1",
    "oracle+cx_oracle://scott:tiger@host:1521/?service_name=x",
    "DB2+ibm_db://h/d",
    "mssql+pyodbc://scott:tiger@mydsn",
    "postgresql://u%3Ax:p@h",
    "postgresql://us er:p w@h/d b",
    "postgresql://h/d#frag",
    "postgresql+psycopg2://u:p@h:0/d",
    "postgresql://u:p@/d",
    "postgresql://@h/d",
    "postgresql://:@",
    "postgresql://h%41/d%41",
    "postgresql://%zz:%zz@h/%zz?a=%zz",
    "pg://h:5/",
    "pg:///",
    "pg:////",
    "pg://h:-1/d",
    "pg://h: 1/d",
    "pg://hé/dé",
    "1pg+a+b://h",
    "+psycopg://h",
    "pg://h\n/d",
]

BAD_URLS = [
    "",
    "not a url",
    "postgresql",
    "pg:/h",
    "://h",
    " pg://h",
    "a-b+c-d://h",
    "a.b://u:secret@h",
    "p g://h",
    "postgresql://h:abc/d",
    "postgresql://h:/d",
    "postgresql://u:secret@h:x/d",
    "pg://h:5:6/d",
    "pg://u:secret@h:5@i/d",
    "sqlite://:memory:",
    "pg://[::1]:5x/d",
]


def _fields(u: Any) -> tuple[Any, ...]:
    return tuple(u)[:6] + (dict(u.query),)


def _assert_same_error(sa_error: BaseException, qs_error: BaseException) -> None:
    """Same class: an exc class by name, or a built-in class plus ArgumentError."""
    sa_cls = type(sa_error)
    if issubclass(sa_cls, sa_exc.SQLAlchemyError):
        assert type(qs_error).__name__ == sa_cls.__name__ or isinstance(
            qs_error, getattr(exc, sa_cls.__name__)
        ), (sa_error, qs_error)
    else:
        assert isinstance(qs_error, sa_cls), (sa_error, qs_error)
        assert isinstance(qs_error, exc.ArgumentError), qs_error


def _run(fn: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - any error is compared
        return None, e


def _compare(sa_fn: Callable[[], Any], qs_fn: Callable[[], Any]) -> None:
    sa_value, sa_error = _run(sa_fn)
    qs_value, qs_error = _run(qs_fn)
    if sa_error is not None or qs_error is not None:
        assert sa_error is not None and qs_error is not None, (sa_error, qs_error)
        _assert_same_error(sa_error, qs_error)
        return
    if isinstance(sa_value, sa_url.URL):
        assert _fields(qs_value) == _fields(sa_value)
        assert qs_value.render_as_string(False) == sa_value.render_as_string(False)
    else:
        assert qs_value == sa_value


@pytest.mark.parametrize("text", URLS)
def test_parse_matches_sqlalchemy(text: str) -> None:
    sa = sa_url.make_url(text)
    qs = make_url(text)
    assert qs.drivername == sa.drivername
    assert qs.username == sa.username
    assert qs.password == sa.password
    assert qs.host == sa.host
    assert qs.port == sa.port
    assert qs.database == sa.database
    assert dict(qs.query) == dict(sa.query)
    assert list(qs.query) == list(sa.query)
    assert dict(qs.normalized_query) == dict(sa.normalized_query)
    assert qs.render_as_string() == sa.render_as_string()
    assert qs.render_as_string(hide_password=False) == sa.render_as_string(
        hide_password=False
    )
    assert str(qs) == str(sa)
    assert repr(qs) == repr(sa)
    assert qs.get_backend_name() == sa.get_backend_name()
    if "+" in qs.drivername:
        assert qs.get_driver_name() == sa.get_driver_name()
    assert qs.translate_connect_args() == sa.translate_connect_args()
    assert qs.translate_connect_args(
        username="user", database="db", host=None
    ) == sa.translate_connect_args(username="user", database="db", host=None)
    assert qs._fields == sa._fields


@pytest.mark.parametrize("text", URLS)
def test_render_round_trips(text: str) -> None:
    qs = make_url(text)
    again = make_url(qs.render_as_string(hide_password=False))
    assert again == qs


@pytest.mark.parametrize("text", BAD_URLS)
def test_bad_url_raises_like_sqlalchemy(text: str) -> None:
    _compare(lambda: sa_url.make_url(text), lambda: make_url(text))
    with pytest.raises(exc.ArgumentError) as info:
        make_url(text)
    message = str(info.value)
    assert repr(text.replace("secret", "***")) in message
    assert "secret" not in message


def test_bad_port_message_masks_password() -> None:
    with pytest.raises(ValueError) as info:
        make_url("postgresql://scott:tiger@h:54x2/d")
    assert isinstance(info.value, exc.ArgumentError)
    message = str(info.value)
    assert "tiger" not in message
    assert "'postgresql://scott:***@h:54x2/d'" in message
    assert "'54x2' is not an integer" in message


def test_unparseable_messages_say_what_is_wrong() -> None:
    with pytest.raises(exc.ArgumentError, match="no '://'"):
        make_url("postgresql")
    with pytest.raises(exc.ArgumentError, match="dialect name 'a-b'"):
        make_url("a-b://h")
    with pytest.raises(exc.ArgumentError, match="empty"):
        make_url("")
    with pytest.raises(exc.ArgumentError, match="IPv6"):
        make_url("pg://[::1]x/d")


@pytest.mark.parametrize("value", [None, 5, b"pg://h", object()])
def test_make_url_wrong_type(value: Any) -> None:
    _compare(lambda: sa_url.make_url(value), lambda: make_url(value))
    with pytest.raises(exc.ArgumentError, match="Expected string or URL object"):
        make_url(value)


def test_make_url_returns_url_unchanged() -> None:
    u = make_url("pg://h")
    assert make_url(u) is u


SET_CASES: list[dict[str, Any]] = [
    {},
    {"drivername": "mysql+pymysql"},
    {"drivername": None},
    {"drivername": ""},
    {"username": "bob", "password": "s@cret"},
    {"password": "x"},
    {"host": "::1", "port": 6543},
    {"port": None},
    {"port": [1]},
    {"port": "x"},
    {"host": 5},
    {"username": b"x"},
    {"database": 5},
    {"database": "/tmp/x.db"},
    {"query": {"a": ["1", "2"], "b": "3"}},
    {"query": {"a": ("1",)}},
    {"query": {}},
    {"query": {"a": 1}},
    {"query": {1: "a"}},
    {"query": {"a": ("1", 2)}},
    {"query": {"a": None}},
]


@pytest.mark.parametrize("kw", SET_CASES, ids=repr)
def test_set_matches_sqlalchemy(kw: dict[str, Any]) -> None:
    text = "postgresql://u:p@h:5/d?a=1"
    _compare(lambda: sa_url.make_url(text).set(**kw), lambda: make_url(text).set(**kw))


def test_set_port_is_converted_like_create() -> None:
    # Deliberate: SQLAlchemy's set() stores "6" / 6.0 unconverted as the port.
    assert make_url("pg://h").set(port="6").port == 6
    assert make_url("pg://h").set(port=6.0).port == 6


def test_set_unknown_keyword() -> None:
    with pytest.raises(TypeError):
        make_url("pg://h").set(foo=1)  # type: ignore[call-arg]


CREATE_CASES: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("pg",), {}),
    (("pg",), {"port": "6"}),
    (("pg",), {"port": 6.7}),
    (("pg",), {"port": True}),
    (("pg",), {"port": [1]}),
    (("pg",), {"port": "x"}),
    (("pg",), {"query": {"b": "1", "a": ("x",)}}),
    (("pg",), {"query": {"a": ["1"]}}),
    (("pg",), {"query": {"a": ()}}),
    (("pg",), {"query": {"a": None}}),
    ((None,), {}),
    ((5,), {}),
    (("pg",), {"database": 5}),
    (
        ("postgresql+psycopg",),
        {
            "username": "a b",
            "password": "p@ss/w:rd",
            "host": "db.example.com",
            "port": 5432,
            "database": "my/db",
            "query": {"k": "v w"},
        },
    ),
    (("pg",), {"username": "", "password": "", "host": "", "port": 0, "database": ""}),
    (("pg",), {"password": "x", "host": "h"}),
    (("pg",), {"host": "::1", "port": 5}),
]


@pytest.mark.parametrize("args,kw", CREATE_CASES, ids=repr)
def test_create_matches_sqlalchemy(args: tuple[Any, ...], kw: dict[str, Any]) -> None:
    _compare(lambda: sa_url.URL.create(*args, **kw), lambda: URL.create(*args, **kw))
    value, error = _run(lambda: URL.create(*args, **kw))
    if value is not None:
        sa = sa_url.URL.create(*args, **kw)
        assert value.translate_connect_args() == sa.translate_connect_args()
        assert str(value) == str(sa)


QUERY_OPS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("update_query_string", ("a=2&b=3",), {}),
    ("update_query_string", ("a=2&b=3",), {"append": True}),
    ("update_query_string", ("a=2&b=&c",), {}),
    ("update_query_string", ("b=&c",), {"keep_blank_values": True}),
    ("update_query_string", ("?a=2",), {}),
    ("update_query_pairs", ([("a", "2"), ("a", "3"), ("c", "4")],), {}),
    ("update_query_pairs", ([("a", "2"), ("a", "3"), ("c", "4")],), {"append": True}),
    ("update_query_pairs", ([("a", ["x", "y"]), ("b", ("z",))],), {}),
    ("update_query_pairs", ([("a", ["x", "y"]), ("b", ("z",))],), {"append": True}),
    ("update_query_pairs", ([("a", 2)],), {}),
    ("update_query_pairs", ([],), {}),
    ("update_query_dict", ({"a": "2", "c": ["x", "y"]},), {}),
    ("update_query_dict", ({"a": "2", "c": ["x", "y"]},), {"append": True}),
    ("update_query_dict", ({"a": ("2",)},), {"append": True}),
    ("update_query_dict", ({"a": []},), {}),
    ("update_query_dict", ({"a": []},), {"append": True}),
    ("update_query_dict", ({"a": 2},), {}),
    ("update_query_dict", ({2: "a"},), {}),
    ("difference_update_query", (["a", "zz"],), {}),
    ("difference_update_query", (["zz"],), {}),
    ("difference_update_query", ("a",), {}),
]


@pytest.mark.parametrize("base", ["pg://h/d?a=1", "pg://h?b=1&a=2&a=1", "pg://h"])
@pytest.mark.parametrize("method,args,kw", QUERY_OPS, ids=repr)
def test_query_updates_match_sqlalchemy(
    base: str, method: str, args: tuple[Any, ...], kw: dict[str, Any]
) -> None:
    _compare(
        lambda: getattr(sa_url.make_url(base), method)(*args, **kw),
        lambda: getattr(make_url(base), method)(*args, **kw),
    )
    value, error = _run(lambda: getattr(make_url(base), method)(*args, **kw))
    if value is not None:
        sa = getattr(sa_url.make_url(base), method)(*args, **kw)
        if not kw.get("append"):
            # With append=True SQLAlchemy's key order follows set iteration
            # (it varies with PYTHONHASHSEED), so only the content is compared.
            assert list(value.query) == list(sa.query)
        assert dict(value.normalized_query) == dict(sa.normalized_query)


def test_difference_update_query_without_match_is_self() -> None:
    u = make_url("pg://h?a=1")
    assert u.difference_update_query(["zz"]) is u


def test_query_values_keep_their_shape() -> None:
    u = make_url("pg://h?a=1&a=2&b=3")
    assert u.query == {"a": ("1", "2"), "b": "3"}
    assert u.normalized_query == {"a": ("1", "2"), "b": ("3",)}


def test_translate_connect_args_positional_names_deprecated() -> None:
    u = make_url("pg://u:p@h:5/d")
    sa = sa_url.make_url("pg://u:p@h:5/d")
    with pytest.warns(DeprecationWarning, match="deprecated"):
        ours = u.translate_connect_args(["server", "db"])
    with pytest.warns(DeprecationWarning):
        theirs = sa.translate_connect_args(["server", "db"])
    assert ours == theirs


def test_password_object_is_rendered_with_str() -> None:
    class Token:
        def __str__(self) -> str:
            return "tok en"

    token = Token()
    u = URL.create("pg", username="u", password=token, host="h")
    sa = sa_url.URL.create("pg", username="u", password=token, host="h")
    assert u.password is token
    assert u.render_as_string(False) == sa.render_as_string(False)
    assert u.translate_connect_args() == sa.translate_connect_args()


def test_equality_and_hash() -> None:
    a = make_url("postgresql://u:p@h:5/d?a=1")
    b = make_url("postgresql://u:p@h:5/d?a=1")
    c = make_url("postgresql://u:other@h:5/d?a=1")
    assert a == b and not (a != b)
    assert hash(a) == hash(b)
    assert a != c
    assert hash(a) == hash(c)  # hash uses the masked form, as in SQLAlchemy
    assert a != "postgresql://u:p@h:5/d?a=1"
    assert a != tuple(a)
    assert {a: 1}[b] == 1


def test_immutable() -> None:
    u = make_url("pg://h?a=1")
    with pytest.raises(AttributeError):
        u.host = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        u.query["b"] = "2"  # type: ignore[index]


def test_pickle_and_copy() -> None:
    u = make_url("postgresql+psycopg://u:p@[::1]:5/d?a=1&a=2")
    assert pickle.loads(pickle.dumps(u)) == u
    assert copy.copy(u) is u
    assert copy.deepcopy(u) is u


def test_is_a_tuple_of_seven_fields() -> None:
    u = make_url("pg://u:p@h:5/d?a=1")
    assert isinstance(u, tuple)
    assert len(u) == 7
    assert u._asdict()["host"] == "h"


def test_registry_name() -> None:
    assert make_url("sqlite://")._dialect_name_for_registry() == "sqlite"
    assert (
        make_url("postgresql+psycopg://h")._dialect_name_for_registry()
        == "postgresql.psycopg"
    )


def test_errors_are_argument_errors_and_builtin_classes() -> None:
    assert issubclass(qs_url.URLArgumentValueError, exc.ArgumentError)
    assert issubclass(qs_url.URLArgumentValueError, ValueError)
    assert issubclass(qs_url.URLArgumentTypeError, exc.ArgumentError)
    assert issubclass(qs_url.URLArgumentTypeError, TypeError)


# -- fuzzing against the oracle ------------------------------------------------

_PIECES = list("ab:/@?&=%+#. 1-_") + ["%40", "%2F", "::", "5432", "%25", "é", "[::1]"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    scheme=st.sampled_from(["pg://", "pg+drv://", "sqlite://", "pg:/"]),
    rest=st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
)
def test_fuzz_against_sqlalchemy(scheme: str, rest: str) -> None:
    text = scheme + rest
    sa_value, sa_error = _run(lambda: sa_url.make_url(text))
    qs_value, qs_error = _run(lambda: make_url(text))
    if qs_error is not None and sa_error is None:
        # SQLAlchemy silently drops text after a bracketed host; we refuse.
        assert "[" in text and isinstance(qs_error, exc.ArgumentError)
        return
    if sa_error is not None or qs_error is not None:
        assert sa_error is not None and qs_error is not None
        _assert_same_error(sa_error, qs_error)
        return
    assert _fields(qs_value) == _fields(sa_value)
    assert qs_value.render_as_string(False) == sa_value.render_as_string(False)
    assert str(qs_value) == str(sa_value)
