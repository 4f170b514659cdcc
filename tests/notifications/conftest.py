from tests.api.conftest import _local_cache, api  # noqa: F401 - API client and its cache
