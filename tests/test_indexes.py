"""Every index the models declare exists in a migrated database, on SQLite and PostgreSQL alike
(SQLite once lost some when a migration rebuilt a table to alter a column)."""

from tortoise import Tortoise, connections
from tortoise.indexes import Index

from services.database import is_postgres

PG_INDEXES = """
SELECT i.relname AS name, array_agg(a.attname ORDER BY k.n) AS columns
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE t.relname = $1
GROUP BY i.relname
"""


def declared(model: type) -> set[tuple[str, ...]]:
    meta = model._meta  # type: ignore[attr-defined]
    columns = meta.fields_db_projection
    wanted: set[tuple[str, ...]] = set()
    for index in meta.indexes:
        names = index.fields if isinstance(index, Index) else index
        wanted.add(tuple(columns.get(name, name) for name in names))
    for together in meta.unique_together:
        wanted.add(tuple(columns.get(name, name) for name in together))
    for name, field in meta.fields_map.items():
        if (field.index or field.unique) and not field.pk and name in columns:
            wanted.add((columns[name],))
    return wanted


async def existing(table: str) -> set[tuple[str, ...]]:
    connection = connections.get("default")
    if is_postgres(connection):
        _, rows = await connection.execute_query(PG_INDEXES, [table])
        return {tuple(row["columns"]) for row in rows}
    _, indexes = await connection.execute_query(f'PRAGMA index_list("{table}")')
    found = set()
    for index in indexes:
        _, columns = await connection.execute_query(f'PRAGMA index_info("{index["name"]}")')
        found.add(tuple(c["name"] for c in sorted(columns, key=lambda c: c["seqno"])))
    return found


async def test_every_declared_index_exists(orm: str) -> None:
    missing = {}
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        absent = declared(model) - await existing(table)
        if absent:
            missing[table] = sorted(absent)

    assert missing == {}


async def test_the_hot_reads_have_their_indexes(orm: str) -> None:
    assert {("account_id",)} <= await existing("session")
    assert {("account_id",)} <= await existing("bank_card")
    assert {("account_id", "seq")} <= await existing("audit_entry")
    assert {("account_id", "book", "id"), ("account_id", "book", "status")} <= await existing(
        "ledger_entry"
    )
