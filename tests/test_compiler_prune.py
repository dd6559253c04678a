"""`prune`: a compiled statement's subqueries select only the columns read of them."""

from sqlalchemy import column, func, select, table
from sqlalchemy.dialects import sqlite

from app.graphql.compiler.prune import prune

ITEMS = table("items", column("id"), column("name"), column("body"), column("rank"))


def _sql(statement) -> str:
    return str(statement.compile(dialect=sqlite.dialect()))


def test_unread_columns_leave_nested_subqueries():
    inner = select(ITEMS).order_by(ITEMS.c.rank).limit(10).subquery("inner")
    outer = select(inner).where(inner.c.rank > 1).subquery("outer")
    sql = _sql(prune(select(func.json_group_array(outer.c.name))))
    assert "body" not in sql
    assert '"inner".rank > ?' in sql  # read by the outer WHERE only, so kept
    assert "items.rank AS rank" in sql and "items.name AS name" in sql


def test_columns_read_by_a_correlated_subquery_stay():
    page = select(ITEMS).limit(5).subquery("page")
    child = table("children", column("item_id"), column("label"))
    labels = (
        select(func.json_group_array(child.c.label))
        .where(child.c.item_id == page.c.id)
        .correlate(page)
        .scalar_subquery()
    )
    sql = _sql(prune(select(func.json_group_array(labels)).select_from(page)))
    assert "items.id AS id" in sql
    assert "body" not in sql and "items.name" not in sql


def test_rows_that_depend_on_columns_are_kept_whole():
    distinct = select(ITEMS.c.name, ITEMS.c.body).distinct().subquery("d")
    grouped = select(ITEMS.c.name, func.count().label("n")).group_by(ITEMS.c.name).subquery("g")
    numbered = select(ITEMS, func.row_number().over(order_by=ITEMS.c.rank).label("rn")).subquery(
        "w"
    )
    for rows in (distinct, grouped):
        sql = _sql(prune(select(func.count(rows.c.name))))
        assert sql == _sql(select(func.count(rows.c.name)))
    sql = _sql(prune(select(func.json_group_array(numbered.c.name))))
    assert "row_number() OVER" in sql  # SQLite returns the rows in the window's order
    assert "body" not in sql


def test_a_subquery_read_for_nothing_still_selects_a_column():
    page = select(ITEMS).limit(5).subquery("page")
    sql = _sql(prune(select(func.count()).select_from(page)))
    assert "SELECT items.id AS id" in sql
    assert "body" not in sql
