"""Analytics: metric definitions, incrementally kept facts and rollups, dashboards, exports and
scheduled reports. Reads every app below it and writes only its own tables (docs/metrics.md)."""
