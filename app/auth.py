"""Who is asking: the viewer a request acts as, and the visibility rule for every read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["reader", "writer", "admin"]


@dataclass(frozen=True)
class Viewer:
    """Anonymous when `organization_id` is None. Sees public objects and its own org's."""

    organization_id: int | None = None
    organization_slug: str | None = None
    role: Role | None = None
    token_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.organization_id is None


ANONYMOUS = Viewer()
