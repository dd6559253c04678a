from tests.conftest import gql


async def test_models_answer(client):
    body = await gql(client, "{ models(first: 2) { totalCount edges { node { name } } } }")
    assert "errors" not in body
    assert body["data"]["models"]["totalCount"] >= 25
