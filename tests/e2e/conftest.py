import pytest

from tests.support.api import Api


@pytest.fixture
def api(stack) -> Api:
    client = Api(stack)
    yield client
    client.http.close()
