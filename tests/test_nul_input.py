"""A NUL character in any string a client sends is its mistake: 400 everywhere, no SQL."""

from __future__ import annotations

from tests.conftest import count_statements, gql


async def test_nul_in_a_variable_is_an_invalid_request(client, seeded_engine):
    query = 'query($org: String!) { model(org: $org, name: "gpt-4o") { id } }'
    with count_statements(seeded_engine) as counter:
        body = await gql(client, query, {"org": "open\u0000ai"})
    assert body["data"] is None
    ext = body["errors"][0]["extensions"]
    assert (ext["type"], ext["code"]) == ("invalid_request", 400)
    assert "variables.org" in ext["detail"]
    assert counter.statements == []


async def test_nul_in_a_literal_is_an_invalid_request(client, seeded_engine):
    with count_statements(seeded_engine) as counter:
        body = await gql(client, '{ model(org: "open\\u0000ai", name: "gpt-4o") { id } }')
    ext = body["errors"][0]["extensions"]
    assert (ext["type"], ext["code"]) == ("invalid_request", 400)
    assert "line 1" in ext["detail"]
    assert counter.statements == []


async def test_nul_inside_a_mutation_input_writes_nothing(write_client, fresh_engine):
    mutation = "mutation($input: OrganizationInput!) { createOrganization(input: $input) { slug } }"
    with count_statements(fresh_engine) as counter:
        body = await gql(write_client, mutation, {"input": {"slug": "x", "name": "a\u0000b"}})
    assert body["errors"][0]["extensions"]["type"] == "invalid_request"
    assert "variables.input.name" in body["errors"][0]["extensions"]["detail"]
    assert counter.statements == []
