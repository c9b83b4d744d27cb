"""Fast bulk inserts for roll-ups and generated data: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Rows are plain tuples in the order of ``columns`` (attribute names such as ``plan_id``),
so that large writes never build model instances on PostgreSQL. Callers validate what
they write; database constraints still apply to every row.
"""
import datetime
import json

from django.db import connections, models

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format (faster than adapting values one by one)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _plain(value) -> str:
    return "\\N" if value is None else str(value)


def _converter(field):
    """The fastest correct COPY text conversion for a column's values."""
    if isinstance(field, models.JSONField):
        return _json_text
    if isinstance(field, models.BooleanField):
        return _copy_text
    if isinstance(field, (models.IntegerField, models.DecimalField, models.ForeignKey, models.AutoField)):
        return _plain  # ints and fixed-scale Decimals print as PostgreSQL reads them
    if isinstance(field, (models.DateField, models.DateTimeField)):
        cache = {}

        def dated(value):  # the same dates and timestamps recur on many rows
            if value is None:
                return "\\N"
            text = cache.get(value)
            if text is None:
                text = cache[value] = value.isoformat()
            return text

        return dated
    return _copy_text


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder for every value


def _json_text(value) -> str:
    return _copy_text(_encode_json(value))


def copy_formatter(model, columns):
    """A function turning values (in ``columns`` order) into one line of PostgreSQL COPY text, without
    its newline: what ``bulk_insert`` sends, for callers that also digest or reuse the text."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    converters = [_converter(fields[c]) for c in columns]

    def line(values) -> str:
        return "\t".join([convert(v) for convert, v in zip(converters, values, strict=True)])

    return line


def copy_lines(model, columns, lines, *, using="default", batch_size=1000) -> int:
    """COPY ``lines`` (made by ``copy_formatter`` for the same ``columns``) into ``model``'s table —
    PostgreSQL only; return how many."""
    connection = connections[using]
    quote = connection.ops.quote_name
    # Fields the caller does not name get their model default (Django defaults are not database
    # defaults): a field added to a model later never breaks a generator that predates it.
    omitted = [f for f in model._meta.concrete_fields
               if f.attname not in columns and not f.primary_key and not f.null
               and (f.has_default() or f.empty_strings_allowed)]  # text without a default: ""
    tail = "".join("\t" + _converter(f)(f.get_default()) for f in omitted)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = [fields[c].column for c in columns] + [f.column for f in omitted]
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        batch = []
        for line in lines:
            batch.append(line + tail)
            count += 1
            if len(batch) >= batch_size:
                copy.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            copy.write("\n".join(batch) + "\n")
    return count


def bulk_insert(model, columns, rows, *, using="default", batch_size=1000) -> int:
    """Insert ``rows`` (iterables of values in ``columns`` order) into ``model``'s table; return how many."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        line = copy_formatter(model, columns)
        return copy_lines(model, columns, map(line, rows), using=using, batch_size=batch_size)
    count = 0
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= batch_size:
            model.objects.using(using).bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.using(using).bulk_create(batch)
        count += len(batch)
    return count


def bulk_update_rows(model, columns, rows, *, using="default") -> int:
    """Set ``columns`` of existing rows: ``rows`` are tuples ``(pk, value, …)`` in ``columns`` order.

    One ``UPDATE … FROM (VALUES …)`` on PostgreSQL (Django's ``bulk_update`` builds a
    CASE per column and row, which is slow for hundreds of rows); one UPDATE per row elsewhere.
    """
    rows = list(rows)
    if not rows:
        return 0
    connection = connections[using]
    fields = {f.attname: f for f in model._meta.concrete_fields}
    if connection.vendor != "postgresql":
        manager = model._base_manager.using(using)
        for pk, *values in rows:
            manager.filter(pk=pk).update(**dict(zip(columns, values, strict=True)))
        return len(rows)
    quote = connection.ops.quote_name
    pk = model._meta.pk
    names = ["pk", *(f"c{i}" for i in range(len(columns)))]
    types = [pk.db_type(connection), *(fields[c].db_type(connection) for c in columns)]
    sets = ", ".join(
        f"{quote(fields[c].column)} = CAST(v.c{i} AS {types[i + 1]})" for i, c in enumerate(columns)
    )
    placeholders = ", ".join(["%s"] * len(names))
    values = ", ".join(f"({placeholders})" for _ in rows)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {sets} FROM (VALUES {values}) AS v({', '.join(names)}) "
        f"WHERE t.{quote(pk.column)} = CAST(v.pk AS {types[0]})"
    )
    params = []
    for row in rows:
        for i, value in enumerate(row):
            if i and isinstance(fields[columns[i - 1]], models.JSONField):
                value = json.dumps(value, ensure_ascii=False)
            params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
