"""Webhook mutations (writers and admins of the organization); rules in app/commands/webhooks.py."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.commands import inputs as cmd
from app.commands import webhooks
from app.errors import NotFound
from app.graphql import context
from app.graphql.mutations.access import command_input, run_command
from app.graphql.queries.webhooks import load_webhook, parse_id
from app.graphql.scalars import JSON
from app.graphql.types.event import EventKind
from app.graphql.types.webhook import Webhook, WebhookDelivery
from app.repositories import webhooks as webhooks_repo


@strawberry.input(description="A new webhook of your organization.")
class CreateWebhookInput:
    url: str = strawberry.field(description="http(s) URL that receives the POSTs.")
    events: list[EventKind] = strawberry.field(
        default_factory=list, description="The kinds to send; empty: all."
    )
    filter: JSON | None = strawberry.field(
        default=None,
        description="Only events matching all of: organization, model (`org/slug`), alias, "
        "provider, benchmark (strings), minRelativeChange (number, for price changes).",
    )
    secret: str = strawberry.field(
        description="The HMAC-SHA256 key of the signatures (16 to 200 characters)."
    )


@strawberry.input(description="What changes on a webhook; omitted fields stay.")
class UpdateWebhookInput:
    url: str | None = strawberry.field(default=strawberry.UNSET, description="New URL.")
    events: list[EventKind] | None = strawberry.field(
        default=strawberry.UNSET, description="New kinds; empty: all."
    )
    filter: JSON | None = strawberry.field(default=strawberry.UNSET, description="New filter.")
    secret: str | None = strawberry.field(default=strawberry.UNSET, description="New secret.")
    is_active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Pause (false) or resume (true) deliveries."
    )


def _allow_private(info: Info) -> bool:
    return context.get(info).settings.events.allow_private_webhook_urls


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(description="Create a webhook for your organization (writer or admin).")
    async def create_webhook(
        self,
        info: Info,
        input: Annotated[
            CreateWebhookInput,
            strawberry.argument(description="The receiver's URL, events, filter and secret."),
        ],
    ) -> Webhook | None:
        data = command_input(cmd.NewWebhook, input, allow_private_urls=_allow_private(info))
        return await load_webhook(info, await run_command(info, webhooks.create_webhook, data))

    @strawberry.mutation(description="Change a webhook of your organization.")
    async def update_webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's id.")],
        input: Annotated[
            UpdateWebhookInput,
            strawberry.argument(description="The fields to change; omitted ones stay."),
        ],
    ) -> Webhook | None:
        data = command_input(
            cmd.WebhookChange, input, id=parse_id(id, "Webhook"),
            allow_private_urls=_allow_private(info),
        )  # fmt: skip
        return await load_webhook(info, await run_command(info, webhooks.update_webhook, data))

    @strawberry.mutation(description="Delete a webhook and its delivery log; returns its id.")
    async def delete_webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's id.")],
    ) -> strawberry.ID | None:
        data = cmd.WebhookRef(id=parse_id(id, "Webhook"))
        return strawberry.ID(str(await run_command(info, webhooks.delete_webhook, data)))

    @strawberry.mutation(description="Deliver an event again (a delivery of your webhooks).")
    async def redeliver_webhook(
        self,
        info: Info,
        delivery_id: Annotated[
            strawberry.ID, strawberry.argument(description="The delivery's id.")
        ],
    ) -> WebhookDelivery | None:
        data = cmd.DeliveryRef(id=parse_id(delivery_id, "Webhook delivery"))
        found = await run_command(info, webhooks.redeliver_webhook, data)
        async with context.get(info).read() as session:
            record = await webhooks_repo.delivery_by_id(session, found)
        if record is None:
            raise NotFound(f"Webhook delivery '{delivery_id}' not found")
        return WebhookDelivery.from_record(record)
