"""Queries whose SQL Django puts together once per process, then runs with new values.

Putting a query together (its joins, subqueries, column list and converters:
Django's SQL compiler) costs more Python time than SQLite or PostgreSQL take to
run the small queries a public page makes; on the session page it was a third
of the page's time. A page that runs the same queries on every request, with only
an id or a slug changing, declares each once:

    slots_of = PreparedQuery(
        lambda session: AgendaSlot.objects.filter(session=session).order_by("start"),
        session=int,
    )
    slots = slots_of(session=42)        # a list of AgendaSlot

The first call on each database connection alias builds the queryset with
stand-in values, compiles it, and keeps the SQL with the compiler that knows how
to turn its rows into objects (select_related, annotations, values_list and the
queryset's fetch mode all work as in the ORM). Every later call sends that SQL
with the stand-ins replaced by the call's values and returns a list: there is no
queryset to chain a filter onto that the stored SQL would silently ignore.

What a prepared query must be, checked where it can be:

- built from its parameters alone: nothing that changes between calls (the time,
  a setting, the user) may go into the queryset, since it is compiled once;
- each parameter compared as one plain value (`field=value`, `field__gt=value`),
  so that it is one SQL parameter; a list whose length changes the SQL (`__in`)
  is not a parameter. The first compilation refuses a parameter that does not
  come out as its stand-in value among the SQL's parameters.
"""

import copy
import functools
import itertools
import threading
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins no real row would be asked for; one per parameter, told apart by value.
# (itertools.count's next() is one step in C: safe when threads declare queries at once.)
_STAND_INS = {int: lambda n: -(2**31) + n, str: lambda n: f"\x00prepared-query-stand-in-{n}\x00"}
_numbers = itertools.count(7)


class PreparedQuery:
    def __init__(self, build, **parameters):
        """`build(**values)` returns the queryset; `parameters` name each value's type
        (int or str)."""
        unknown = {name: kind for name, kind in parameters.items() if kind not in _STAND_INS}
        if unknown:
            raise ImproperlyConfigured(f"Prepared query parameters must be int or str: {unknown}")
        self._build = build
        self._kinds = parameters
        self._stand_ins = {
            name: _STAND_INS[kind](next(_numbers)) for name, kind in parameters.items()
        }
        self._model = None
        self._compiled = {}  # connection alias -> _Compiled
        self._lock = threading.Lock()

    def __call__(self, **values):
        if values.keys() != self._stand_ins.keys():
            raise TypeError(f"expected values for {sorted(self._stand_ins)}, got {sorted(values)}")
        # The values go to the database as they are, past the fields' get_prep_value().
        wrong = [name for name, value in values.items() if not isinstance(value, self._kinds[name])]
        if wrong:
            raise TypeError(f"values of the wrong type for {wrong}: expected {self._kinds}")
        compiled = self._prepared()
        params = list(compiled.params)
        for position, name in compiled.positions:
            params[position] = values[name]
        run = compiled.queryset._chain()
        run.query.get_compiler = functools.partial(compiled.compiler_for, tuple(params))
        return list(run)

    def _prepared(self):
        if self._model is None:
            self._model = self._build(**self._stand_ins).model
        alias = router.db_for_read(self._model) or DEFAULT_DB_ALIAS
        try:
            return self._compiled[alias]
        except KeyError:
            pass
        with self._lock:
            if alias not in self._compiled:
                self._compiled[alias] = self._compile(alias)
        return self._compiled[alias]

    def _compile(self, alias):
        queryset = self._build(**self._stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ImproperlyConfigured(
                "A prepared query that finds nothing whatever its values (an empty __in, "
                "none(), a value out of the field's range) cannot be prepared."
            ) from None
        positions = [
            (position, name)
            for position, param in enumerate(params)
            for name, stand_in in self._stand_ins.items()
            if type(param) is type(stand_in) and param == stand_in
        ]
        missing = sorted(set(self._stand_ins) - {name for _, name in positions})
        if missing:
            raise ImproperlyConfigured(
                f"Prepared query parameters {missing} are not plain SQL parameters of {sql!r}: "
                "compare each one as a single value (field=value)."
            )
        # The stored compiler keeps no connection: each run gets its thread's own (the
        # converters of its columns are that connection's methods, worked out per run).
        compiler.connection = None
        return _Compiled(queryset, compiler, sql, tuple(params), positions, alias)


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: SQLCompiler  # set up by its first as_sql(): columns, joins, row layout
    sql: str
    params: tuple  # with the stand-ins
    positions: list  # (index in params, parameter name) of each stand-in
    alias: str

    def compiler_for(self, params, using=None, connection=None, elide_empty=True):
        """Stands in for Query.get_compiler on one run: a copy of the compiler set up
        at the first compilation, on this thread's connection, whose as_sql() gives
        the stored SQL with this run's parameters."""
        compiler = copy.copy(self.compiler)
        compiler.connection = connection or connections[using or self.alias]
        compiler.using = compiler.connection.alias
        compiler.as_sql = lambda with_limits=True, with_col_aliases=False: (self.sql, params)
        return compiler
