"""Arguments many fields share, with their descriptions (Relay paging)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.graphql.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first N items (after `after`), 0-{MAX_PAGE_SIZE}; default "
        f"{DEFAULT_PAGE_SIZE} when neither `first` nor `last` is given."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this cursor (a previous page's `pageInfo.endCursor` or an "
        "edge's `cursor`)."
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the last N items (before `before`), 0-{MAX_PAGE_SIZE}; not "
        "together with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="End before this cursor (a page's `pageInfo.startCursor` or an edge's "
        "`cursor`)."
    ),
]
