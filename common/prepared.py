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
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Stand-ins no real row would be asked for; one per parameter, told apart by value.
_STAND_INS = {
    int: (-(2**31) + n for n in itertools.count(7)),
    str: (f"\x00prepared-query-stand-in-{n}\x00" for n in itertools.count()),
}


class PreparedQuery:
    def __init__(self, build, **parameters):
        """`build(**values)` returns the queryset; `parameters` name each value's type
        (int or str)."""
        unknown = {name: kind for name, kind in parameters.items() if kind not in _STAND_INS}
        if unknown:
            raise ImproperlyConfigured(f"Prepared query parameters must be int or str: {unknown}")
        self._build = build
        self._stand_ins = {name: next(_STAND_INS[kind]) for name, kind in parameters.items()}
        self._model = None
        self._compiled = {}  # connection alias -> _Compiled
        self._lock = threading.Lock()

    def __call__(self, **values):
        if values.keys() != self._stand_ins.keys():
            raise TypeError(f"expected values for {sorted(self._stand_ins)}, got {sorted(values)}")
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
        sql, params = compiler.as_sql()
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
        return _Compiled(queryset, compiler, sql, tuple(params), positions)


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: SQLCompiler  # set up by its first as_sql(): columns, joins, row layout
    sql: str
    params: tuple  # with the stand-ins
    positions: list  # (index in params, parameter name) of each stand-in

    @cached_property
    def converters(self):
        """The columns' converters (database value to Python), worked out once."""
        fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        return self.compiler.get_converters(fields)

    def compiler_for(self, params, using=None, connection=None, elide_empty=True):
        """Stands in for Query.get_compiler on one run: a copy of the compiler set up
        at the first compilation, on this thread's connection, whose as_sql() gives
        the stored SQL with this run's parameters."""
        compiler = copy.copy(self.compiler)
        compiler.connection = connection or connections[using or DEFAULT_DB_ALIAS]
        compiler.using = compiler.connection.alias
        compiler.as_sql = lambda with_limits=True, with_col_aliases=False: (self.sql, params)
        if compiler.connection is self.compiler.connection:
            # Converters are the connection's own methods: reused on that connection
            # (a worker's), worked out anew on another thread's.
            compiler.get_converters = lambda expressions: self.converters
        return compiler
