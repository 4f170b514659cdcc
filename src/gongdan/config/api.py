"""The one REST API: /api/v1, assembled from each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(title="gongdan API", version="1", urls_namespace="api")
