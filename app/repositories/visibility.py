"""The visibility rule as SQL, applied by every repository that loads catalog data.

Anonymous callers see public objects; a token also sees its own organization's private ones.
A version is visible when its model is and the version itself is public or the viewer's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.auth import Viewer
from app.db.tables import ModelRow, ModelVersionRow


class _Unindexed(FunctionElement[bool]):
    """A flag column that SQLite's planner must not pick an index for (`+column`, SQLite's
    documented way to say so). Nearly every model is public, so `ix_models_is_public` never
    narrows a read, yet SQLite would take the equality on it over the index that gives a
    page its order (`ix_models_name`, ...) and sort every public model to return fifty.
    Elsewhere it is the plain column. (The index stays: PostgreSQL plans well, and tools
    such as PostGraphile offer conditions only on indexed columns.)"""

    type = Boolean()
    inherit_cache = True
    name = "unindexed"


@compiles(_Unindexed)
def _plain(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_Unindexed, "sqlite")
def _sqlite(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


def _public(column: Any) -> ColumnElement[bool]:
    return _Unindexed(column).is_(True)


def model_visible(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.organization_id is None:
        return _public(ModelRow.is_public)
    return or_(_public(ModelRow.is_public), ModelRow.organization_id == viewer.organization_id)


def version_visible(viewer: Viewer) -> ColumnElement[bool]:
    """Needs ModelRow joined to ModelVersionRow in the statement."""
    if viewer.organization_id is None:
        return and_(model_visible(viewer), ModelVersionRow.is_public.is_(True))
    return and_(
        model_visible(viewer),
        or_(
            ModelVersionRow.is_public.is_(True),
            ModelRow.organization_id == viewer.organization_id,
        ),
    )
