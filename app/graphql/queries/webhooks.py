"""`webhooks`, `webhook`: the caller's organization's webhooks (writers and admins)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.commands.access import require_role
from app.errors import NotFound
from app.graphql import context
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.types.webhook import Webhook
from app.repositories import webhooks as webhooks_repo


def parse_id(value: str, what: str) -> int:
    """Ids are decimal strings; anything else names nothing."""
    if not value.isdigit() or len(value) > 18:
        raise NotFound(f"{what} '{value}' not found")
    return int(value)


async def load_webhook(info: Info, webhook_id: int) -> Webhook:
    ctx = context.get(info)
    assert ctx.viewer.organization_id is not None
    async with ctx.read() as session:
        row = await webhooks_repo.row_of(session, ctx.viewer.organization_id, webhook_id)
        if row is None:
            raise NotFound(f"Webhook '{webhook_id}' not found")
        return Webhook.from_record(webhooks_repo.webhook_record(row))


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Your organization's webhooks, newest first (writers, admins).")
    async def webhooks(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
        last: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        before: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
    ) -> Connection[Webhook] | None:
        ctx = context.get(info)
        require_role(ctx.viewer)
        org_id = ctx.viewer.organization_id
        assert org_id is not None
        page = page_args(webhooks_repo.WEBHOOK_KEYS, first, after, last, before)
        async with ctx.read() as session:
            result = await webhooks_repo.page(session, org_id, page)

        async def count() -> int:
            async with ctx.read() as session:
                return await webhooks_repo.count(session, org_id)

        return build_connection(result, Webhook.from_record, count)

    @strawberry.field(description="One of your organization's webhooks.")
    async def webhook(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
    ) -> Webhook | None:
        require_role(context.get(info).viewer)
        return await load_webhook(info, parse_id(id, "Webhook"))
