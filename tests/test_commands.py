"""The write rules, tested without HTTP: commands called with a session and a viewer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth import Viewer
from app.commands import imports, models, runner, versions
from app.commands import inputs as cmd
from app.db.engine import create_write_sessionmaker
from app.db.tables import ModelModalityRow, ModelTagRow, OrganizationRow
from app.errors import AuthenticationError, PermissionDenied, ValidationFailed
from app.importers.records import ParsedSource
from app.importers.report import ImportReport


async def _org(engine, slug: str) -> int:
    async with engine.connect() as connection:
        return int(
            await connection.scalar(select(OrganizationRow.id).where(OrganizationRow.slug == slug))
        )


async def _run(engine, command, viewer, data):
    return await runner.run(
        create_write_sessionmaker(engine), lambda session: command(session, viewer, data)
    )


async def _mirrors(engine, model_id: int) -> tuple[list[str], list[str]]:
    async with engine.connect() as connection:
        modalities = await connection.scalars(
            select(ModelModalityRow.modality)
            .where(ModelModalityRow.model_id == model_id)
            .order_by(ModelModalityRow.position)
        )
        tags = await connection.scalars(
            select(ModelTagRow.identifier)
            .where(ModelTagRow.model_id == model_id)
            .order_by(ModelTagRow.position)
        )
        return list(modalities), list(tags)


async def test_create_model_rules_and_mirror_tables(fresh_engine):
    org_id = await _org(fresh_engine, "meta")
    new = cmd.NewModel(
        organization="meta", slug="cmd-model", name="Cmd", modalities=["text", "image"],
        tags=[{"identifier": "chat", "name": "Chat"}],
    )  # fmt: skip
    with pytest.raises(AuthenticationError):
        await _run(fresh_engine, models.create_model, Viewer(), new)
    reader = Viewer(organization_id=org_id, organization_slug="meta", role="reader")
    with pytest.raises(PermissionDenied):
        await _run(fresh_engine, models.create_model, reader, new)
    writer = Viewer(organization_id=org_id, organization_slug="meta", role="writer")
    model_id = await _run(fresh_engine, models.create_model, writer, new)
    assert await _mirrors(fresh_engine, model_id) == (["text", "image"], ["chat"])
    change = cmd.ModelChange(
        org="meta", name="cmd-model",
        fields=cmd.ModelFields(modalities=["audio"], tags=[{"identifier": "x", "name": "X"}]),
    )  # fmt: skip
    await _run(fresh_engine, models.update_model, writer, change)
    assert await _mirrors(fresh_engine, model_id) == (["audio"], ["x"])


async def test_bad_fields_are_reported_before_anything_is_written(fresh_engine):
    org_id = await _org(fresh_engine, "meta")
    writer = Viewer(organization_id=org_id, organization_slug="meta", role="writer")
    bad = cmd.NewModel(organization="meta", slug="Bad Slug", name="", license="no-such")
    with pytest.raises(ValidationFailed) as failure:
        await _run(fresh_engine, models.create_model, writer, bad)
    assert {e.loc for e in failure.value.errors} >= {("input", "slug"), ("input", "name")}


async def test_status_transition_rule(fresh_engine):
    org_id = await _org(fresh_engine, "meta")
    writer = Viewer(organization_id=org_id, organization_slug="meta", role="writer")
    new = cmd.NewVersion(org="meta", name="llama-3-1-8b", version="9.0.0", status="ACTIVE")
    await _run(fresh_engine, versions.publish_version, writer, new)
    deleted = cmd.StatusChange(org="meta", name="llama-3-1-8b", version="9.0.0", status="DELETED")
    with pytest.raises(ValidationFailed):
        await _run(fresh_engine, versions.set_version_status, writer, deleted)


async def test_imports_are_for_the_operator_only(fresh_engine):
    org_id = await _org(fresh_engine, "meta")
    admin = Viewer(organization_id=org_id, organization_slug="meta", role="admin")
    parsed = ParsedSource(source="litellm")
    report = ImportReport("litellm", "-")

    async def work(session):
        await imports.import_snapshot(session, admin, parsed, report)

    with pytest.raises(PermissionDenied):
        await runner.run(create_write_sessionmaker(fresh_engine), work)
