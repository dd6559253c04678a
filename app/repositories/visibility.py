"""The visibility rule as SQL, applied by every repository that loads catalog data.

Anonymous callers see public objects; a token also sees its own organization's private ones.
A version is visible when its model is and the version itself is public or the viewer's.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from app.auth import Viewer
from app.db.tables import ModelRow, ModelVersionRow


def model_visible(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.organization_id is None:
        return ModelRow.is_public.is_(True)
    return or_(ModelRow.is_public.is_(True), ModelRow.organization_id == viewer.organization_id)


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
