"""Queries whose SQL Django builds once and runs again with new values.

Django builds a queryset's conditions and compiles its SQL on every run. For the fiche page's
query of about a hundred columns that is most of its cost, and a page runs several such
queries: a quarter of the fiche page's time was spent compiling SQL it had compiled on the
request before, with another value.

A ``CompiledQuery`` keeps, for each key, the SQL its ``build`` function's queryset compiles to,
where the values it was built with sit among the SQL's parameters, and what Django needs to
turn the rows into model instances (or tuples, for ``values_list``). A later run with the same
key puts the new values in and runs the SQL; Django's own iterables build the results, with the
same conversions, ``select_related`` objects and annotations as the queryset would have.
``statement(key, *values)`` gives the SQL and its parameters instead, for a statement that
runs several such queries as its scalar subqueries.

``build(key, *values)`` must return a queryset whose SQL depends only on ``key``: the values
(numbers, strings, aware datetimes) may only stand as parameters, unchanged
(``reference=value``, ``created_at__gte=value``). This is checked when a key is first
compiled: the queryset is built again with each value changed in turn, and the SQL must stay
the same while exactly that value's parameters change. Whatever else the SQL depends on (a
user's scope, a list's length) belongs in the key; nothing may be read from the clock, the
language or the database inside ``build``.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

Build = Callable[..., QuerySet]


def _probe(value: object) -> object:
    """Another value of the same type, to find where ``value`` stands among the parameters."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | datetime):
        raise ImproperlyConfigured(
            f"A compiled query takes numbers, strings and aware datetimes as values, not {value!r}."
        )
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    return f"{value}~" if isinstance(value, str) else value + 1


def _adapted(value: object, connection: BaseDatabaseWrapper) -> object:
    """A value as Django passes it to the database (SQLite takes a datetime as text)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


@dataclass(frozen=True)
class _Compiled:
    """One key's SQL, ready to run again."""

    queryset: QuerySet
    compiler: Any
    sql: str | None  # None: the query can match nothing (Django's EmptyResultSet)
    params: tuple
    positions: tuple[tuple[int, int], ...]  # (parameter's position, value's index)

    def filled(self, values: tuple, connection: BaseDatabaseWrapper) -> list:
        """The SQL's parameters with ``values`` put in."""
        params = list(self.params)
        for position, index in self.positions:
            params[position] = _adapted(values[index], connection)
        return params

    def run(self, values: tuple) -> list:
        if self.sql is None:
            return []
        template = self.queryset
        using = template.db
        connection = connections[using]  # this thread's
        params = self.filled(values, connection)
        sql = self.sql
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.using = using
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        query = copy.copy(template.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        shell = QuerySet.__new__(type(template))
        shell.__dict__ = {**template.__dict__, "_query": query, "_result_cache": None}
        return list(shell)


def _compile(queryset: QuerySet) -> tuple[Any, str | None, tuple]:
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return compiler, None, ()
    return compiler, sql, tuple(params)


class CompiledQuery:
    """A queryset's SQL compiled once per key (see the module's docstring).

    ``size`` bounds the keys kept per process: past it they are all dropped and compiled
    again as they come (the keys are scopes and shapes, a few dozen in practice)."""

    def __init__(self, build: Build, *, size: int = 256) -> None:
        self.build = build
        self.size = size
        self._compiled: dict[Hashable, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, key: Hashable, *values: object) -> list:
        """The rows of ``build(key, *values)``, as its queryset would give them."""
        return self._get(key, values).run(values)

    def statement(self, key: Hashable, *values: object) -> tuple[str, list] | None:
        """The SQL of ``build(key, *values)`` and its parameters, to be run inside another
        statement (e.g. as one of several scalar subqueries); None if it can match nothing."""
        compiled = self._get(key, values)
        if compiled.sql is None:
            return None
        return compiled.sql, compiled.filled(values, connections[compiled.queryset.db])

    def _get(self, key: Hashable, values: tuple) -> _Compiled:
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._prepare(key, values)
            with self._lock:
                if len(self._compiled) >= self.size:
                    self._compiled.clear()
                self._compiled[key] = compiled
        return compiled

    def _prepare(self, key: Hashable, values: tuple) -> _Compiled:
        queryset = self.build(key, *values)
        compiler, sql, params = _compile(queryset)
        positions: list[tuple[int, int]] = []
        for index, value in enumerate(values):
            changed = [*values]
            changed[index] = probe = _probe(value)
            _, probe_sql, probe_params = _compile(self.build(key, *changed))
            if probe_sql != sql or len(probe_params) != len(params):
                raise ImproperlyConfigured(
                    f"{self.build.__qualname__}: value {index} changes the SQL, not only its parameters."
                )
            moved = [i for i, (a, b) in enumerate(zip(params, probe_params, strict=True)) if a != b]
            value, probe = _adapted(value, compiler.connection), _adapted(probe, compiler.connection)
            if sql is not None and (
                not moved or any(params[i] != value or probe_params[i] != probe for i in moved)
            ):
                raise ImproperlyConfigured(
                    f"{self.build.__qualname__}: value {index} is not a parameter of the SQL as it is."
                )
            positions.extend((i, index) for i in moved)
        return _Compiled(queryset, compiler, sql, params, tuple(positions))
