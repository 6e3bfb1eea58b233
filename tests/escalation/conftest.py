from tests.sla.conftest import office  # noqa: F401  (shared fixture)
