"""Every foreign key has an index leading with its columns (filters and cascades need one:
without it a delete of the parent row scans the child table, and a lookup by it too)."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, Table

from storage.models import Base


def leading_columns(table: Table) -> list[tuple[str, ...]]:
    """The column lists an index, a unique constraint or the primary key lead with."""
    leads = [tuple(c.name for c in index.columns) for index in table.indexes]
    leads += [
        tuple(c.name for c in constraint.columns)  # type: ignore[attr-defined]
        for constraint in table.constraints
        if not isinstance(constraint, ForeignKeyConstraint)
        and getattr(constraint, "columns", None) is not None
    ]
    return leads


def unindexed_foreign_keys() -> list[str]:
    missing = []
    for table in Base.metadata.sorted_tables:
        leads = leading_columns(table)
        for fk in table.foreign_key_constraints:
            columns = tuple(c.name for c in fk.columns)
            if not any(lead[: len(columns)] == columns for lead in leads if lead):
                missing.append(f"{table.name}.{','.join(columns)}")
    return missing


def test_every_foreign_key_has_a_leading_index() -> None:
    assert unindexed_foreign_keys() == []
