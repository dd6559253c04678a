"""The rules an organization's fields follow, shared by `createOrganization` and the CLI."""

from __future__ import annotations

from app.services.validation import Checker, Loc

MAX_NAME = 200
MAX_DESCRIPTION = 10_000


def check_organization(
    check: Checker,
    loc: Loc,
    slug: str,
    name: str,
    description: str | None = None,
    url: str | None = None,
) -> None:
    """Adds to `check` one error per invalid field, located under `loc`."""
    check.slug((*loc, "slug"), slug)
    check.text((*loc, "name"), name, required=True, max_len=MAX_NAME)
    check.text((*loc, "description"), description, max_len=MAX_DESCRIPTION)
    check.url((*loc, "url"), url)
